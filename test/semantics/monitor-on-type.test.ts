/**
 * `monitor NAME: ACTIONS on TYPE`: a monitor can be restricted to one resource type, and
 * then read that type's own fields.
 */
import { describe, expect, it } from "vitest";
import { check } from "../../compiler/index.js";
import { basePolicy, compilePolicy, decideJson, requestJson } from "./support.js";

const folderRequest = { action: "read", resource: { type: "Folder", id: "f1", owner: { type: "User", id: "alice" } } };

describe("monitor on TYPE", () => {
  const policy = `${basePolicy}
allow reads: read
monitor big_docs: read on Doc when resource.amount > 1000 then alert "large document read"
`;

  it("fires only for its resource type, reading that type's fields", async () => {
    const module = await compilePolicy(policy);
    expect(decideJson(module, requestJson({ resource: { ...(requestJson().resource as object), amount: 5000 } }))).toMatchObject({
      decision: "deny",
      rules: ["big_docs"],
      consequences: [{ type: "alert", monitor: "big_docs", reason: "large document read" }],
    });
    expect(decideJson(module, requestJson(folderRequest))).toMatchObject({ decision: "allow", rules: ["reads"] });
    expect(module.rules.find((r) => r.name === "big_docs")).toMatchObject({ kind: "monitor", resourceType: "Doc" });
  });

  it("without `on`, a field only one of the action's resource types has is an error", () => {
    const codes = check(policy.replace("read on Doc when", "read when"), { path: "p.agp" }).diagnostics.map((d) => d.code);
    expect(codes).toContain("AGP2007");
  });

  it("refuses an action not declared on the type, and a type that is not a resource", () => {
    const diagnostics = check(`${basePolicy}\nmonitor m1: write on Folder then revoke\nmonitor m2: read on User then revoke\n`, {
      path: "p.agp",
    }).diagnostics;
    expect(diagnostics.map((d) => [d.code, d.source.slice(d.span)])).toEqual([
      ["AGP2014", "write"],
      ["AGP2015", "User"],
    ]);
  });
});
