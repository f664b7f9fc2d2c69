import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  basePolicy,
  checkTestText,
  checkText,
  diagnose,
} from "./testSupport.js";

const fixtures = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  "__fixtures__",
);
const designPolicy = readFileSync(path.join(fixtures, "design.agp"), "utf8");
const designTest = readFileSync(path.join(fixtures, "design.test.agp"), "utf8");

describe("checkPolicy", () => {
  it("checks the example policy of DESIGN.md clean", () => {
    expect(checkText(designPolicy).diagnostics.map((d) => d.message)).toEqual(
      [],
    );
  });

  it("reports all five independent errors of five declarations", () => {
    expect(
      diagnose(`entity Tag { name: Strin }
allow a: sumbit
deny b: read when resource.ownr == principal.onBehalfOf
deny c: read when env.hour < 6 grant 5m
separate s: submit, approve on Report by resource.owner`),
    ).toEqual([
      { code: "AGP2001", text: "Strin" },
      { code: "AGP2004", text: "sumbit" },
      { code: "AGP2007", text: "ownr" },
      { code: "AGP4002", text: "grant 5m" },
      { code: "AGP3009", text: "resource.owner" },
    ]);
  });

  it("computes coverage: `*` expanded, `on` restricting, in action declaration order", () => {
    const { policy } = checkText(`${basePolicy}resource Doc { owner: User }
action read on Doc
allow a: read, submit
deny b: * on Doc
separate s: approve, submit on Report by principal.onBehalfOf
monitor m: read then alert "x"
`);
    const [a, b] = policy.rules;
    const [s] = policy.separations;
    const [m] = policy.monitors;
    if (!a || !b || !s || !m) throw new Error("missing declarations");
    const pairs = (decl: typeof a | typeof s | typeof m) =>
      policy.coverage(decl).pairs.map((p) => `${p.action}@${p.resourceType}`);
    expect(pairs(a)).toEqual(["submit@Report", "read@Report", "read@Doc"]);
    expect(pairs(b)).toEqual(["read@Doc"]);
    expect(pairs(s)).toEqual(["submit@Report", "approve@Report"]);
    expect(pairs(m)).toEqual(["read@Report", "read@Doc"]);
  });

  it("returns a partial policy when there are errors", () => {
    const { policy, diagnostics } = checkText(
      `${basePolicy}allow a: read when foo\n`,
    );
    expect(diagnostics.map((d) => d.code)).toEqual(["AGP2009"]);
    expect(policy.rules.map((r) => r.name.text)).toEqual(["a"]);
    expect([...policy.actions.keys()]).toEqual(["submit", "approve", "read"]);
  });
});

describe("checkTestFile", () => {
  it("checks the example tests of DESIGN.md clean, resolving fixtures and steps", () => {
    const { test, diagnostics } = checkTestText(designTest, designPolicy);
    expect(diagnostics.map((d) => d.message)).toEqual([]);
    expect(test.fixtures.get("carol")).toMatchObject({
      entityType: "User",
      entity: {
        type: "User",
        id: "carol",
        attributes: {
          manager: { type: "User", id: "alice" },
          department: "sales",
          approver: false,
        },
      },
    });
    expect(test.fixtures.get("report")?.entity?.attributes).toEqual({
      owner: { type: "User", id: "alice" },
      amount: 420,
      label: "internal",
    });
    const [first] = test.cases;
    expect(first?.steps).toMatchObject([
      {
        kind: "session",
        principal: { type: "Assistant", id: "alices_agent" },
        intent: "review_team",
        env: { hour: 10, country: "FR", device: { managed: true } },
      },
      {
        kind: "expectDecision",
        effect: "allow",
        action: "approve",
        resource: { id: "carols" },
        grantMs: 300_000,
        rules: ["approve_reports"],
      },
    ]);
    expect(test.entities.map((e) => `${e.type}:${e.id}`)).toEqual([
      "User:alice",
      "User:carol",
      "Assistant:alices_agent",
      "ExpenseReport:report",
      "ExpenseReport:carols",
    ]);
  });

  it("gives inline records a deterministic id and converts times", () => {
    const { test, diagnostics } = checkTestText(
      `test base
let alice = User { department: "s", approver: true, groups: [] }
let bot = Assistant { onBehalfOf: alice }
case "inline" {
  session bot intent filing env { hour: 1, now: time("2026-01-05T10:00:00Z"), ip: "1.2.3.4", device: { managed: true } }
  expect allow read Report { owner: alice, amount: 1, label: secret, tags: ["x"], created: time("2026-01-01T00:00:00Z") }
}`,
    );
    expect(diagnostics).toEqual([]);
    const step = test.cases[0]?.steps[1];
    expect(step).toMatchObject({
      kind: "expectDecision",
      resource: {
        type: "Report",
        id: "Report@6:21",
        attributes: { label: "secret", created: "2026-01-01T00:00:00Z" },
      },
    });
  });
});
