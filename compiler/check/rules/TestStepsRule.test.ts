import { describe, expect, it } from "vitest";
import { baseFixtures, checkTestText, diagnoseTest } from "../testSupport.js";

describe("TestStepsRule", () => {
  it("reports unknown intents, actions and rules, with suggestions", () => {
    expect(
      diagnoseTest(`case "x" {
  session bot intent filling
  expect allow sumbit report by file_onw
  expect session downgraded to raed
}`),
    ).toEqual([
      { code: "AGP2005", text: "filling" },
      { code: "AGP2004", text: "sumbit" },
      { code: "AGP2013", text: "file_onw" },
      { code: "AGP2004", text: "raed" },
    ]);
  });

  it("accepts rules, separations, monitors and intents in `by`", () => {
    expect(
      diagnoseTest(
        `case "x" {\n  session bot intent filing\n  expect deny approve report by reviewing\n}`,
      ),
    ).toEqual([]);
  });

  it("reports an unknown fixture with a suggestion, and roots in test values", () => {
    const { diagnostics } = checkTestText(
      `${baseFixtures}case "x" {\n  session bot intent filing\n  expect allow read reprot\n  expect allow read resource\n}\n`,
    );
    expect(
      diagnostics.map((d) => [d.code, d.source.slice(d.span), d.help]),
    ).toEqual([
      ["AGP2009", "reprot", "did you mean `report`?"],
      [
        "AGP2009",
        "resource",
        "test values are literals, fixtures, labels, intents and actions",
      ],
    ]);
  });

  it("reports a request on something that is not a resource", () => {
    expect(
      diagnoseTest(
        `case "x" {\n  session bot intent filing\n  expect allow read alice\n}`,
      ),
    ).toEqual([{ code: "AGP2015", text: "alice" }]);
  });

  it("reports a grant expected on a deny, or of zero", () => {
    expect(
      diagnoseTest(
        `case "x" {\n  session bot intent filing\n  expect deny read report grant 5m\n  expect allow read report grant 0s\n}`,
      ),
    ).toEqual([
      { code: "AGP4002", text: "grant 5m" },
      { code: "AGP4003", text: "0s" },
    ]);
  });
});
