/**
 * The behavioural suite every {@link Store} must pass, so the memory, SQLite and Redis
 * stores behave alike: `describeStore("sqlite", () => sqliteStore(path))` in a `*.test.ts`.
 * It tests the store alone (atomic compare-and-set, windows, idempotent indexes, revocations,
 * audit chaining) and then the runtime's scenarios on top of it.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { expensesModule } from "../__fixtures__/expenses.js";
import { agentOf, alice, entities, officeHours, reportOf } from "../__fixtures__/people.js";
import { GENESIS_HASH, verifyAudit } from "../audit.js";
import { virtualClock } from "../clock.js";
import { createRuntime } from "../runtime.js";
import type { GrantCommit, GrantRecord, ReviewRecord, SessionRecord, Store } from "./store.js";

const T0 = Date.parse("2026-01-05T10:00:00Z");

function grantRecord(id: string, overrides: Partial<GrantRecord> = {}): GrantRecord {
  return {
    id,
    session: "s1",
    principal: { type: "Assistant", id: "a1" },
    onBehalfOf: { type: "User", id: "alice" },
    action: "submit",
    resource: { type: "ExpenseReport", id: "r1" },
    audience: "agp",
    policy: "sha256:test",
    issuedAt: T0,
    expiresAt: T0 + 60_000,
    revokedAt: null,
    revokedBy: null,
    uses: 0,
    lastUsedAt: null,
    ...overrides,
  };
}

function commitOf(grant: GrantRecord, at: number, expectedVersion: number, series: string[] = ["src|session|s1"]): GrantCommit {
  return {
    grant,
    event: {
      grant: grant.id,
      at,
      event: { action: grant.action, principal: { ...grant.principal }, resource: { ...grant.resource }, session: grant.session, at },
      request: { action: grant.action, at: new Date(at).toISOString() },
    },
    index: { series, sets: [{ key: "sep|r1|alice", member: grant.action }] },
    scope: "ExpenseReport:r1",
    expectedVersion,
  };
}

const session: SessionRecord = {
  id: "s1",
  principal: { type: "Assistant", id: "a1", onBehalfOf: { type: "User", id: "alice" } },
  principalKey: "Assistant:a1",
  onBehalfOf: { type: "User", id: "alice" },
  intent: "file_expenses",
  openedAt: T0,
  state: { status: "active" },
  revoked: false,
};

/** Runs the store suite against stores made by `makeStore` (a fresh, empty store per test). */
export function describeStore(name: string, makeStore: () => Store | Promise<Store>): void {
  describe(`store: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    it("saves and finds sessions, by id and by principal", async () => {
      await store.saveSession(session);
      await store.saveSession({ ...session, id: "s2" });
      await store.saveSession({ ...session, id: "s1", state: { status: "downgraded", actions: ["read"] } });
      expect(await store.getSession("s1")).toEqual({ ...session, state: { status: "downgraded", actions: ["read"] } });
      expect(await store.getSession("nope")).toBeUndefined();
      expect((await store.sessionsOfPrincipal("Assistant:a1")).map((s) => s.id).sort()).toEqual(["s1", "s2"]);
      expect(await store.sessionsOfPrincipal("Assistant:zz")).toEqual([]);
    });

    it("changes a session and a review in one step from what is stored", async () => {
      await store.saveSession(session);
      const ended = await store.updateSession("s1", (current) => ({ ...current, state: { status: "ended", reason: "done" }, revoked: true }));
      expect(ended).toMatchObject({ id: "s1", revoked: true, state: { status: "ended", reason: "done" } });
      // A change computed from an older copy would resurrect it; this one sees the stored record.
      const seen: string[] = [];
      const kept = await store.updateSession("s1", (current) => {
        seen.push(current.state.status);
        return current.state.status === "ended" ? undefined : { ...current, state: { status: "active" } };
      });
      expect(seen).toEqual(["ended"]);
      expect(kept).toMatchObject({ state: { status: "ended" } });
      expect(await store.getSession("s1")).toMatchObject({ revoked: true, state: { status: "ended", reason: "done" } });
      expect(await store.updateSession("nope", (current) => current)).toBeUndefined();
      await expect(store.updateSession("s1", (current) => ({ ...current, id: "s9" }))).rejects.toThrow(/returned session `s9`/);
      expect(await store.getSession("s9")).toBeUndefined();

      const review = { id: "rv1", session: "s1", principal: "Assistant:a1", monitors: ["m"], reasons: ["why"], createdAt: T0, status: "pending" as const, resolvedBy: null, note: null, resolvedAt: null };
      await store.saveReview(review);
      const approve = (current: ReviewRecord): ReviewRecord | undefined =>
        current.status === "pending" ? { ...current, status: "approved" as const, resolvedBy: "dana", resolvedAt: T0 + 1 } : undefined;
      expect(await store.updateReview("rv1", approve)).toMatchObject({ status: "approved", resolvedBy: "dana" });
      expect(await store.updateReview("rv1", approve)).toMatchObject({ status: "approved", resolvedAt: T0 + 1 });
      expect(await store.pendingReviews()).toEqual([]);
      expect(await store.updateReview("nope", approve)).toBeUndefined();
    });

    it("keeps its own copy of what it is given, and hands out nothing that changes it", async () => {
      const principal = { type: "Assistant", id: "a1", onBehalfOf: { type: "User", id: "alice" } };
      await store.saveSession({ ...session, principal });
      const request = { action: "submit", resource: { type: "ExpenseReport", id: "r1" } };
      await store.commitGrant({ ...commitOf(grantRecord("g1"), T0, 0), event: { ...commitOf(grantRecord("g1"), T0, 0).event, request } });
      request.resource.id = "r2";
      const [event] = await store.readEvents(0, 10);
      expect(event?.request).toEqual({ action: "submit", resource: { type: "ExpenseReport", id: "r1" } });
      const stored = await store.getSession("s1");
      try {
        (stored?.state as { status: string }).status = "ended";
        (stored?.principal as { id: string }).id = "a2";
      } catch {
        // The memory store hands out frozen records; SQLite hands out copies.
      }
      expect(await store.getSession("s1")).toMatchObject({ principal: { id: "a1" }, state: { status: "active" } });
      const grant = await store.getGrant("g1");
      try {
        (grant?.resource as { id: string }).id = "r9";
      } catch {
        // Frozen, as above.
      }
      expect(await store.getGrant("g1")).toMatchObject({ resource: { id: "r1" } });
    });

    it("commits a grant only at the expected scope version, all or nothing", async () => {
      const first = await store.readFacts({ scope: "ExpenseReport:r1", at: T0, counts: [], scans: [], sets: ["sep|r1|alice"] });
      expect(first).toEqual({ version: 0, lastSeq: 0, counts: [], scans: [], sets: [[]] });
      expect(await store.commitGrant(commitOf(grantRecord("g1"), T0, 0))).toEqual({ ok: true, seq: 1 });
      expect(await store.commitGrant(commitOf(grantRecord("g2", { action: "approve" }), T0, 0))).toEqual({ ok: false, reason: "conflict" });
      expect(await store.getGrant("g2")).toBeUndefined();
      const after = await store.readFacts({ scope: "ExpenseReport:r1", at: T0, counts: [], scans: [], sets: ["sep|r1|alice"] });
      expect(after).toMatchObject({ version: 1, lastSeq: 1, sets: [["submit"]] });
      // Events come back with the policy version that committed (and indexed) them.
      const events = await store.readEvents(0, 10);
      expect(events).toMatchObject([{ seq: 1, grant: "g1", policy: "sha256:test" }]);
      // Plain records in every store: copies, key lists and JSON carry the request too.
      expect(Object.keys(events[0] ?? {}).sort()).toEqual(["at", "event", "grant", "policy", "request", "seq"]);
      expect({ ...events[0] }.request).toEqual(events[0]?.request);
      const other = await store.readFacts({ scope: "ExpenseReport:r2", at: T0, counts: [], scans: [], sets: [] });
      expect(other).toMatchObject({ version: 0, lastSeq: 1 });
    });

    it("counts and scans series over half-open windows (from, at]", async () => {
      for (const [i, offset] of [0, 10_000, 20_000, 30_000].entries()) {
        const result = await store.commitGrant(commitOf(grantRecord(`g${i}`), T0 + offset, i, ["src|session|s1", "q|even"].slice(0, i % 2 === 0 ? 2 : 1)));
        expect(result.ok).toBe(true);
      }
      const reading = await store.readFacts({
        scope: "ExpenseReport:r1",
        at: T0 + 20_000,
        counts: [
          { series: "src|session|s1", fromExclusive: null },
          { series: "src|session|s1", fromExclusive: T0 },
          { series: "src|session|s1", fromExclusive: T0 + 20_000 },
          { series: "q|even", fromExclusive: null },
          { series: "missing", fromExclusive: null },
        ],
        scans: [{ series: "src|session|s1", fromExclusive: T0 }],
        sets: [],
      });
      expect(reading.counts).toEqual([3, 2, 0, 2, 0]);
      expect(reading.scans[0]!.map((event) => event.grant)).toEqual(["g1", "g2"]);
      expect(reading.scans[0]![0]).toMatchObject({ seq: 2, at: T0 + 10_000, event: { action: "submit", session: "s1" } });
    });

    it("adds index entries idempotently, for rebuilding another policy version's indexes", async () => {
      await store.commitGrant(commitOf(grantRecord("g1"), T0, 0));
      const entries = [{ seq: 1, at: T0, index: { series: ["v2|q0|s1"], sets: [{ key: "v2|sep", member: "submit" }] } }];
      await store.addIndexEntries(entries);
      await store.addIndexEntries(entries);
      const reading = await store.readFacts({ scope: "x", at: T0, counts: [{ series: "v2|q0|s1", fromExclusive: null }], scans: [], sets: ["v2|sep"] });
      expect(reading).toMatchObject({ counts: [1], sets: [["submit"]] });
      expect(await store.getMarker("index:v2")).toBeUndefined();
      await store.setMarker("index:v2", 1);
      expect(await store.getMarker("index:v2")).toBe(1);
    });

    it("revokes grants one by one and by session (expired ones too: a token outlives its expiry by the skew allowance), and principals", async () => {
      await store.saveSession(session);
      await store.commitGrant(commitOf(grantRecord("g1"), T0, 0));
      await store.commitGrant(commitOf(grantRecord("g2"), T0, 1));
      await store.commitGrant(commitOf(grantRecord("g3", { expiresAt: T0 + 1000 }), T0, 2));
      expect(await store.revokeGrant("g1", T0 + 5000, "ops")).toBe(true);
      expect(await store.revokeGrant("g1", T0 + 6000, "ops")).toBe(false);
      expect(await store.revokeGrant("nope", T0, "ops")).toBe(false);
      expect((await store.listGrants({ liveAt: T0 + 500 })).map((grant) => grant.id)).toEqual(["g2", "g3"]);
      expect((await store.listGrants({ liveAt: T0 + 1000 })).map((grant) => grant.id)).toEqual(["g2"]);
      expect(await store.revokeSessionGrants("s1", T0 + 5000, "monitor:m")).toEqual(["g2", "g3"]);
      expect(await store.getGrant("g2")).toMatchObject({ revokedAt: T0 + 5000, revokedBy: "monitor:m" });
      expect(await store.getGrant("g3")).toMatchObject({ revokedAt: T0 + 5000, revokedBy: "monitor:m" });
      expect(await store.revokeSessionGrants("s1", T0 + 6000, "monitor:m")).toEqual([]);
      expect(await store.listGrants({ liveAt: T0 + 500 })).toEqual([]);
      expect((await store.listGrants({ session: "s1" })).map((grant) => grant.id).sort()).toEqual(["g1", "g2", "g3"]);
      expect(await store.redeemContext("g3")).toMatchObject({ grant: { id: "g3" }, session: { id: "s1" }, principalRevoked: false });
      await store.revokePrincipal("Assistant:a1", T0, "ops");
      expect(await store.isPrincipalRevoked("Assistant:a1")).toBe(true);
      expect(await store.redeemContext("g3")).toMatchObject({ principalRevoked: true });
      expect(await store.redeemContext("nope")).toEqual({ grant: undefined, session: undefined, principalRevoked: false });
    });

    it("counts a grant's use only while it is usable: not revoked, its principal not revoked, its session neither revoked, ended nor suspended", async () => {
      await store.saveSession(session);
      await store.commitGrant(commitOf(grantRecord("g1"), T0, 0));
      await store.commitGrant(commitOf(grantRecord("g2"), T0, 1));
      expect(await store.recordUse("g1", T0 + 10)).toBe(true);
      expect(await store.getGrant("g1")).toMatchObject({ uses: 1, lastUsedAt: T0 + 10 });
      // A use that is not counted: a redeem racing the revocation or the monitor is refused.
      await store.revokeGrant("g2", T0, "ops");
      expect(await store.recordUse("g2", T0 + 10)).toBe(false);
      expect(await store.getGrant("g2")).toMatchObject({ uses: 0, lastUsedAt: null });
      expect(await store.recordUse("nope", T0 + 10)).toBe(false);
      const unusable: SessionRecord[] = [
        { ...session, state: { status: "suspended", review: "rv1", resume: { status: "active" } } },
        { ...session, state: { status: "ended", reason: "done" } },
        { ...session, revoked: true },
      ];
      for (const changed of unusable) {
        await store.saveSession(changed);
        expect(await store.recordUse("g1", T0 + 20)).toBe(false);
      }
      await store.saveSession({ ...session, state: { status: "downgraded", actions: ["read"] } });
      expect(await store.recordUse("g1", T0 + 30)).toBe(true);
      await store.revokePrincipal("Assistant:a1", T0, "ops");
      expect(await store.recordUse("g1", T0 + 40)).toBe(false);
      expect(await store.getGrant("g1")).toMatchObject({ uses: 2, lastUsedAt: T0 + 30 });
    });

    it("keeps reviews and lists the pending ones", async () => {
      const review = {
        id: "rv1",
        session: "s1",
        principal: "Assistant:a1",
        monitors: ["m"],
        reasons: ["why"],
        createdAt: T0,
        status: "pending" as const,
        resolvedBy: null,
        note: null,
        resolvedAt: null,
      };
      await store.saveReview(review);
      await store.saveReview({ ...review, id: "rv2" });
      await store.saveReview({ ...review, id: "rv2", status: "approved", resolvedBy: "dana", resolvedAt: T0 + 1 });
      expect((await store.pendingReviews()).map((r) => r.id)).toEqual(["rv1"]);
      expect(await store.getReview("rv2")).toMatchObject({ status: "approved", resolvedBy: "dana" });
    });

    it("chains audit entries and reads them back by seq", async () => {
      expect(await store.auditHead()).toEqual({ seq: 0, hash: GENESIS_HASH });
      const first = await store.appendAudit({ at: T0, type: "decision", data: { b: 1, a: [1, 2] } });
      const second = await store.appendAudit({ at: T0 + 1, type: "grant", data: { grant: "g1" } });
      expect(first).toMatchObject({ seq: 1, prev: GENESIS_HASH });
      expect(second).toMatchObject({ seq: 2, prev: first.hash });
      expect(await store.auditHead()).toEqual({ seq: 2, hash: second.hash });
      expect(await store.readAudit(1, 10)).toEqual([second]);
      expect(await store.auditTail(1)).toEqual([second]);
      expect(await verifyAudit(store)).toEqual({ ok: true, entries: 2, head: { seq: 2, hash: second.hash } });
    });

    it("runs the expense scenario under the runtime, separation included", async () => {
      const rt = createRuntime({ policy: expensesModule(), store, clock: virtualClock() });
      const report = reportOf("r1", alice);
      const filing = await rt.openSession({ principal: agentOf("a1", alice), intent: "file_expenses" });
      const filed = await filing.request({ action: "submit", resource: report, env: officeHours, entities });
      expect(filed.allowed).toBe(true);
      expect((await rt.redeem(filed.grant!.token, { action: "submit", resource: report })).ok).toBe(true);
      const reviewing = await rt.openSession({ principal: agentOf("a2", alice), intent: "review_team" });
      const approval = await reviewing.request({ action: "approve", resource: report, env: officeHours, entities });
      expect(approval.decision.rules).toEqual(["submit_approve"]);
      await rt.revoke({ session: filing.id });
      expect(await rt.redeem(filed.grant!.token, { action: "submit", resource: report })).toMatchObject({ reason: "session_revoked" });
      expect(await rt.audit.verify()).toMatchObject({ ok: true });
    });

    it("grants at most one side of a separation among 100 racing requests", async () => {
      const rt = createRuntime({ policy: expensesModule(), store, clock: virtualClock() });
      const report = reportOf("contested", alice);
      const sessions = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          rt.openSession({ principal: agentOf(`a${i}`, alice), intent: i % 2 === 0 ? "file_expenses" : "review_team" }),
        ),
      );
      const outcomes = await Promise.all(
        Array.from({ length: 100 }, (_, i) => {
          const s = sessions[i % 10]!;
          const action = s.intent === "file_expenses" ? "submit" : "approve";
          return s.request({ action, resource: report, env: officeHours, entities }).then((outcome) => (outcome.allowed ? action : null));
        }),
      );
      expect(new Set(outcomes.filter((action) => action !== null)).size).toBe(1);
    });
  });
}
