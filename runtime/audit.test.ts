import fc from "fast-check";
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

/** The definition of the canonical text, written plainly: JSON.stringify's text with object keys sorted. */
function referenceCanonicalJson(value: unknown): string {
  const text = (json: unknown): string => {
    if (json === null || typeof json !== "object") return JSON.stringify(json);
    if (Array.isArray(json)) return `[${json.map(text).join(",")}]`;
    const record = json as Record<string, unknown>;
    return `{${Object.keys(record).sort().map((key) => `${JSON.stringify(key)}:${text(record[key])}`).join(",")}}`;
  };
  return text(JSON.parse(JSON.stringify(value) ?? "null"));
}

describe("canonicalJson", () => {
  it("sorts keys at every level and drops undefined members", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: undefined }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"f":2}]},"b":1}');
  });

  it("sorts integer-like keys as text, which objects list first in numeric order", () => {
    expect(canonicalJson({ b: 1, 10: 2, 9: 3, " ": 4 })).toBe('{" ":4,"10":2,"9":3,"b":1}');
    expect(canonicalJson({ nested: { 2: "x", 10: "y" }, a: [{ 1: true, 0: false }] })).toBe('{"a":[{"0":false,"1":true}],"nested":{"10":"y","2":"x"}}');
  });

  it("writes what JSON data stored and read back would give, whatever the key order", () => {
    const key = fc.oneof(fc.string(), fc.constantFrom("0", "1", "9", "10", "01", "-1", "4294967295", "toJSON"), fc.nat().map(String));
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: "small" }, fc.constant(null), fc.boolean(), fc.double(), fc.string(), tie("array"), tie("object")),
      array: fc.array(fc.oneof(tie("value"), fc.constant(undefined)), { maxLength: 4 }),
      object: fc.dictionary(key, fc.oneof(tie("value"), fc.constant(undefined)), { maxKeys: 5 }),
    })).value;
    fc.assert(
      fc.property(json, (value) => {
        expect(canonicalJson(value)).toBe(referenceCanonicalJson(value));
        // Stored as JSON and parsed back (how the SQLite store reads it), the text is the same.
        const stored: unknown = JSON.parse(JSON.stringify(value) ?? "null");
        expect(canonicalJson(stored)).toBe(canonicalJson(value));
      }),
      { numRuns: 500 },
    );
  });

  it("treats what JSON.stringify treats specially the same way", () => {
    expect(canonicalJson({ when: new Date(0), f: () => 1, s: Symbol("s") })).toBe('{"when":"1970-01-01T00:00:00.000Z"}');
    expect(canonicalJson([undefined, () => 1, { toJSON: () => ({ b: 1, a: 2 }) }])).toBe('[null,null,{"a":2,"b":1}]');
    expect(canonicalJson({ 10: { toJSON: (key: string) => key }, 9: undefined })).toBe('{"10":"10"}');
    expect(canonicalJson({ b: 1, toJSON() { return this; }, a: 2 })).toBe('{"a":2,"b":1}');
    expect(() => canonicalJson({ n: 1n })).toThrow(TypeError);
    expect(canonicalJson(undefined)).toBe("null");
  });
});

describe("the audit log", () => {
  it("records every kind of event, chained from the genesis hash", async () => {
    const { rt, log } = await busyRuntime();
    expect(log.map((entry) => entry.type)).toEqual(["policy_loaded", "session_opened", "decision", "grant", "redeem", "refusal", "revocation"]);
    const verdict = await rt.audit.verify();
    expect(verdict).toEqual({ ok: true, entries: 7, head: { seq: 7, hash: log[6]!.hash } });
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
    expect(await end.rt.audit.verify()).toMatchObject({
      ok: false,
      problem: "the log ends at entry 6, before the head the store recorded (entry 7)",
    });
  });

  it("verifies entries appended while it walks the log, instead of taking them for a cut", async () => {
    const { rt, log } = await busyRuntime();
    const session = await rt.openSession({ principal: agentOf("a2", alice), intent: "file_expenses" });
    // Every page read lets a request land first: the log grows past the head read at the start.
    const readAudit = rt.store.readAudit.bind(rt.store);
    rt.store.readAudit = async (after, limit) => {
      await session.request({ action: "read", resource: reportOf(`r-${after}`, alice), env: officeHours, entities });
      return readAudit(after, limit);
    };
    const verdict = await rt.audit.verify();
    expect(verdict).toMatchObject({ ok: true });
    expect(verdict.entries).toBe(log.length);
    expect(verdict.entries).toBeGreaterThan(8);
  });

  it("checks an anchor recorded earlier: a log cut before it, or rewritten at it, is broken", async () => {
    const { rt, log } = await busyRuntime();
    const verdict = await rt.audit.verify();
    if (!verdict.ok) throw new Error("the fresh log does not verify");
    const anchor = verdict.head;
    expect(await rt.audit.verify({ anchor })).toMatchObject({ ok: true, entries: 7 });
    expect(await rt.audit.verify({ anchor: { seq: 7, hash: "0".repeat(64) } })).toMatchObject({
      ok: false,
      brokenAt: 7,
      problem: "entry 7 is not the anchor: its hash differs",
    });
    expect(await rt.audit.verify({ anchor: { seq: 9, hash: anchor.hash } })).toMatchObject({
      ok: false,
      problem: "the log ends at entry 7, before the anchor (entry 9)",
    });
    log.pop();
    expect(await rt.audit.verify({ anchor })).toMatchObject({ ok: false, brokenAt: 7 });
  });

  it("refuses a malformed anchor (invalid_anchor) rather than ignoring it", async () => {
    const { rt } = await busyRuntime();
    for (const anchor of [{ seq: 0, hash: "0".repeat(64) }, { seq: 5.5, hash: "0".repeat(64) }, { seq: "5", hash: "0".repeat(64) }, { seq: 5, hash: "xyz" }]) {
      await expect(rt.audit.verify({ anchor: anchor as { seq: number; hash: string } }), JSON.stringify(anchor)).rejects.toMatchObject({ code: "invalid_anchor" });
    }
  });
});
