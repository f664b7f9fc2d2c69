import { describe, expect, it } from "vitest";
import { basePolicy, compilePolicy, decideJson, explainJson, requestJson } from "./support.js";

const at = (time: string, overrides: Record<string, unknown> = {}): Record<string, unknown> =>
  requestJson({ at: time, ...overrides });

describe("count and exists", () => {
  it("count the session's events within the window (half-open, current request excluded)", async () => {
    const module = await compilePolicy(`${basePolicy}
allow everyone: *
deny burst: * when count(session within 1m) >= 2 reason "too fast"`);
    const history = [at("2026-01-05T09:59:10Z"), at("2026-01-05T09:59:30Z")];
    expect(decideJson(module, at("2026-01-05T10:00:00Z"), history).rules).toEqual(["burst"]);
    // 09:59:10 falls out of the window (09:59:10, 10:00:10]
    expect(decideJson(module, at("2026-01-05T10:00:10Z"), history).decision).toBe("allow");
    // events after the request do not count
    expect(decideJson(module, at("2026-01-05T09:59:20Z"), history).decision).toBe("allow");
    const otherSession = history.map((h) => ({ ...h, session: "s2" }));
    expect(decideJson(module, at("2026-01-05T10:00:00Z"), otherSession).decision).toBe("allow");
  });

  it("filter events with `where`, reading the event and the request", async () => {
    const module = await compilePolicy(`${basePolicy}
allow read_after_write: read when exists(principal where event.action == write and event.resource == resource)`);
    const write = at("2026-01-05T09:00:00Z", { action: "write", session: "other" });
    expect(decideJson(module, at("2026-01-05T10:00:00Z"), [write]).decision).toBe("allow");
    expect(decideJson(module, at("2026-01-05T10:00:00Z"), []).decision).toBe("deny");
    const otherDoc = { ...(write.resource as Record<string, unknown>), id: "d2" };
    expect(decideJson(module, at("2026-01-05T10:00:00Z"), [{ ...write, resource: otherDoc }]).decision).toBe("deny");
    expect(module.historyQueries).toEqual([
      expect.objectContaining({ index: 0, function: "exists", source: "principal", withinMs: null, dependsOnRequest: true }),
    ]);
  });

  it("read an event's entity attributes from the current request, parenthesised or not", async () => {
    // The attribute of an entity an event refers to is resolved in the current request's
    // entities, so the runtime must evaluate such a `where` per decision, not once at grant time.
    for (const path of ["event.principal.onBehalfOf.department", "(event.principal.onBehalfOf).department", "((event.principal).onBehalfOf).department"]) {
      const module = await compilePolicy(`${basePolicy}
allow everyone: *
deny sales_twice: read when count(principal where ${path} == "sales") >= 1`);
      expect(module.historyQueries[0]?.dependsOnRequest, path).toBe(true);
    }
  });
});

describe("separation of duties", () => {
  const policyText = `${basePolicy}
allow anyone: submit, approve
separate submit_approve: submit, approve on Doc by principal.onBehalfOf
  reason "whoever submitted a document cannot approve it"`;

  it("denies the other action of the set to the same chain, across sessions and agents", async () => {
    const module = await compilePolicy(policyText);
    const submitted = at("2026-01-05T09:00:00Z", { action: "submit", session: "earlier" });
    const anotherAgent = { type: "Assistant", id: "a2", onBehalfOf: { type: "User", id: "alice" } };
    const approve = at("2026-01-05T10:00:00Z", { action: "approve", principal: anotherAgent });
    expect(decideJson(module, approve, [submitted])).toMatchObject({
      decision: "deny",
      rules: ["submit_approve"],
      reasons: ["whoever submitted a document cannot approve it"],
    });
    expect(decideJson(module, { ...approve, action: "submit" }, [submitted]).decision).toBe("allow");
    const bobsAgent = { type: "Assistant", id: "a3", onBehalfOf: { type: "User", id: "bob" } };
    expect(decideJson(module, { ...approve, principal: bobsAgent }, [submitted]).decision).toBe("allow");
    expect(module.separations[0]?.key(module.requestSchema.parse(approve))).toBe("4:User:alice");
  });
});

describe("monitors", () => {
  it("deny with their consequences listed", async () => {
    const module = await compilePolicy(`${basePolicy}
allow everyone: *
monitor secrets: approve when resource.label >= secret then revoke, downgrade to list, review "reached for secrets", alert "look"`);
    const doc = requestJson().resource as Record<string, unknown>;
    const decision = decideJson(module, requestJson({ action: "approve", resource: { ...doc, label: "secret" } }));
    expect(decision).toEqual({
      decision: "deny",
      grant: null,
      rules: ["secrets"],
      reasons: ["reached for secrets"],
      consequences: [
        { type: "revoke", monitor: "secrets" },
        { type: "downgrade", monitor: "secrets", actions: ["list"] },
        { type: "review", monitor: "secrets", reason: "reached for secrets" },
        { type: "alert", monitor: "secrets", reason: "look" },
      ],
    });
    expect(decideJson(module, requestJson({ action: "approve" })).decision).toBe("allow");
  });
});

describe("explain", () => {
  it("reports each conjunct's value, stopping at the first false, and errors", async () => {
    const module = await compilePolicy(`${basePolicy}
allow both: read on Doc when resource.amount > 10 and env.hour < 8 and env.managed
deny ratio: read on Doc when resource.amount / (env.hour - 10) > 1`);
    const { decision, trace } = explainJson(module, requestJson());
    expect(decision.rules).toEqual(["ratio"]);
    expect(trace).toEqual([
      // The intent's condition is its refusal: false while the request is within the intent.
      { rule: "work", kind: "intent", applied: false, conditions: [{ text: "the request is outside the intent's actions or max", value: false }], error: null },
      {
        rule: "both",
        kind: "allow",
        applied: false,
        conditions: [
          { text: "resource.amount > 10", value: true },
          { text: "env.hour < 8", value: false },
        ],
        error: null,
      },
      {
        rule: "ratio",
        kind: "deny",
        applied: false,
        conditions: [{ text: "resource.amount / (env.hour - 10) > 1", value: "error" }],
        error: "division by zero",
      },
    ]);
  });
});
