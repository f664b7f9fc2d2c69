import { describe, expect, it } from "vitest";
import { diagnose } from "../testSupport.js";

describe("OptionalGuardRule", () => {
  it("reports an optional field read without a `has` guard", () => {
    expect(
      diagnose("allow a: read when resource.owner.manager.approver"),
    ).toEqual([{ code: "AGP3003", text: "resource.owner.manager.approver" }]);
    expect(diagnose(`allow a: read when starts_with(env.badge, "x")`)).toEqual([
      { code: "AGP3003", text: "env.badge" },
    ]);
  });

  it("allows `==` and `!=` against an absent optional", () => {
    expect(
      diagnose(
        `allow a: read when resource.owner.manager == principal.onBehalfOf or env.badge != "x"`,
      ),
    ).toEqual([]);
  });

  it("accepts a use guarded earlier in the same `and` chain, through parentheses and `or`", () => {
    expect(
      diagnose(`allow a: read when has resource.owner.manager and (resource.owner.manager.approver or env.hour > 1)
allow b: read when env.hour > 1 and has env.badge and starts_with(env.badge, "x")`),
    ).toEqual([]);
  });

  it("does not take a guard from an `or`, a `not` or a later conjunct", () => {
    expect(
      diagnose(`allow a: read when has env.badge or starts_with(env.badge, "x")
allow b: read when not has env.badge and starts_with(env.badge, "x")
allow c: read when starts_with(env.badge, "x") and has env.badge`),
    ).toEqual([
      { code: "AGP3003", text: "env.badge" },
      { code: "AGP3003", text: "env.badge" },
      { code: "AGP3003", text: "env.badge" },
    ]);
  });

  it("lets one `has` guard every optional along its path", () => {
    expect(
      diagnose(
        "allow a: read when has resource.owner.manager.manager and resource.owner.manager.manager.approver",
      ),
    ).toEqual([]);
    expect(
      diagnose(
        "allow a: read when has resource.owner.manager and resource.owner.manager.manager.approver",
      ),
    ).toEqual([
      { code: "AGP3003", text: "resource.owner.manager.manager.approver" },
    ]);
  });

  it("reports `has` on a field that is never absent", () => {
    expect(diagnose("allow a: read when has resource.owner")).toEqual([
      { code: "AGP3006", text: "resource.owner" },
    ]);
    expect(diagnose("allow a: read when has principal")).toEqual([
      { code: "AGP3006", text: "principal" },
    ]);
  });
});
