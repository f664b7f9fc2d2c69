import { describe, expect, it } from "vitest";
import { fixture } from "./__fixtures__/load.js";
import type { Decision } from "../stdlib/contract.js";
import { explanationOf, installAgpMatchers, InvalidRequestError, loadPolicy, PolicyLoadError, ScenarioError } from "./testing.js";

installAgpMatchers(expect);

const ann = { type: "User", id: "ann", approver: true };
const bob = { type: "User", id: "bob", approver: false };
const annsAgent = { type: "Assistant", id: "anns_agent", onBehalfOf: { type: "User", id: "ann" } };
const plan = { type: "Doc", id: "plan", owner: { type: "User", id: "ann" }, label: "internal" };

function request(action: string, overrides: Record<string, unknown> = {}) {
  return {
    principal: annsAgent,
    action,
    resource: plan,
    intent: "work",
    session: "s1",
    at: "2026-01-05T10:00:00Z",
    env: { hour: 10 },
    entities: [ann, bob],
    ...overrides,
  };
}

describe("agp/testing", () => {
  it("decides JSON requests, with history, and the matchers read the decisions", async () => {
    const policy = await loadPolicy(fixture("docs.agp"), { path: "docs.agp" });
    expect(policy.name).toBe("docs");
    expect(policy.decide(request("read"))).toAllow();
    expect(policy.decide(request("read"))).toAllowBy("read_any");
    expect(policy.decide(request("read"))).toGrantFor("30m");
    expect(policy.decide(request("read"))).toGrantFor(1800);
    expect(policy.decide(request("read", { env: { hour: 4 } }))).toDenyBy("night");
    expect(policy.decide(request("approve"), [request("write")])).toDenyBy("write_approve");
    expect(policy.decide(request("approve"))).not.toDeny();
  });

  it("fails a matcher with expected vs actual and the explanation", async () => {
    const policy = await loadPolicy(fixture("docs.agp"), { path: "docs.agp" });
    const decision = policy.decide(request("read", { env: { hour: 4 } }));
    expect(() => expect(decision).toAllow()).toThrow(/expected allow, got deny[\s\S]*reasons: "too early"[\s\S]*night \(deny\): applied[\s\S]*true  env.hour < 6/);
    expect(() => expect(decision).toDenyBy("night", "write_approve")).toThrow("expected rules `night`, `write_approve`, got `night`");
    expect(() => expect(decision).not.toDenyBy("night")).toThrow("expected the decision not to be deny by `night`, it is deny by `night`");
    expect(() => expect({ decision: "maybe" }).toAllow()).toThrow(/expected a decision or a request outcome/);
    // Negated too: `.not` must not turn "this is no decision" into a pass.
    expect(() => expect({ decision: "maybe" }).not.toAllow()).toThrow(/expected a decision or a request outcome/);
    expect(() => expect(Promise.resolve(decision)).not.toDenyBy("x")).toThrow(/a promise \(missing `await`\?\)/);
  });

  it("explains each decision by its own request, even when two requests get the same decision", async () => {
    const policy = await loadPolicy(fixture("docs.agp"), { path: "docs.agp" });
    const bobsAgent = { type: "Assistant", id: "bobs_agent", onBehalfOf: { type: "User", id: "bob" } };
    // Both are the module's one "no rule allowed" deny; each explanation must still be its own.
    const notOwner = policy.decide(request("write", { resource: { ...plan, owner: { type: "User", id: "bob" } } }));
    const notApprover = policy.decide(request("approve", { principal: bobsAgent }));
    expect(notOwner).toEqual(notApprover);
    expect(() => expect(notOwner).toAllow()).toThrow(/write_own \(allow\)/);
    expect(() => expect(notOwner).toAllow()).not.toThrow(/approve_as_approver/);
    expect(() => expect(notApprover).toAllow()).toThrow(/approve_as_approver \(allow\)/);

    const scenario = policy.scenario({ entities: [ann, bob] });
    await scenario.openSession(annsAgent, "work", { hour: 10 });
    const write = await scenario.request("write", { ...plan, owner: { type: "User", id: "bob" } });
    await scenario.openSession(bobsAgent, "work", { hour: 10 });
    const approve = await scenario.request("approve", plan);
    expect(() => expect(write).toAllow()).toThrow(/write_own \(allow\)/);
    expect(() => expect(approve).toAllow()).toThrow(/approve_as_approver \(allow\)/);
    await scenario.close();

    // The explanation travels with the decision, hidden: equality and JSON do not see it.
    expect(explanationOf(notOwner)?.trace?.map((rule) => rule.rule)).toContain("write_own");
    expect(JSON.parse(JSON.stringify(notOwner))).toEqual(notOwner);
    // A decision from elsewhere, or none at all, has no explanation.
    expect(explanationOf({ ...notOwner })).toBeUndefined();
    expect(explanationOf(undefined as unknown as Decision)).toBeUndefined();
    expect(explanationOf(null as unknown as Decision)).toBeUndefined();
  });

  it("drives a scenario step by step with a virtual clock", async () => {
    const policy = await loadPolicy(fixture("docs.agp"), { path: "docs.agp" });
    const scenario = policy.scenario({ entities: [ann, bob] });
    await expect(scenario.redeem()).rejects.toThrow(ScenarioError);
    await scenario.openSession(annsAgent, "skim", { hour: 10 });
    const read = await scenario.request("read", plan);
    expect(read).toGrantFor("30m");
    expect((await scenario.redeem()).ok).toBe(true);
    const secret = await scenario.request("read", { ...plan, id: "keys", label: "secret" });
    expect(secret).toDenyBy("skim", "secret_skim");
    expect((await scenario.sessionState()).status).toBe("suspended");
    expect(await scenario.grantStatus()).toBe("revoked");
    await scenario.resolveReview("approve");
    expect((await scenario.sessionState()).status).toBe("active");
    const later = await scenario.request("read", plan);
    scenario.advance("31m");
    expect(await scenario.grantStatus()).toBe("expired");
    expect(later).toAllow();
    await scenario.close();
  });

  it("runs test-file text against the policy", async () => {
    const policy = await loadPolicy(fixture("docs.agp"), { path: "docs.agp" });
    const result = await policy.runTests(fixture("docs.test.agp"), { filter: (title) => title.startsWith("revoking") });
    expect(result.cases.map((kase) => [kase.title, kase.passed])).toEqual([
      ["revoking a grant", true],
      ["revoking a session and a principal", true],
    ]);
    await expect(policy.runTests("test docs\ncase \"x\" { expect allow nope plan }")).rejects.toThrow(PolicyLoadError);
  });

  it("reports a policy that does not compile and a request that does not fit", async () => {
    await expect(loadPolicy("policy broken\nallow x: nope", { path: "broken.agp" })).rejects.toThrow(/broken\.agp:2:\d+: error AGP/);
    const policy = await loadPolicy(fixture("docs.agp"), { path: "docs.agp" });
    expect(() => policy.decide(request("read", { env: {} }))).toThrow(InvalidRequestError);
  });
});

describe("agp/testing as docs/testing.md shows it", () => {
  it("tests the expenses example", async () => {
    const { loadPolicyFile } = await import("./testing.js");
    const policy = await loadPolicyFile("examples/expenses/expenses.agp");
    const alice = { type: "User", id: "alice", department: "sales", approver: true };
    const agent = { type: "Assistant", id: "a1", onBehalfOf: { type: "User", id: "alice" } };
    const report = { type: "ExpenseReport", id: "r1", owner: { type: "User", id: "alice" }, amount: 420, label: "internal" };
    const office = { hour: 10, country: "FR", device: { managed: true } };
    const submit = { principal: agent, action: "submit", resource: report, intent: "file_expenses", session: "s1", at: "2026-01-05T10:00:00Z", env: office, entities: [alice] };
    expect(policy.decide(submit)).toAllowBy("file_own");
    expect(policy.decide(submit)).toGrantFor("15m");
    expect(policy.decide({ ...submit, env: { ...office, hour: 23 } })).toDenyBy("night");
    expect(policy.decide({ ...submit, action: "approve", intent: "review_team" }, [submit])).toDenyBy("submit_approve");
    const scenario = policy.scenario({ entities: [alice] });
    await scenario.openSession(agent, "file_expenses", office);
    expect(await scenario.request("submit", report)).toGrantFor("15m");
    expect((await scenario.redeem()).ok).toBe(true);
    scenario.advance("16m");
    expect(await scenario.grantStatus()).toBe("expired");
    await scenario.close();
  });
});
