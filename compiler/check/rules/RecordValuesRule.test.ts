import { describe, expect, it } from "vitest";
import { diagnoseTest } from "../testSupport.js";

describe("RecordValuesRule", () => {
  it("reports a field written twice in any record, a plain `let` record and records nested in it included", () => {
    expect(diagnoseTest(`let office = { hour: "ten", device: { managed: true, managed: false }, hour: 10 }`)).toEqual([
      { code: "AGP2010", text: "managed" },
      { code: "AGP2010", text: "hour" },
    ]);
  });

  it("reports a field value of the wrong type", () => {
    expect(
      diagnoseTest(
        `let other = Report { owner: alice, amount: "ten", label: internal, tags: [], created: time("2026-01-05T10:00:00Z") }`,
      ),
    ).toEqual([{ code: "AGP3011", text: `"ten"` }]);
  });

  it("reports missing and unknown fields, with a suggestion", () => {
    expect(
      diagnoseTest(`let carol = User { departement: "it", approver: false }`),
    ).toEqual([
      { code: "AGP3011", text: "User" },
      { code: "AGP3011", text: "departement" },
    ]);
  });

  it("checks references to fixtures against entity types", () => {
    expect(
      diagnoseTest(
        `let r = Report { owner: bot, amount: 1, label: internal, tags: [1], created: time("2026-01-05T10:00:00Z") }`,
      ),
    ).toEqual([
      { code: "AGP3011", text: "bot" },
      { code: "AGP3011", text: "1" },
    ]);
  });

  it("checks `env` against the policy's context, nested records included", () => {
    expect(
      diagnoseTest(`case "x" {
  session bot intent filing env { hour: 10, now: time("2026-01-05T10:00:00Z"), ip: "1.2.3.4", device: { managed: "yes" } }
  expect allow read report env { hour: 10, now: time("2026-01-05T10:00:00Z"), device: { managed: true } }
}`),
    ).toEqual([
      { code: "AGP3011", text: `"yes"` },
      {
        code: "AGP3011",
        text: `{ hour: 10, now: time("2026-01-05T10:00:00Z"), device: { managed: true } }`,
      },
    ]);
  });
});
