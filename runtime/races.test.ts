import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { expensesModule } from "./__fixtures__/expenses.js";
import { agentOf, alice, entities, officeHours, reportOf } from "./__fixtures__/people.js";
import { virtualClock } from "./clock.js";
import type { Runtime } from "./runtime.js";
import { createRuntime } from "./runtime.js";
import type { Session } from "./session.js";
import { memoryStore } from "./stores/memory.js";
import { sqliteStore } from "./stores/sqlite.js";
import type { Store } from "./stores/store.js";

const report = reportOf("contested", alice);

/** 200 requests, submit and approve interleaved, from 20 sessions of alice's agents spread over `runtimes`. */
async function race(runtimes: readonly Runtime[]) {
  const sessions: Session[] = [];
  for (let i = 0; i < 20; i++) {
    const rt = runtimes[i % runtimes.length]!;
    const intent = i % 2 === 0 ? "file_expenses" : "review_team";
    sessions.push(await rt.openSession({ principal: agentOf(`agent${i % 4}`, alice), intent }));
  }
  const outcomes = await Promise.all(
    Array.from({ length: 200 }, (_, i) => {
      const session = sessions[i % sessions.length]!;
      const action = session.intent === "file_expenses" ? "submit" : "approve";
      return session.request({ action, resource: report, env: officeHours, entities }).then((outcome) => ({ action, outcome }));
    }),
  );
  const granted = outcomes.filter(({ outcome }) => outcome.allowed);
  const refused = outcomes.filter(({ outcome }) => !outcome.allowed);
  return { granted, refused };
}

describe("separation of duties under racing requests", () => {
  it("of 200 concurrent submits and approves of one report, only one of the two actions is ever granted", async () => {
    const rt = createRuntime({ policy: expensesModule(), clock: virtualClock() });
    const { granted, refused } = await race([rt]);
    expect(granted.length).toBeGreaterThan(0);
    expect(new Set(granted.map(({ action }) => action)).size).toBe(1);
    for (const { outcome } of refused) expect(outcome.decision.rules).toEqual(["submit_approve"]);
    expect(granted.length + refused.length).toBe(200);
  });

  it("holds across two runtimes sharing one store, through the store's compare-and-set", async () => {
    const store = memoryStore();
    let conflicts = 0;
    const commit = store.commitGrant.bind(store);
    store.commitGrant = async (grant) => {
      const result = await commit(grant);
      if (!result.ok) conflicts++;
      return result;
    };
    const clock = virtualClock();
    const runtimes = [createRuntime({ policy: expensesModule(), store, clock }), createRuntime({ policy: expensesModule(), store, clock })];
    const { granted } = await race(runtimes);
    expect(granted.length).toBeGreaterThan(0);
    expect(new Set(granted.map(({ action }) => action)).size).toBe(1);
    expect(conflicts).toBeGreaterThan(0);
    const recorded = await store.listGrants({});
    expect(new Set(recorded.map((grant) => grant.action)).size).toBe(1);
  });

  /** The stores the two versions use (one shared, or two connections to one file) and how to clean up. */
  type SharedStores = { readonly stores: readonly [Store, Store | undefined]; readonly cleanup: () => void };
  const sharedStores: [string, () => SharedStores][] = [
    ["memory", () => ({ stores: [memoryStore(), undefined], cleanup: () => undefined })],
    [
      "sqlite",
      () => {
        const directory = mkdtempSync(path.join(tmpdir(), "agp-versions-"));
        const file = path.join(directory, "shared.db");
        // Two connections to one file, as two processes of a rolling deploy have.
        return { stores: [sqliteStore(file), sqliteStore(file)], cleanup: () => rmSync(directory, { recursive: true, force: true }) };
      },
    ],
  ];
  describe.each(sharedStores)("across two policy versions sharing one %s store (a rolling deploy)", (_name, open) => {
    it("sees the other version's grants: neither version grants both sides", async () => {
      const { stores, cleanup } = open();
      const clock = virtualClock();
      const old = createRuntime({ policy: expensesModule("sha256:v1"), store: stores[0], clock });
      const next = createRuntime({ policy: expensesModule("sha256:v2"), store: stores[1] ?? stores[0], clock });
      try {
        await Promise.all([old.ready(), next.ready()]);
        // Each version indexed the (empty) history at start; grants come after.
        for (const [filer, approver, id] of [[old, next, "r1"], [next, old, "r2"]] as const) {
          const report = reportOf(id, alice);
          const filing = await filer.openSession({ principal: agentOf("a1", alice), intent: "file_expenses" });
          expect((await filing.request({ action: "submit", resource: report, env: officeHours, entities })).allowed).toBe(true);
          const reviewing = await approver.openSession({ principal: agentOf("a2", alice), intent: "review_team" });
          const approval = await reviewing.request({ action: "approve", resource: report, env: officeHours, entities });
          expect(approval.decision.rules).toEqual(["submit_approve"]);
        }
        // Racing, too: of submits and approves of one report through both versions, one side only.
        const { granted } = await race([old, next]);
        expect(new Set(granted.map(({ action }) => action)).size).toBe(1);
      } finally {
        await old.close();
        if (stores[1]) await next.close();
        cleanup();
      }
    });
  });
});
