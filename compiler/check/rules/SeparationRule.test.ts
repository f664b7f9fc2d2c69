import { describe, expect, it } from "vitest";
import { diagnose } from "../testSupport.js";

describe("SeparationRule", () => {
  it("accepts a key on the principal's delegation chain", () => {
    expect(
      diagnose("separate s: submit, approve on Report by principal.onBehalfOf"),
    ).toEqual([]);
    expect(
      diagnose(
        "separate s: submit, approve on Report by principal.onBehalfOf.department",
      ),
    ).toEqual([]);
  });

  it("reports a key reading anything but `principal`, or of the wrong type", () => {
    expect(
      diagnose(`separate a: submit, approve on Report by resource.owner
separate b: submit, approve on Report by principal.onBehalfOf.approver
separate c: submit, approve on Report by principal.onBehalfOf.manager
separate d: submit, approve on Report by count(principal)`),
    ).toEqual([
      { code: "AGP3009", text: "resource.owner" },
      { code: "AGP3009", text: "principal.onBehalfOf.approver" },
      { code: "AGP3009", text: "principal.onBehalfOf.manager" },
      { code: "AGP3009", text: "count(principal)" },
    ]);
  });

  it("needs two different actions", () => {
    expect(
      diagnose("separate s: submit, submit on Report by principal.onBehalfOf"),
    ).toEqual([{ code: "AGP4006", text: "submit, submit" }]);
    expect(
      diagnose(
        "separate s: submit, approve, submit on Report by principal.onBehalfOf",
      ),
    ).toEqual([{ code: "AGP4006", text: "submit" }]);
  });
});
