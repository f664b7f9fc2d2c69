import { describe, expect, it } from "vitest";
import { expensesModule } from "./__fixtures__/expenses.js";
import { agentOf, alice, entities, officeHours, reportOf } from "./__fixtures__/people.js";
import { virtualClock } from "./clock.js";
import type { Runtime } from "./runtime.js";
import { createRuntime } from "./runtime.js";
import type { Session } from "./session.js";
import { memoryStore } from "./stores/memory.js";

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
});
