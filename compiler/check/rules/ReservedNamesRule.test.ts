import { describe, expect, it } from "vitest";
import { diagnose } from "../testSupport.js";

describe("ReservedNamesRule", () => {
  it("refuses `__proto__` as a field, also nested in a record, a list or an optional", () => {
    expect(diagnose("entity Tag { __proto__: string }")).toEqual([{ code: "AGP2022", text: "__proto__" }]);
    expect(diagnose("entity Tag { meta: [{ inner: { __proto__: number }? }] }")).toEqual([
      { code: "AGP2022", text: "__proto__" },
    ]);
  });

  it("refuses `__proto__` as a type, action, intent and rule name", () => {
    expect(diagnose("entity __proto__ { name: string }").map((d) => d.code)).toContain("AGP2022");
    expect(diagnose("action __proto__ on Report")).toEqual([{ code: "AGP2022", text: "__proto__" }]);
    expect(diagnose('intent __proto__ "x" { actions read }')).toEqual([{ code: "AGP2022", text: "__proto__" }]);
    expect(diagnose("allow __proto__: read")).toEqual([{ code: "AGP2022", text: "__proto__" }]);
  });

  it("accepts other names special on objects, which round-trip as own keys", () => {
    expect(diagnose("entity Tag { constructor: string, prototype: number, toString: bool, proto: string }")).toEqual(
      [],
    );
  });
});
