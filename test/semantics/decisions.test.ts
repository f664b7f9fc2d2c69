import { describe, expect, it } from "vitest";
import { basePolicy, compilePolicy, decideJson, requestJson } from "./support.js";

const policy = (rules: string): Promise<import("../../stdlib/contract.js").PolicyModule> => compilePolicy(`${basePolicy}\n${rules}`);

describe("default deny and allow", () => {
  it("denies when no allow rule applies, naming no rule", async () => {
    const module = await policy(`allow own: write when resource.owner == principal.onBehalfOf`);
    const decision = decideJson(module, requestJson({ action: "read" }));
    expect(decision).toMatchObject({ decision: "deny", grant: null, rules: [], consequences: [] });
  });

  it("allows with the rule's grant, or the default 5m", async () => {
    const module = await policy(`allow own: read when resource.owner == principal.onBehalfOf grant 15m
allow any_write: write`);
    expect(decideJson(module, requestJson())).toEqual({
      decision: "allow",
      grant: { ttl_seconds: 900 },
      rules: ["own"],
      reasons: ["allowed by rule `own`"],
      consequences: [],
    });
    expect(decideJson(module, requestJson({ action: "write" })).grant).toEqual({ ttl_seconds: 300 });
  });

  it("grants the smallest TTL among the allows that apply, naming them all", async () => {
    const module = await policy(`allow long: read grant 30m
allow short: read on Doc when resource.amount < 500 grant 2m
allow never: read on Doc when resource.amount > 500 grant 1m`);
    const decision = decideJson(module, requestJson());
    expect(decision.grant).toEqual({ ttl_seconds: 120 });
    expect(decision.rules).toEqual(["long", "short"]);
  });
});

describe("deny rules", () => {
  it("override allows and are all named, in source order, with their reasons", async () => {
    const module = await policy(`allow everyone: *
deny night: * when env.hour < 6 reason "outside working hours"
deny big: read on Doc when resource.amount > 50
deny unrelated: write`);
    const decision = decideJson(module, requestJson({ env: { hour: 3, managed: true, country: "FR", now: "2026-01-05T03:00:00Z" } }));
    expect(decision).toEqual({
      decision: "deny",
      grant: null,
      rules: ["night", "big"],
      reasons: ["outside working hours", "denied by rule `big`"],
      consequences: [],
    });
  });

  it("run only for their own action and resource type", async () => {
    const module = await policy(`allow everyone: *
deny folders: read on Folder`);
    expect(decideJson(module, requestJson()).decision).toBe("allow");
    const folder = requestJson({ resource: { type: "Folder", id: "f1", owner: { type: "User", id: "alice" } } });
    expect(decideJson(module, folder).rules).toEqual(["folders"]);
  });

  it("refuse an action not declared on the resource's type", async () => {
    const module = await policy(`allow everyone: *`);
    const decision = decideJson(module, requestJson({ action: "list" }));
    expect(decision.decision).toBe("deny");
    expect(decision.reasons[0]).toContain("not declared on resource type `Doc`");
  });
});

describe("intents", () => {
  it("deny an action outside the session's intent, naming the intent", async () => {
    const module = await policy(`allow everyone: *`);
    const decision = decideJson(module, requestJson({ action: "write", intent: "browse" }));
    expect(decision.rules).toEqual(["browse"]);
    expect(decision.reasons[0]).toBe("action `write` is outside intent `browse`");
    expect(decideJson(module, requestJson({ intent: "browse" })).decision).toBe("allow");
  });

  it("deny a resource labelled above the intent's max", async () => {
    const module = await policy(`allow everyone: *
deny huge: read on Doc when resource.amount > 1000`);
    const doc = requestJson().resource as Record<string, unknown>;
    const secret = requestJson({ intent: "browse", resource: { ...doc, label: "secret", amount: 5000 } });
    expect(decideJson(module, secret).rules).toEqual(["browse", "huge"]);
    const folder = requestJson({ intent: "browse", resource: { type: "Folder", id: "f", owner: { type: "User", id: "bob" } } });
    expect(decideJson(module, folder).decision).toBe("allow");
  });

  it("compare the intent's max with the `label` field, whatever other sensitivity fields come first", async () => {
    const module = await compilePolicy(`policy labels
sensitivity public < internal < secret
entity User { approver: bool }
agent Assistant { onBehalfOf: User }
resource Doc { clearance: sensitivity, label: sensitivity }
resource Memo { classification: sensitivity }
action read on Doc
action read on Memo
intent skim "Skim" { actions read max internal }
allow everyone: read`);
    const request = (resource: Record<string, unknown>) => ({
      principal: { type: "Assistant", id: "a1", onBehalfOf: { type: "User", id: "u" } },
      action: "read",
      resource,
      intent: "skim",
      session: "s1",
      at: "2026-01-05T10:00:00Z",
      env: {},
      entities: [{ type: "User", id: "u", approver: false }],
    });
    expect(decideJson(module, request({ type: "Doc", id: "d", clearance: "public", label: "secret" })).rules).toEqual(["skim"]);
    expect(decideJson(module, request({ type: "Doc", id: "d", clearance: "secret", label: "public" })).decision).toBe("allow");
    // No `label` field: not limited by `max`.
    expect(decideJson(module, request({ type: "Memo", id: "m", classification: "secret" })).decision).toBe("allow");
  });
});

describe("entities come only from entity positions", () => {
  it("a plain record shaped like an entity defines no entity", async () => {
    const module = await compilePolicy(`policy records
entity User { department: string }
agent Assistant { onBehalfOf: User }
resource Doc { owner: User }
context { ticket: { type: string, id: string, note: string }, other: { type: string, id: string, note: string }? }
action read on Doc
intent work "Work" { actions read }
allow not_sales: read when resource.owner.department != "sales"`);
    const request = (env: Record<string, unknown>) => ({
      principal: { type: "Assistant", id: "a1", onBehalfOf: { type: "User", id: "alice" } },
      action: "read",
      resource: { type: "Doc", id: "d1", owner: { type: "User", id: "bob" } },
      intent: "work",
      session: "s1",
      at: "2026-01-05T10:00:00Z",
      env,
      entities: [{ type: "User", id: "alice", department: "sales" }],
    });
    // `bob` is defined nowhere: the ticket is data, so the owner's attributes are missing (deny).
    const decision = decideJson(module, request({ ticket: { type: "User", id: "bob", note: "hello" } }));
    expect(decision.decision).toBe("deny");
    expect(decision.reasons.join(" ")).toContain('missing entity `User::"bob"`');
    // Two such records with the same type and id are not conflicting definitions either.
    const both = request({ ticket: { type: "t", id: "1", note: "a" }, other: { type: "t", id: "1", note: "b" } });
    expect(() => decideJson(module, both)).not.toThrow();
  });
});

describe("fields named like members every object inherits", () => {
  it("count in equality and in telling two definitions of one entity apart", async () => {
    const module = await compilePolicy(`policy inherited
entity User { name: string }
agent Bot { onBehalfOf: User }
resource Doc { owner: User, constructor: string?, meta: { toString: string?, n: number } }
context { meta: { toString: string?, n: number } }
action read on Doc
intent work "Work" { actions read }
allow same: read on Doc when resource.meta == env.meta
deny secret: read when has resource.constructor and resource.constructor == "secret"`);
    const request = (resource: Record<string, unknown>, env: Record<string, unknown>, entities: unknown[] = []) => ({
      principal: { type: "Bot", id: "b", onBehalfOf: { type: "User", id: "u", name: "u" } },
      action: "read",
      resource,
      intent: "work",
      session: "s1",
      at: "2026-01-05T10:00:00Z",
      env,
      entities,
    });
    const doc = { type: "Doc", id: "d", owner: { type: "User", id: "u" } };
    // A field only one side has makes the records differ, in either order.
    for (const [mine, theirs] of [[{ n: 1 }, { n: 1, toString: "x" }], [{ n: 1, toString: "x" }, { n: 1 }]]) {
      expect(decideJson(module, request({ ...doc, meta: mine }, { meta: theirs })).decision).toBe("deny");
    }
    expect(decideJson(module, request({ ...doc, meta: { n: 1 } }, { meta: { n: 1 } })).decision).toBe("allow");
    // The same entity given twice, once with `constructor` set: conflicting, never the other one silently.
    const twice = request({ ...doc, meta: { n: 1 }, constructor: "secret" }, { meta: { n: 1 } }, [{ ...doc, meta: { n: 1 } }]);
    expect(module.requestSchema.safeParse(twice).success).toBe(false);
  });
});

describe("entities whose attributes are all optional", () => {
  it("may be referred to bare: a reference nothing else defines is the entity with every attribute absent", async () => {
    const module = await compilePolicy(`policy optional_only
entity Device { tag: string? }
agent Bot { device: Device }
resource Doc { note: string? }
action read on Doc
intent work "Work" { actions read }
allow untagged: read when not has principal.device.tag and not has resource.note`);
    const request = (entities: readonly unknown[]) => ({
      principal: { type: "Bot", id: "b", device: { type: "Device", id: "d1" } },
      action: "read",
      resource: { type: "Doc", id: "x" },
      intent: "work",
      session: "s1",
      at: "2026-01-05T10:00:00Z",
      env: {},
      entities,
    });
    expect(decideJson(module, request([])).rules).toEqual(["untagged"]);
    // A definition elsewhere in the request is the entity, whatever the bare references say.
    const tagged = decideJson(module, request([{ type: "Device", id: "d1", tag: "lab" }]));
    expect(tagged).toMatchObject({ decision: "deny", rules: [] });
  });
});

describe("values", () => {
  it("compare sensitivity labels by declared rank", async () => {
    const module = await policy(`allow everyone: *
deny sensitive: read on Doc when resource.label >= confidential`);
    const doc = requestJson().resource as Record<string, unknown>;
    const at = (label: string): string => decideJson(module, requestJson({ resource: { ...doc, label } })).decision;
    expect(["public", "internal", "confidential", "secret"].map(at)).toEqual(["allow", "allow", "deny", "deny"]);
  });

  it("treat an absent optional as unequal, and read it under `has`", async () => {
    const module = await policy(`allow managed_by: read when resource.owner.manager == principal.onBehalfOf
allow not_managed_by: write when resource.owner.manager != principal.onBehalfOf
allow badge: approve when has env.badge and env.badge == "b-1"`);
    const doc = requestJson().resource as Record<string, unknown>;
    const ofBob = { ...doc, owner: { type: "User", id: "bob" } };
    expect(decideJson(module, requestJson({ resource: ofBob })).decision).toBe("allow");
    expect(decideJson(module, requestJson()).decision).toBe("deny");
    expect(decideJson(module, requestJson({ action: "write" })).decision).toBe("allow");
    const env = { hour: 10, managed: true, country: "FR", now: "2026-01-05T10:00:00Z" };
    expect(decideJson(module, requestJson({ action: "approve", env })).decision).toBe("deny");
    expect(decideJson(module, requestJson({ action: "approve", env: { ...env, badge: "b-1" } })).decision).toBe("allow");
  });

  it("resolve entity attributes from `entities`, and deny on a missing entity naming the rule", async () => {
    const module = await policy(`allow same_department: read when resource.owner.department == "sales"
deny guard: write when resource.owner.department == "hr"`);
    expect(decideJson(module, requestJson()).decision).toBe("allow");
    const doc = requestJson().resource as Record<string, unknown>;
    const unknownOwner = requestJson({ action: "write", resource: { ...doc, owner: { type: "User", id: "zoe" } } });
    const decision = decideJson(module, unknownOwner);
    expect(decision.decision).toBe("deny");
    expect(decision.rules).toEqual(["guard"]);
    expect(decision.reasons[0]).toMatch(/^error in rule `guard`: missing entity/);
  });

  it("deny on an evaluation error in any rule, even an allow", async () => {
    const module = await policy(`allow ratio: read on Doc when resource.amount / env.hour > 1`);
    const env = { hour: 0, managed: true, country: "FR", now: "2026-01-05T10:00:00Z" };
    const decision = decideJson(module, requestJson({ env }));
    expect(decision).toMatchObject({ decision: "deny", rules: ["ratio"], reasons: ["error in rule `ratio`: division by zero"] });
  });

  it("test membership in literal lists and list fields", async () => {
    const module = await policy(`deny sanctioned: * when env.country in ["CU", "IR"]
allow tagged: read on Doc when "finance" in resource.tags and env.hour in [9, 10, 11]`);
    expect(decideJson(module, requestJson()).decision).toBe("allow");
    const env = { hour: 10, managed: true, country: "IR", now: "2026-01-05T10:00:00Z" };
    expect(decideJson(module, requestJson({ env })).rules).toEqual(["sanctioned"]);
  });
});
