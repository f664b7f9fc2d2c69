import { describe, expect, it } from "vitest";
import { baseFixtures, checkTestText, diagnoseTest } from "../testSupport.js";

describe("FixturesRule", () => {
  it("reports a fixture name declared twice", () => {
    expect(
      diagnoseTest(
        `let alice = User { department: "it", approver: false, groups: [] }`,
      ),
    ).toEqual([{ code: "AGP2018", text: "alice" }]);
  });
});

describe("fixtures referring to fixtures", () => {
  it("reports a fixture that refers to itself or to a later non-entity fixture (AGP2024), instead of looping", () => {
    expect(diagnoseTest("let a = a")).toEqual([{ code: "AGP2024", text: "a" }]);
    expect(diagnoseTest("let a = { x: [a] }")).toEqual([{ code: "AGP2024", text: "a" }]);
    expect(diagnoseTest("let a = b\nlet b = a")).toEqual([{ code: "AGP2024", text: "b" }]);
    expect(diagnoseTest('let hours = [h]\nlet h = "ten"')).toEqual([{ code: "AGP2024", text: "h" }]);
  });

  it("lets any fixture refer to entity fixtures, declared before or after it", () => {
    expect(diagnoseTest('let owners = [carol]\nlet carol = User { manager: carol, department: "it", approver: false, groups: [] }')).toEqual([]);
  });

  it("keeps fixture fields named like members every object inherits", () => {
    const { test } = checkTestText(`${baseFixtures}let odd = { toString: "y", constructor: 2 }\n`);
    expect(test.fixtures.get("odd")?.value).toEqual({ toString: "y", constructor: 2 });
  });
});
