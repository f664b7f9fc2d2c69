/**
 * A store that throws, rejects, stalls or answers late, on any one method or on all: every
 * request during the fault denies with a reason naming the store, every redeem refuses with
 * `store_unavailable`, operator calls reject with a typed error, nothing throws out of a
 * request or a redeem and nothing waits longer than the store timeout; once the store heals,
 * requests and redeems work again and the audit chain still verifies. Memory and SQLite.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { expensesModule } from "../../runtime/__fixtures__/expenses.js";
import { agentOf, alice, entities, officeHours, reportOf } from "../../runtime/__fixtures__/people.js";
import { virtualClock } from "../../runtime/clock.js";
import { AgpRuntimeError } from "../../runtime/errors.js";
import { STORE_METHODS } from "../../runtime/guarded-store.js";
import type { Runtime } from "../../runtime/runtime.js";
import { createRuntime } from "../../runtime/runtime.js";
import type { Session } from "../../runtime/session.js";
import { memoryStore } from "../../runtime/stores/memory.js";
import { sqliteStore } from "../../runtime/stores/sqlite.js";
import type { Store } from "../../runtime/stores/store.js";
import { generateSigner } from "../../runtime/tokens.js";
import type { FaultKind, FaultyStore } from "./faulty-store.js";
import { FAULT_KINDS, faultyStore } from "./faulty-store.js";
import { fuzzing } from "./runs.js";

/** Short, so that stalls cost little; stores here answer synchronously, so it never fires spuriously. */
const STORE_TIMEOUT_MS = 25;

const directory = mkdtempSync(path.join(tmpdir(), "agp-faults-"));
let files = 0;
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const stores: readonly [string, () => Store][] = [
  ["memory", () => memoryStore()],
  ["sqlite", () => sqliteStore(path.join(directory, `faults-${++files}.db`))],
];

let reports = 0;
const freshReport = () => reportOf(`r${++reports}`, alice);

async function setUp(makeStore: () => Store) {
  const faulty = faultyStore(makeStore());
  const rt = createRuntime({
    policy: expensesModule(),
    store: faulty.store,
    clock: virtualClock(),
    storeTimeoutMs: STORE_TIMEOUT_MS,
  });
  const session = await rt.openSession({
    principal: agentOf("a1", alice),
    intent: "file_expenses",
  });
  return { faulty, rt, session };
}

/** A submit that must be granted, with its token redeemed: the runtime works. */
async function expectWorking(rt: Runtime, session: Session) {
  const report = freshReport();
  const outcome = await session.request({
    action: "submit",
    resource: report,
    env: officeHours,
    entities,
  });
  expect(outcome.decision.reasons).toEqual([]);
  expect(outcome.allowed).toBe(true);
  expect(
    await rt.redeem(outcome.grant!.token, {
      action: "submit",
      resource: report,
    }),
  ).toMatchObject({ ok: true });
  return outcome.grant!;
}

/** Expects `promise` to reject with a typed `store_unavailable` error. */
async function expectStoreUnavailable(promise: Promise<unknown>) {
  const error: unknown = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(AgpRuntimeError);
  expect(error).toMatchObject({ code: "store_unavailable" });
}

/** Injects `kind` on `method`, then checks one request and one redeem fail closed if the fault was hit. */
async function underFault(
  faulty: FaultyStore,
  rt: Runtime,
  session: Session,
  token: string,
  tokenReport: object,
  method: string,
  kind: FaultKind,
) {
  faulty.takeFaultedCalls();
  faulty.inject(method, kind);
  const started = performance.now();
  const outcome = await session.request({
    action: "submit",
    resource: freshReport(),
    env: officeHours,
    entities,
  });
  const requestHit = faulty.takeFaultedCalls().length > 0;
  const redeemed = await rt.redeem(token, {
    action: "submit",
    resource: tokenReport as never,
  });
  const redeemHit = faulty.takeFaultedCalls().length > 0;
  const elapsed = performance.now() - started;
  faulty.heal();
  const label = `${kind} in ${method}`;
  if (requestHit) {
    expect(outcome.allowed, label).toBe(false);
    expect(outcome.grant, label).toBeNull();
    expect(outcome.decision.reasons.join(" "), label).toMatch(/store (failed|did not answer)/);
  }
  if (redeemHit)
    expect(redeemed, label).toMatchObject({
      ok: false,
      reason: "store_unavailable",
    });
  else expect(redeemed, label).toMatchObject({ ok: true });
  // A request and a redeem make a handful of store calls, each bounded by the timeout.
  expect(elapsed, label).toBeLessThan(STORE_TIMEOUT_MS * 40);
  return { requestHit, redeemHit };
}

describe.each(stores)("a faulty %s store", (_name, makeStore) => {
  it.each(FAULT_KINDS)("fails closed on a %s in any one method, and recovers at once", async (kind) => {
    const { faulty, rt, session } = await setUp(makeStore);
    const before = await expectWorking(rt, session);
    const hits = { request: new Set<string>(), redeem: new Set<string>() };
    for (const method of STORE_METHODS.filter((name) => name !== "close")) {
      const { requestHit, redeemHit } = await underFault(
        faulty,
        rt,
        session,
        before.token,
        before.resource,
        method,
        kind,
      );
      if (requestHit) hits.request.add(method);
      if (redeemHit) hits.redeem.add(method);
      await faulty.drain();
      await expectWorking(rt, session);
    }
    expect([...hits.request]).toEqual(
      expect.arrayContaining(["getSession", "readFacts", "commitGrant", "appendAudit"]),
    );
    expect([...hits.redeem]).toEqual(expect.arrayContaining(["redeemContext", "recordUse", "appendAudit"]));
    expect(await rt.audit.verify()).toMatchObject({ ok: true });
    await rt.close();
  });

  it.each(FAULT_KINDS)("fails closed on a %s in every method, for every runtime call, and recovers", async (kind) => {
    const { faulty, rt, session } = await setUp(makeStore);
    const before = await expectWorking(rt, session);
    await underFault(faulty, rt, session, before.token, before.resource, "*", kind);
    faulty.inject("*", kind);
    await expectStoreUnavailable(
      rt.openSession({
        principal: agentOf("a2", alice),
        intent: "file_expenses",
      }),
    );
    await expectStoreUnavailable(rt.revoke({ grant: before.id }));
    await expectStoreUnavailable(rt.revoke({ session: session.id }));
    await expectStoreUnavailable(rt.revoke({ principal: { type: "Assistant", id: "a1" } }));
    await expectStoreUnavailable(rt.audit.verify());
    await expectStoreUnavailable(rt.reviews.pending());
    await expectStoreUnavailable(rt.grants());
    await expectStoreUnavailable(rt.load(expensesModule()));
    faulty.heal();
    // A late store applies the revocations after the runtime gave up on them: they still hold.
    await faulty.drain();
    await expectWorking(
      rt,
      await rt.openSession({
        principal: agentOf("a3", alice),
        intent: "file_expenses",
      }),
    );
    await rt.revoke({ grant: before.id });
    const refused = await rt.redeem(before.token, {
      action: "submit",
      resource: before.resource,
    });
    expect(refused).toMatchObject({ ok: false, reason: "grant_revoked" });
    expect(await rt.audit.verify()).toMatchObject({ ok: true });
    await rt.close();
  });

  it("starts on a store that is down, and works once it is back", async () => {
    const signer = await generateSigner();
    const shared = makeStore();
    const healthy = createRuntime({
      policy: expensesModule(),
      store: shared,
      clock: virtualClock(),
      signer,
    });
    const issued = await expectWorking(
      healthy,
      await healthy.openSession({
        principal: agentOf("a1", alice),
        intent: "file_expenses",
      }),
    );
    const faulty = faultyStore(shared);
    faulty.inject("*", "reject");
    const rt = createRuntime({
      policy: expensesModule(),
      store: faulty.store,
      clock: virtualClock(),
      signer,
      storeTimeoutMs: STORE_TIMEOUT_MS,
    });
    await expect(rt.ready()).rejects.toMatchObject({
      code: "store_unavailable",
    });
    expect(
      await rt.redeem(issued.token, {
        action: "submit",
        resource: issued.resource,
      }),
    ).toMatchObject({ ok: false, reason: "store_unavailable" });
    await expectStoreUnavailable(
      rt.openSession({
        principal: agentOf("a1", alice),
        intent: "file_expenses",
      }),
    );
    faulty.heal();
    await rt.ready();
    expect(
      await rt.redeem(issued.token, {
        action: "submit",
        resource: issued.resource,
      }),
    ).toMatchObject({ ok: true });
    await expectWorking(
      rt,
      await rt.openSession({
        principal: agentOf("a1", alice),
        intent: "file_expenses",
      }),
    );
    expect(await rt.audit.verify()).toMatchObject({ ok: true });
    await rt.close();
  });
});

describe("monitor consequences during a fault", () => {
  it.each(["revokeSessionGrants", "saveReview", "updateSession", "appendAudit"])(
    "are applied once the store is back when `%s` failed as the monitor fired",
    async (method) => {
      const faulty = faultyStore(memoryStore());
      const rt = createRuntime({
        policy: expensesModule(),
        store: faulty.store,
        clock: virtualClock(),
        storeTimeoutMs: STORE_TIMEOUT_MS,
      });
      const session = await rt.openSession({
        principal: agentOf("a1", alice),
        intent: "summarize",
      });
      const internal = freshReport();
      const read = await session.request({
        action: "read",
        resource: internal,
        env: officeHours,
        entities,
      });
      expect(read.allowed).toBe(true);
      faulty.inject(method, "throw");
      const fired = await session.request({
        action: "read",
        resource: reportOf("secret", alice, "secret"),
        env: officeHours,
        entities,
      });
      expect(fired.allowed).toBe(false);
      faulty.heal();
      expect(
        await rt.redeem(read.grant!.token, {
          action: "read",
          resource: internal,
        }),
      ).toMatchObject({ ok: false });
      const again = await session.request({
        action: "read",
        resource: freshReport(),
        env: officeHours,
        entities,
      });
      expect(again.allowed).toBe(false);
      expect(await session.state()).toMatchObject({ status: "suspended" });
      expect((await rt.reviews.pending()).map((review) => review.session)).toContain(session.id);
      expect(await rt.audit.verify()).toMatchObject({ ok: true });
    },
  );
});

describe("a stalled store", () => {
  it.runIf(fuzzing)("bounds the wait by the default timeout when none is given", async () => {
    const faulty = faultyStore(memoryStore());
    const rt = createRuntime({
      policy: expensesModule(),
      store: faulty.store,
      clock: virtualClock(),
    });
    const session = await rt.openSession({
      principal: agentOf("a1", alice),
      intent: "file_expenses",
    });
    faulty.inject("readFacts", "stall");
    const started = performance.now();
    const outcome = await session.request({
      action: "submit",
      resource: freshReport(),
      env: officeHours,
      entities,
    });
    const waited = performance.now() - started;
    expect(outcome.decision.reasons[0]).toMatch(/did not answer `readFacts` within 5000 ms/);
    expect(waited).toBeGreaterThanOrEqual(4_900);
    expect(waited).toBeLessThan(8_000);
  });
});

describe("a store without a time bound (`storeTimeoutMs: null`, as `agp test` runs)", () => {
  async function unbounded() {
    const faulty = faultyStore(memoryStore());
    const rt = createRuntime({ policy: expensesModule(), store: faulty.store, clock: virtualClock(), storeTimeoutMs: null });
    const session = await rt.openSession({ principal: agentOf("a1", alice), intent: "file_expenses" });
    return { faulty, rt, session };
  }

  it.each(["throw", "reject"] as const)("still fails closed with typed errors on a %s, and recovers", async (kind) => {
    const { faulty, rt, session } = await unbounded();
    const before = await expectWorking(rt, session);
    faulty.inject("*", kind);
    const outcome = await session.request({ action: "submit", resource: freshReport(), env: officeHours, entities });
    expect(outcome.allowed).toBe(false);
    expect(outcome.grant).toBeNull();
    expect(outcome.decision.reasons.join(" ")).toMatch(/the memory store failed in `\w+`: injected fault/);
    expect(await rt.redeem(before.token, { action: "submit", resource: before.resource })).toMatchObject({ ok: false, reason: "store_unavailable" });
    await expectStoreUnavailable(rt.grants());
    await expectStoreUnavailable(rt.revoke({ session: session.id }));
    faulty.heal();
    await expectWorking(rt, session);
    expect(await rt.audit.verify()).toMatchObject({ ok: true });
  });

  it("waits for a slow store instead of giving up on it", async () => {
    const { faulty, rt, session } = await unbounded();
    faulty.inject("readFacts", "late");
    const outcome = await session.request({ action: "submit", resource: freshReport(), env: officeHours, entities });
    faulty.heal();
    expect(faulty.takeFaultedCalls()).toContain("readFacts");
    expect(outcome.decision.reasons).toEqual([]);
    expect(outcome.allowed).toBe(true);
  });
});
