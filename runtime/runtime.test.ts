import { describe, expect, it } from "vitest";
import { expensesModule } from "./__fixtures__/expenses.js";
import { agentOf, alice, bob, carol, entities, officeHours, reportOf } from "./__fixtures__/people.js";
import { virtualClock } from "./clock.js";
import { AgpRuntimeError } from "./errors.js";
import { createRuntime } from "./runtime.js";
import type { RequestInput, Session } from "./session.js";
import { memoryStore } from "./stores/memory.js";
import type { Store } from "./stores/store.js";

function setup(store: Store = memoryStore()) {
  const clock = virtualClock();
  const rt = createRuntime({ policy: expensesModule(), store, clock });
  return { rt, clock, store };
}

const ask = (session: Session, action: string, resource: RequestInput["resource"], env: unknown = officeHours) =>
  session.request({ action, resource, env, entities });

describe("the expense scenario", () => {
  it("files a report, then refuses its approval by submit_approve across two sessions and two agents of the same human", async () => {
    const { rt } = setup();
    const report = reportOf("r1", alice);
    const filing = await rt.openSession({ principal: agentOf("a1", alice), intent: "file_expenses" });
    const filed = await ask(filing, "submit", report);
    expect(filed.allowed).toBe(true);
    expect(filed.decision.rules).toEqual(["file_own"]);
    expect(filed.grant?.ttlSeconds).toBe(900);
    expect(await rt.redeem(filed.grant!.token, { action: "submit", resource: report })).toMatchObject({ ok: true });

    const reviewing = await rt.openSession({ principal: agentOf("a2", alice), intent: "review_team" });
    const approval = await ask(reviewing, "approve", report);
    expect(approval.allowed).toBe(false);
    expect(approval.grant).toBeNull();
    expect(approval.decision.rules).toEqual(["submit_approve"]);
    expect(approval.decision.reasons).toEqual(["whoever submitted a report cannot approve it"]);

    // The same agent may approve a report it did not submit, and another human may approve alice's.
    expect((await ask(reviewing, "approve", reportOf("r2", carol))).decision.rules).toEqual(["approve_reports"]);
    const bobs = await rt.openSession({ principal: agentOf("b1", bob), intent: "review_team" });
    expect((await ask(bobs, "approve", report)).allowed).toBe(true);
  });

  it("holds the separation in the other order, after the first grant was revoked and long expired", async () => {
    const { rt, clock } = setup();
    const report = reportOf("r3", carol);
    const reviewing = await rt.openSession({ principal: agentOf("a1", alice), intent: "review_team" });
    const approved = await ask(reviewing, "approve", report);
    expect(approved.allowed).toBe(true);
    await rt.revoke({ grant: approved.grant!.id });
    clock.advance("7d");
    const carolsAgentForAlice = await rt.openSession({ principal: agentOf("a9", alice), intent: "file_expenses" });
    const submit = await ask(carolsAgentForAlice, "submit", { ...report, owner: { type: "User", id: "alice" } });
    expect(submit.decision.rules).toEqual(["submit_approve"]);
  });

  it("denies an invalid request with the validation message and never throws", async () => {
    const { rt } = setup();
    const session = await rt.openSession({ principal: agentOf("a1", alice), intent: "file_expenses" });
    const outcome = await session.request({ action: "submit", resource: { ...reportOf("r1", alice), amount: "lots" }, env: officeHours });
    expect(outcome.allowed).toBe(false);
    expect(outcome.decision.reasons[0]).toMatch(/^invalid request: resource\.amount: /);
    const badEntity = await session.request({ action: "submit", resource: reportOf("r2", alice), env: officeHours, entities: [{ type: "User", id: "bob", department: 7 }] });
    // Paths are written as agp eval writes them: list positions in brackets.
    expect(badEntity.decision.reasons[0]).toMatch(/^invalid request: entities\[0\]\.department: /);
    const garbage = await session.request(null as never);
    expect(garbage.allowed).toBe(false);
  });

  it("denies at night and outside the intent", async () => {
    const { rt } = setup();
    const session = await rt.openSession({ principal: agentOf("a1", alice), intent: "file_expenses" });
    expect((await ask(session, "submit", reportOf("r1", alice), { ...officeHours, hour: 23 })).decision.rules).toEqual(["night"]);
    expect((await ask(session, "approve", reportOf("r2", carol))).decision.rules).toEqual(["file_expenses"]);
  });
});

describe("openSession", () => {
  it("refuses an unknown intent and a principal that does not fit, saying which", async () => {
    const { rt } = setup();
    const unknownIntent = rt.openSession({ principal: agentOf("a1", alice), intent: "file_taxes" });
    await expect(unknownIntent).rejects.toMatchObject({ code: "unknown_intent", message: expect.stringContaining("`file_expenses`") });
    const badPrincipal = rt.openSession({ principal: { type: "Assistant", id: "a1" }, intent: "file_expenses" });
    await expect(badPrincipal).rejects.toBeInstanceOf(AgpRuntimeError);
    await expect(badPrincipal).rejects.toMatchObject({ code: "invalid_principal", message: expect.stringContaining("onBehalfOf") });
  });
});

describe("createRuntime", () => {
  it("refuses what is not a compiled policy module, naming what is missing (invalid_policy)", () => {
    const notAModule = { decide: () => null } as unknown as Parameters<typeof createRuntime>[0]["policy"];
    expect(() => createRuntime({ policy: notAModule })).toThrow(
      expect.objectContaining({ code: "invalid_policy", message: expect.stringContaining("`requestSchema`") }),
    );
  });

  it.each([
    [{ storeTimeoutMs: -5 }, "`storeTimeoutMs` must be a positive number of milliseconds, or null for no bound, got -5"],
    [{ storeTimeoutMs: Number.NaN }, "`storeTimeoutMs` must be a positive number of milliseconds, or null for no bound, got NaN"],
    [{ storeTimeoutMs: 0 }, "`storeTimeoutMs` must be a positive number of milliseconds, or null for no bound, got 0"],
    [{ clockSkewSeconds: -1 }, "`clockSkewSeconds` must be a number of seconds, 0 or more, got -1"],
    [{ clockSkewSeconds: "5" }, '`clockSkewSeconds` must be a number of seconds, 0 or more, got "5"'],
    [{ defaultAudience: "" }, '`defaultAudience` must be a non-empty string, got ""'],
    [{ issuer: 42 }, "`issuer` must be a non-empty string, got 42"],
  ])("refuses the option %o, saying what it must be (invalid_option)", (option, message) => {
    const options = { policy: expensesModule(), ...option } as unknown as Parameters<typeof createRuntime>[0];
    expect(() => createRuntime(options)).toThrow(expect.objectContaining({ code: "invalid_option", message }));
  });

  it("accepts a null store timeout and a zero skew", async () => {
    const rt = createRuntime({ policy: expensesModule(), storeTimeoutMs: null, clockSkewSeconds: 0, clock: virtualClock() });
    const session = await rt.openSession({ principal: agentOf("a1", alice), intent: "file_expenses" });
    expect((await ask(session, "submit", reportOf("r1", alice))).allowed).toBe(true);
  });
});

describe("revoke", () => {
  it("refuses a target that does not name one grant, session or principal (invalid_target), revoking nothing", async () => {
    const store = memoryStore();
    const rt = createRuntime({ policy: expensesModule(), store, clock: virtualClock() });
    const session = await rt.openSession({ principal: agentOf("a1", alice), intent: "file_expenses" });
    const report = reportOf("r1", alice);
    const { grant } = await session.request({ action: "submit", resource: report, env: officeHours, entities });
    const malformed: unknown[] = [
      null,
      {},
      { principal: { type: "Assistant", ID: "a1" } },
      { principal: "a1" },
      { principal: ":a1" },
      { principal: {} },
      { grant: "" },
      { session: 42 },
      { grant: grant!.id, session: session.id },
    ];
    for (const target of malformed) {
      await expect(rt.revoke(target as Parameters<typeof rt.revoke>[0]), JSON.stringify(target)).rejects.toMatchObject({
        name: "AgpRuntimeError",
        code: "invalid_target",
      });
    }
    expect(await store.isPrincipalRevoked("Assistant:undefined")).toBe(false);
    expect(await rt.redeem(grant!.token, { action: "submit", resource: report })).toMatchObject({ ok: true });
  });

  it("revokes a principal whose id is empty, which requests accept", async () => {
    const rt = createRuntime({ policy: expensesModule(), store: memoryStore(), clock: virtualClock() });
    const session = await rt.openSession({ principal: agentOf("", alice), intent: "file_expenses" });
    const report = reportOf("r1", alice);
    const { grant } = await session.request({ action: "submit", resource: report, env: officeHours, entities });
    await rt.revoke({ principal: { type: "Assistant", id: "" } });
    expect(await rt.redeem(grant!.token, { action: "submit", resource: report })).toMatchObject({ ok: false, reason: "principal_revoked" });
  });
});

describe("reviews", () => {
  it("stay pending when the agent ends its own suspended session: only a human or a revocation settles them", async () => {
    const rt = createRuntime({ policy: expensesModule(), store: memoryStore(), clock: virtualClock() });
    const session = await rt.openSession({ principal: agentOf("a1", alice), intent: "summarize" });
    await session.request({ action: "read", resource: reportOf("r9", alice, "secret"), env: officeHours, entities });
    const [review] = await rt.reviews.pending();
    await session.end();
    expect((await rt.reviews.pending()).map((pending) => pending.id)).toEqual([review!.id]);
    await rt.revoke({ session: session.id }, { by: "ops" });
    expect(await rt.reviews.pending()).toEqual([]);
    expect(await rt.reviews.get(review!.id)).toMatchObject({ status: "rejected", resolvedBy: "agp runtime" });
  });

  it("refuses a resolution without who resolves it, or another verdict (invalid_resolution), leaving the review pending", async () => {
    const rt = createRuntime({ policy: expensesModule(), store: memoryStore(), clock: virtualClock() });
    const session = await rt.openSession({ principal: agentOf("a1", alice), intent: "summarize" });
    await session.request({ action: "read", resource: reportOf("r9", alice, "secret"), env: officeHours, entities });
    const [review] = await rt.reviews.pending();
    const resolve = rt.reviews.resolve as (id: string, verdict: unknown, resolution?: unknown) => Promise<unknown>;
    for (const [verdict, resolution] of [["approve", undefined], ["approve", { by: "" }], ["approve", { by: 7 }], ["maybe", { by: "dana" }]] as const) {
      await expect(resolve(review!.id, verdict, resolution)).rejects.toMatchObject({ code: "invalid_resolution" });
    }
    expect((await rt.reviews.pending()).map((pending) => pending.id)).toEqual([review!.id]);
  });
});

describe("history facts", () => {
  it("counts a session's requests in a sliding minute (burst)", async () => {
    const { rt, clock } = setup();
    const session = await rt.openSession({ principal: agentOf("a1", alice), intent: "file_expenses" });
    for (let i = 0; i < 60; i++) {
      expect((await ask(session, "submit", reportOf(`r${i}`, alice))).allowed).toBe(true);
    }
    expect((await ask(session, "submit", reportOf("r60", alice))).decision.rules).toEqual(["burst"]);
    clock.advance("59s");
    expect((await ask(session, "submit", reportOf("r61", alice))).decision.rules).toEqual(["burst"]);
    clock.advance("1s");
    expect((await ask(session, "submit", reportOf("r62", alice))).allowed).toBe(true);
  });

  it("scans a resource's events with a condition on the request (crowded)", async () => {
    const { rt } = setup();
    const report = reportOf("r1", carol);
    for (const agent of ["a1", "a2", "a3"]) {
      const session = await rt.openSession({ principal: agentOf(agent, alice), intent: "review_team" });
      expect((await ask(session, "read", report)).allowed).toBe(true);
    }
    const fourth = await rt.openSession({ principal: agentOf("a4", alice), intent: "review_team" });
    expect((await ask(fourth, "read", report)).decision.rules).toEqual(["crowded"]);
    // a1's own earlier read does not count against a1: only a2 and a3 are other readers
    const again = await rt.openSession({ principal: agentOf("a1", alice), intent: "review_team" });
    expect((await ask(again, "read", report)).decision.rules).toEqual(["read_own"]);
  });

  it("rebuilds indexes for a newly loaded policy version, and old grants stay valid", async () => {
    const { rt } = setup();
    const report = reportOf("r1", alice);
    const filing = await rt.openSession({ principal: agentOf("a1", alice), intent: "file_expenses" });
    const filed = await ask(filing, "submit", report);
    await rt.load(expensesModule("sha256:fixture-expenses-v2"));
    expect(rt.policy().sourceHash).toBe("sha256:fixture-expenses-v2");
    expect((await rt.redeem(filed.grant!.token, { action: "submit", resource: report })).ok).toBe(true);
    const reviewing = await rt.openSession({ principal: agentOf("a2", alice), intent: "review_team" });
    expect((await ask(reviewing, "approve", report)).decision.rules).toEqual(["submit_approve"]);
    const decided = await rt.audit.tail(3);
    expect(decided.some((entry) => entry.type === "decision" && entry.data["policy"] === "sha256:fixture-expenses-v2")).toBe(true);
  });
});

describe("failures", () => {
  it("denies when the store throws, and redeem refuses with store_unavailable", async () => {
    const store = memoryStore();
    const { rt } = setup(store);
    const session = await rt.openSession({ principal: agentOf("a1", alice), intent: "file_expenses" });
    const report = reportOf("r1", alice);
    const granted = await ask(session, "submit", report);
    store.readFacts = async () => {
      throw new Error("disk on fire");
    };
    store.redeemContext = async () => {
      throw new Error("disk on fire");
    };
    const outcome = await ask(session, "submit", reportOf("r2", alice));
    expect(outcome).toMatchObject({ allowed: false, grant: null });
    expect(outcome.decision.reasons[0]).toContain("disk on fire");
    expect(await rt.redeem(granted.grant!.token, { action: "submit", resource: report })).toMatchObject({ ok: false, reason: "store_unavailable" });
  });
});
