/**
 * Codegen bugs found by the differential test (test/differential), each pinned here on a
 * small policy so it cannot come back unnoticed.
 */
import { describe, expect, it } from "vitest";
import { basePolicy, compilePolicy, decideJson, requestJson } from "./support.js";

describe("differential regressions", () => {
  it("`has` over a path through an absent optional is false, not an error", async () => {
    // alice has no manager, so `principal.onBehalfOf.manager.manager` has an absent optional on its way.
    const module = await compilePolicy(`${basePolicy}
allow no_grand_manager: read when not has principal.onBehalfOf.manager.manager
allow grand_manager: write when has principal.onBehalfOf.manager.manager and principal.onBehalfOf.manager.manager.approver`);
    expect(decideJson(module, requestJson())).toMatchObject({
      decision: "allow",
      rules: ["no_grand_manager"],
    });
    expect(decideJson(module, requestJson({ action: "write" }))).toMatchObject({
      decision: "deny",
      rules: [],
    });
    const bobsAgent = {
      type: "Assistant",
      id: "a2",
      onBehalfOf: { type: "User", id: "bob" },
    };
    // bob's manager is alice, who has none: still absent one step further.
    expect(decideJson(module, requestJson({ principal: bobsAgent })).decision).toBe("allow");
  });

  it("an intent's refusal is decided before allow rules run, with or without deny rules", async () => {
    // `write` has no deny rule: the allow rule, which would fail (division by zero), must not run.
    const module = await compilePolicy(`${basePolicy}
allow ratio: write on Doc when resource.amount / (env.hour - 10) > 1`);
    const request = requestJson({ action: "write", intent: "browse" });
    expect(decideJson(module, request)).toMatchObject({
      decision: "deny",
      rules: ["browse"],
      reasons: ["action `write` is outside intent `browse`"],
    });
  });
});
