import { describe, expect, it } from "vitest";
import { basePolicy, compilePolicy, decideJson, requestJson } from "./support.js";

const folder = { type: "Folder", id: "f1", owner: { type: "User", id: "alice" } };
const earlier = (resource: Record<string, unknown>, action = "read"): Record<string, unknown> =>
  requestJson({ at: "2026-01-05T09:00:00Z", action, resource });
const doc = (amount: number): Record<string, unknown> => ({
  ...(requestJson().resource as Record<string, unknown>),
  id: "d2",
  amount,
});

describe("a history `where` and events on other resource types (docs/language.md, History queries)", () => {
  it("an event on another type never matches a `where` reading `event.resource`'s fields, even under `not`", async () => {
    const module = await compilePolicy(`${basePolicy}
allow small: read on Doc when exists(session where not (event.resource.amount > 500))`);
    expect(decideJson(module, requestJson(), [earlier(folder, "list")]).decision).toBe("deny");
    expect(decideJson(module, requestJson(), [earlier(doc(10))]).decision).toBe("allow");
    expect(decideJson(module, requestJson(), [earlier(doc(900))]).decision).toBe("deny");
  });

  it("the whole condition is false for such an event, whatever else it says", async () => {
    const module = await compilePolicy(`${basePolicy}
deny busy: read on Doc when count(session where event.action == list or event.resource.amount > 0) >= 1`);
    // `event.action == list` alone would match the Folder event; reading `amount` rules it out.
    expect(decideJson(module, requestJson(), [earlier(folder, "list")]).rules).toEqual([]);
    expect(decideJson(module, requestJson(), [earlier(doc(1))]).rules).toEqual(["busy"]);
  });

  it("a rule on several types reads their common fields of events on any of them", async () => {
    const module = await compilePolicy(`${basePolicy}
allow owned: read when exists(session where event.resource.owner == principal.onBehalfOf)`);
    expect(decideJson(module, requestJson(), [earlier(folder, "list")]).decision).toBe("allow");
    expect(decideJson(module, requestJson({ resource: folder }), [earlier(doc(1))]).decision).toBe("allow");
  });

  it("comparing `event.resource` itself needs no type: events of every type count", async () => {
    const module = await compilePolicy(`${basePolicy}
allow elsewhere: read on Doc when exists(session where event.resource != resource)`);
    expect(decideJson(module, requestJson(), [earlier(folder, "list")]).decision).toBe("allow");
    expect(decideJson(module, requestJson(), []).decision).toBe("deny");
  });
});
