import { describe, expect, it } from "vitest";
import { diagnose } from "../testSupport.js";

describe("GrantRule", () => {
  it("reports a grant on a deny rule, underlining the whole clause", () => {
    expect(
      diagnose('deny d: read when env.hour < 6 grant 5m reason "night"'),
    ).toEqual([{ code: "AGP4002", text: "grant 5m" }]);
  });

  it("reports a grant of zero", () => {
    expect(diagnose("allow a: read grant 0s")).toEqual([
      { code: "AGP4003", text: "0s" },
    ]);
    expect(diagnose("allow a: read grant 500ms")).toEqual([]);
  });
});
