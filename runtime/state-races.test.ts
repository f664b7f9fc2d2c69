/**
 * Changes to a session's state that race each other: a monitor firing while the session is
 * revoked, two humans resolving one review, requests of one session racing under a rate
 * limit, a monitor revoking grants that just expired. Each change is applied to the state
 * as stored at that moment, never to an older copy, so none undoes another.
 */
import { describe, expect, it } from "vitest";
import { expensesModule } from "./__fixtures__/expenses.js";
import { agentOf, alice, entities, officeHours, reportOf } from "./__fixtures__/people.js";
import { virtualClock } from "./clock.js";
import { AgpRuntimeError } from "./errors.js";
import { createRuntime } from "./runtime.js";
import type { Session } from "./session.js";
import { MemoryStore, memoryStore } from "./stores/memory.js";
import type { CommitResult, GrantCommit, ReviewRecord, SessionState } from "./stores/store.js";

const ask = (session: Session, action: string, resource: { type: string; id: string }) =>
  session.request({ action, resource, env: officeHours, entities });

async function summarizing() {
  const clock = virtualClock();
  const rt = createRuntime({ policy: expensesModule(), store: memoryStore(), clock });
  const session = await rt.openSession({ principal: agentOf("a1", alice), intent: "summarize" });
  return { rt, clock, session };
}

describe("session state changes that race", () => {
  it("a session revoked while a monitor fires stays revoked: approving the review does not bring it back", async () => {
    const { rt, session } = await summarizing();
    const [fired] = await Promise.all([ask(session, "read", reportOf("keys", alice, "secret")), rt.revoke({ session: session.id })]);
    expect(fired.allowed).toBe(false);
    expect(await session.state()).toMatchObject({ status: "ended" });
    expect(await rt.store.getSession(session.id)).toMatchObject({ revoked: true });
    for (const review of await rt.reviews.pending()) await rt.reviews.resolve(review.id, "approve", { by: "dana" });
    expect(await session.state()).toMatchObject({ status: "ended" });
    const later = await ask(session, "read", reportOf("r1", alice));
    expect(later.allowed).toBe(false);
    expect(await rt.audit.verify()).toMatchObject({ ok: true });
  });

  it("a review the monitor could no longer attach is withdrawn, not left pending", async () => {
    // The session ends at the worst moment: after the monitor fired, as its review is saved.
    const saved: string[] = [];
    class EndingStore extends MemoryStore {
      override async saveReview(review: ReviewRecord): Promise<void> {
        await super.saveReview(review);
        saved.push(review.id);
        await this.updateSession(review.session, (current) => ({ ...current, state: { status: "ended", reason: "ended meanwhile" } }));
      }
    }
    const rt = createRuntime({ policy: expensesModule(), store: new EndingStore(), clock: virtualClock() });
    const session = await rt.openSession({ principal: agentOf("a1", alice), intent: "summarize" });
    const fired = await ask(session, "read", reportOf("keys", alice, "secret"));
    expect(fired.decision.rules).toContain("secrets_while_summarizing");
    expect(await session.state()).toEqual({ status: "ended", reason: "ended meanwhile" });
    expect(await rt.reviews.pending()).toEqual([]);
    expect(saved).toHaveLength(1);
    expect(await rt.reviews.get(saved[0]!)).toMatchObject({ status: "rejected", resolvedBy: "agp runtime", note: "withdrawn: it had ended when the monitor fired" });
    const consequences = (await rt.audit.tail(20)).filter((entry) => entry.type === "consequence").map((entry) => entry.data["type"]);
    expect(consequences).toEqual(["revoke"]);
  });

  it("of two humans resolving one review at once, one wins and the other is told", async () => {
    const { rt, session } = await summarizing();
    await ask(session, "read", reportOf("keys", alice, "secret"));
    const [review] = await rt.reviews.pending();
    const results = await Promise.allSettled([
      rt.reviews.resolve(review!.id, "reject", { by: "erin" }),
      rt.reviews.resolve(review!.id, "approve", { by: "dana" }),
    ]);
    const won = results.filter((result) => result.status === "fulfilled");
    const lost = results.filter((result): result is PromiseRejectedResult => result.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]?.reason).toBeInstanceOf(AgpRuntimeError);
    expect((lost[0]?.reason as AgpRuntimeError).code).toBe("review_already_resolved");
    // The first call won (they run in order until their first store call): the session ended.
    expect(await rt.reviews.get(review!.id)).toMatchObject({ status: "rejected", resolvedBy: "erin" });
    expect(await session.state()).toMatchObject({ status: "ended" });
    expect((await rt.audit.tail(50)).filter((entry) => entry.type === "review_resolved")).toHaveLength(1);
  });

  it("a monitor that revokes also revokes a grant just past its expiry, which the skew allowance would still redeem", async () => {
    const { rt, clock, session } = await summarizing();
    const internal = reportOf("r1", alice);
    const read = await ask(session, "read", internal);
    expect(read.grant?.ttlSeconds).toBeGreaterThan(0);
    clock.advance((read.grant!.ttlSeconds + 1) * 1000);
    await ask(session, "read", reportOf("keys", alice, "secret"));
    const [review] = await rt.reviews.pending();
    await rt.reviews.resolve(review!.id, "approve", { by: "dana" });
    expect(await rt.redeem(read.grant!.token, { action: "read", resource: internal })).toMatchObject({ ok: false, reason: "grant_revoked" });
  });
});

describe("a grant committed as the session changes", () => {
  /** A store that changes the session to `state` just before it commits the next grant, as a monitor racing the request would. */
  function changingStore(state: SessionState) {
    let armed = true;
    return new (class extends MemoryStore {
      override async commitGrant(commit: GrantCommit): Promise<CommitResult> {
        if (armed) {
          armed = false;
          await this.updateSession(commit.grant.session, (current) => ({ ...current, state }));
        }
        return super.commitGrant(commit);
      }
    })();
  }

  it.each<[string, SessionState, string]>([
    ["suspended", { status: "suspended", review: "review_x", resume: { status: "active" } }, "session suspended pending review `review_x` while the request was decided"],
    ["downgraded", { status: "downgraded", actions: ["read"] }, "session downgraded: only `read` may be granted while the request was decided"],
    ["ended", { status: "ended", reason: "done" }, "session ended: done while the request was decided"],
  ])("is revoked and the request denied when the session was %s meanwhile", async (_name, state, reason) => {
    const store = changingStore(state);
    const rt = createRuntime({ policy: expensesModule(), store, clock: virtualClock() });
    const session = await rt.openSession({ principal: agentOf("a1", alice), intent: "file_expenses" });
    const filed = await ask(session, "submit", reportOf("r1", alice));
    expect(filed).toMatchObject({ allowed: false, grant: null });
    expect(filed.decision.reasons).toEqual([reason]);
    const [grant] = await store.listGrants({ session: session.id });
    expect(grant).toMatchObject({ revokedBy: "runtime: the session changed while deciding" });
    expect((await rt.audit.tail(2)).map((entry) => entry.type)).toEqual(["decision", "revocation"]);
  });

  it("keeps a grant whose session changed in a way that still allows it", async () => {
    const store = changingStore({ status: "downgraded", actions: ["submit"] });
    const rt = createRuntime({ policy: expensesModule(), store, clock: virtualClock() });
    const session = await rt.openSession({ principal: agentOf("a1", alice), intent: "file_expenses" });
    expect(await ask(session, "submit", reportOf("r1", alice))).toMatchObject({ allowed: true });
  });
});

describe("history limits under concurrent requests of one session", () => {
  it("grants exactly as many requests as the rate limit allows when they race on different resources", async () => {
    const rt = createRuntime({ policy: expensesModule(), store: memoryStore(), clock: virtualClock() });
    const session = await rt.openSession({ principal: agentOf("a1", alice), intent: "file_expenses" });
    // `deny burst` refuses a 61st request within a minute of one session.
    const outcomes = await Promise.all(Array.from({ length: 70 }, (_, i) => ask(session, "submit", reportOf(`r${i}`, alice))));
    expect(outcomes.filter((outcome) => outcome.allowed)).toHaveLength(60);
    expect(outcomes.filter((outcome) => outcome.decision.rules.includes("burst"))).toHaveLength(10);
  });
});

describe("what the caller passes in stays the caller's", () => {
  it("changing the principal object after opening the session changes nothing the runtime decides", async () => {
    const rt = createRuntime({ policy: expensesModule(), store: memoryStore(), clock: virtualClock() });
    const principal = agentOf("a1", alice);
    const session = await rt.openSession({ principal, intent: "file_expenses" });
    principal.onBehalfOf.id = "bob";
    const filed = await ask(session, "submit", reportOf("r1", alice));
    expect(filed.decision.rules).toEqual(["file_own"]);
    expect(Object.isFrozen(principal)).toBe(false);
  });
});

describe("a redeem racing a revocation", () => {
  it.each([
    ["grant", "grant_revoked"],
    ["session", "session_revoked"],
    ["principal", "principal_revoked"],
  ] as const)("is refused when its %s is revoked between the redeem's checks and its use", async (target, reason) => {
    // The revocation lands at the worst moment: after the redeem read the grant, before it counted the use.
    let revokeNow: (() => Promise<unknown>) | undefined;
    class RacingStore extends MemoryStore {
      override async recordUse(grantId: string, at: number): Promise<boolean> {
        await revokeNow?.();
        return super.recordUse(grantId, at);
      }
    }
    const rt = createRuntime({ policy: expensesModule(), store: new RacingStore(), clock: virtualClock() });
    const session = await rt.openSession({ principal: agentOf("a1", alice), intent: "file_expenses" });
    const report = reportOf("r1", alice);
    const filed = await ask(session, "submit", report);
    const targets = { grant: { grant: filed.grant!.id }, session: { session: session.id }, principal: { principal: session.principal } };
    revokeNow = () => rt.revoke(targets[target]);
    const redeemed = await rt.redeem(filed.grant!.token, { action: "submit", resource: report });
    expect(redeemed).toMatchObject({ ok: false, reason });
    if (!redeemed.ok) expect(redeemed.message).toMatch(/while it was redeemed$/);
    expect((await rt.store.getGrant(filed.grant!.id))?.uses).toBe(0);
  });
});
