import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { listFacts } from "../stdlib/list-facts.js";
import type { PolicyRequest } from "../stdlib/contract.js";
import { expensesModule } from "./__fixtures__/expenses.js";
import { entities, officeHours } from "./__fixtures__/people.js";
import { catchUpIndexes, IndexProgress, PolicyFacts, rebuildIndexes } from "./facts.js";
import { memoryStore } from "./stores/memory.js";
import { entityKey } from "./stores/store.js";

const module = expensesModule();
const T0 = Date.parse("2026-01-05T10:00:00Z");

const requestArbitrary = fc.record({
  agent: fc.constantFrom("a1", "a2", "a3"),
  human: fc.constantFrom("alice", "bob"),
  session: fc.constantFrom("s1", "s2", "s3"),
  report: fc.constantFrom("r1", "r2"),
  action: fc.constantFrom("submit", "approve", "read"),
  offsetSeconds: fc.integer({ min: 0, max: 7200 }),
});

type RequestSpec = { agent: string; human: string; session: string; report: string; action: string; offsetSeconds: number };

function requestOf(spec: RequestSpec): { json: Record<string, unknown>; request: PolicyRequest } {
  const json = {
    principal: { type: "Assistant", id: spec.agent, onBehalfOf: { type: "User", id: spec.human } },
    action: spec.action,
    resource: { type: "ExpenseReport", id: spec.report, owner: { type: "User", id: "alice" }, amount: 1, label: "internal" },
    intent: "file_expenses",
    session: spec.session,
    at: new Date(T0 + spec.offsetSeconds * 1000).toISOString(),
    env: officeHours,
    entities,
  };
  return { json, request: module.requestSchema.parse(json) };
}

/** Records `history` as granted, in the order given, the way the runtime does. */
async function recorded(facts: PolicyFacts, history: readonly { json: unknown; request: PolicyRequest }[]) {
  const store = memoryStore();
  for (const { json, request } of history) {
    const version = (await store.readFacts({ scope: entityKey(request.resource), at: request.at, counts: [], scans: [], sets: [] })).version;
    const result = await store.commitGrant({
      grant: {
        id: `g${Math.random()}`,
        session: request.session,
        principal: request.principal,
        onBehalfOf: null,
        action: request.action,
        resource: request.resource,
        audience: "agp",
        policy: facts.namespace,
        issuedAt: request.at,
        expiresAt: request.at + 1,
        revokedAt: null,
        revokedBy: null,
        uses: 0,
        lastUsedAt: null,
      },
      event: { grant: "g", at: request.at, event: { ...request }, request: json },
      index: facts.entriesFor(request),
      scope: entityKey(request.resource),
      expectedVersion: version,
    });
    expect(result.ok).toBe(true);
  }
  return store;
}

async function incrementalFacts(facts: PolicyFacts, store: ReturnType<typeof memoryStore>, request: PolicyRequest) {
  const prepared = facts.prepare(request);
  return facts.factsFrom(prepared, await store.readFacts(prepared.plan), request);
}

describe("incremental facts", () => {
  it("agree with listFacts, the reference reading of history, for every kind of query and for separations", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(requestArbitrary, { maxLength: 40 }), requestArbitrary, async (historySpecs, currentSpec) => {
        const facts = new PolicyFacts(module);
        const history = historySpecs.map(requestOf);
        const store = await recorded(facts, history);
        // History precedes the request, as in the runtime (separation counts every recorded
        // grant whatever its time, which fails closed when instances' clocks disagree).
        const latest = Math.max(0, ...historySpecs.map((spec) => spec.offsetSeconds));
        const { request } = requestOf({ ...currentSpec, offsetSeconds: latest + currentSpec.offsetSeconds });
        const expected = listFacts(module, history.map(({ request: granted }) => granted));
        const actual = await incrementalFacts(facts, store, request);
        for (const query of module.historyQueries) {
          expect(actual.count(query.index, request)).toBe(expected.count(query.index, request));
        }
        const key = module.separations[0]!.key(request);
        expect([...actual.separatedActions(0, key, request)].sort()).toEqual([...expected.separatedActions(0, key, request)].sort());
      }),
      { numRuns: 150 },
    );
  });

  it("rebuild gives a new policy version the same answers from the recorded events", async () => {
    const history = Array.from({ length: 30 }, (_, i) =>
      requestOf({ agent: `a${i % 3}`, human: i % 2 ? "alice" : "bob", session: `s${i % 2}`, report: `r${i % 2}`, action: ["submit", "approve", "read"][i % 3]!, offsetSeconds: i * 60 }),
    );
    const v1 = new PolicyFacts(module);
    const store = await recorded(v1, history);
    const v2 = new PolicyFacts(expensesModule("sha256:v2"));
    expect(await rebuildIndexes(store, v2)).toBe(30);
    expect(await rebuildIndexes(store, v2)).toBe(0);
    const { request } = requestOf({ agent: "a1", human: "alice", session: "s1", report: "r1", action: "read", offsetSeconds: 1800 });
    const before = await incrementalFacts(v1, store, request);
    const after = await incrementalFacts(v2, store, request);
    for (const query of module.historyQueries) expect(after.count(query.index, request)).toBe(before.count(query.index, request));
    expect(after.separatedActions(0, "User:alice", request)).toEqual(before.separatedActions(0, "User:alice", request));
  });

  it("catch-up indexes only another version's events, and advances past every event it read", async () => {
    const history = Array.from({ length: 12 }, (_, i) =>
      requestOf({ agent: "a1", human: "alice", session: "s1", report: "r1", action: ["submit", "approve"][i % 2]!, offsetSeconds: i * 60 }),
    );
    const v1 = new PolicyFacts(module);
    const store = await recorded(v1, history);
    const added: number[] = [];
    const addIndexEntries = store.addIndexEntries.bind(store);
    store.addIndexEntries = async (entries) => {
      added.push(...entries.map((entry) => entry.seq));
      return addIndexEntries(entries);
    };
    // The same version: its commits indexed the events already, so nothing is written.
    const same = new IndexProgress();
    await catchUpIndexes(store, v1, same);
    expect(same.through).toBe(12);
    expect(added).toEqual([]);
    // Another version sees them all, once.
    const v2 = new PolicyFacts(expensesModule("sha256:v2"));
    const other = new IndexProgress();
    await catchUpIndexes(store, v2, other);
    expect(other.through).toBe(12);
    expect(added).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const { request } = requestOf({ agent: "a2", human: "alice", session: "s2", report: "r1", action: "approve", offsetSeconds: 3600 });
    const caughtUp = await incrementalFacts(v2, store, request);
    expect(caughtUp.separatedActions(0, "User:alice", request)).toEqual((await incrementalFacts(v1, store, request)).separatedActions(0, "User:alice", request));
    // A commit of this runtime right after what it indexed moves it on; one after a gap does not.
    other.committed(13);
    expect(other.through).toBe(13);
    other.committed(15);
    expect(other.through).toBe(13);
  });

  it("refuses to answer for a separation key it did not read, so the module denies", async () => {
    const facts = new PolicyFacts(module);
    const store = await recorded(facts, []);
    const { request } = requestOf({ agent: "a1", human: "alice", session: "s1", report: "r1", action: "submit", offsetSeconds: 0 });
    const read = await incrementalFacts(facts, store, request);
    expect(() => read.separatedActions(0, "User:mallory", request)).toThrow(/was not read/);
    expect(() => read.count(7, request)).toThrow(RangeError);
  });
});
