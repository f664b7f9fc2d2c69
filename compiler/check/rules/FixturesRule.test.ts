import { describe, expect, it } from "vitest";
import { diagnoseTest } from "../testSupport.js";

describe("FixturesRule", () => {
  it("reports a fixture name declared twice", () => {
    expect(
      diagnoseTest(
        `let alice = User { department: "it", approver: false, groups: [] }`,
      ),
    ).toEqual([{ code: "AGP2018", text: "alice" }]);
  });
});
