import { describe, expect, it } from "vitest";
import { expensesModule } from "./__fixtures__/expenses.js";
import { agentOf, alice, entities, officeHours, reportOf } from "./__fixtures__/people.js";
import { canonicalJson, chainHash } from "./audit.js";
import { virtualClock } from "./clock.js";
import { createRuntime } from "./runtime.js";
import { memoryStore } from "./stores/memory.js";

async function busyRuntime() {
  const store = memoryStore();
  const rt = createRuntime({ policy: expensesModule(), store, clock: virtualClock() });
  const session = await rt.openSession({ principal: agentOf("a1", alice), intent: "file_expenses" });
  const report = reportOf("r1", alice);
  const { grant } = await session.request({ action: "submit", resource: report, env: officeHours, entities });
  await rt.redeem(grant!.token, { action: "submit", resource: report });
  await rt.redeem(grant!.token, { action: "read", resource: report });
  await rt.revoke({ grant: grant!.id });
  return { rt, log: store.rawAuditLog };
}

describe("canonicalJson", () => {
  it("sorts keys at every level and drops undefined members", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: undefined }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"f":2}]},"b":1}');
  });
});

describe("the audit log", () => {
  it("records every kind of event, chained from the genesis hash", async () => {
    const { rt, log } = await busyRuntime();
    expect(log.map((entry) => entry.type)).toEqual(["policy_loaded", "session_opened", "decision", "grant", "redeem", "refusal", "revocation"]);
    expect(await rt.audit.verify()).toEqual({ ok: true, entries: 7 });
    expect((await rt.audit.tail(2)).map((entry) => entry.seq)).toEqual([6, 7]);
  });

  it("detects a changed entry", async () => {
    const { rt, log } = await busyRuntime();
    log[3] = { ...log[3]!, data: { ...log[3]!.data, action: "approve" } };
    expect(await rt.audit.verify()).toMatchObject({ ok: false, brokenAt: 4, problem: "entry 4 was changed" });
  });

  it("detects a changed entry whose hash was recomputed, at the next link", async () => {
    const { rt, log } = await busyRuntime();
    const edited = { ...log[2]!, data: { ...log[2]!.data, decision: "allow" } };
    log[2] = { ...edited, hash: chainHash(edited.prev, edited.seq, edited) };
    expect(await rt.audit.verify()).toMatchObject({ ok: false, brokenAt: 4, problem: "entry 4 does not link to entry 3" });
  });

  it("detects a removed entry, in the middle or at the end", async () => {
    const middle = await busyRuntime();
    middle.log.splice(4, 1);
    expect(await middle.rt.audit.verify()).toMatchObject({ ok: false, brokenAt: 6, problem: "entry 5 is missing" });
    const end = await busyRuntime();
    end.log.pop();
    expect(await end.rt.audit.verify()).toMatchObject({ ok: false, problem: "the log ends at entry 6 but 7 were written" });
  });
});
