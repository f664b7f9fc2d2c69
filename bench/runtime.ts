/**
 * `npm run bench:runtime`: what the runtime costs per request, per store. Prints, for the
 * memory and SQLite stores, requests-with-grant and redeems per second; the decision time
 * (facts read + decide) and the full request time at histories of 10, 10,000 and 1,000,000
 * events; and two ratios against baselines measured in the same run: issuing a grant vs
 * bare `jose` EdDSA signing of the same token (aim ≤ 1.5× with the memory store), and the
 * decision time at 1,000,000 events vs 10 (aim ≤ 2×).
 * `AGP_BENCH_MAX_HISTORY` caps the history sizes (e.g. 10000 for a quick run);
 * `AGP_BENCH_STORES=memory,sqlite` picks the stores. Run with `--expose-gc` (as the npm
 * script does) so each measurement starts after a full collection of the seeding garbage,
 * and `--max-old-space-size=8192`: a million events in the memory store (about 1.4 KB each)
 * leave Node's default 4 GB heap collecting all the time, which is a sizing error, not a
 * decision cost (a service keeping that much history in memory sizes its heap for it).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { SignJWT } from "jose";
import { compileToModule } from "../compiler/index.js";
import type { PolicyModule } from "../stdlib/contract.js";
import { PolicyFacts } from "../runtime/facts.js";
import type { Runtime, Session, Signer, Store } from "../runtime/index.js";
import { createRuntime, generateSigner, GRANT_TOKEN_TYPE, memoryStore, sqliteStore, virtualClock } from "../runtime/index.js";
import { agentOf, historyShape, human, NOW, OFFICE_HOURS, reportOf, seedHistory } from "./runtime-seed.js";

const here = path.dirname(fileURLToPath(import.meta.url));
/** The repository root, from `bench/` (sources) or `dist/bench/` (the build). */
const root = [path.resolve(here, ".."), path.resolve(here, "../..")].find((dir) => existsSync(path.join(dir, "examples"))) ?? here;
const maxHistory = Number(process.env.AGP_BENCH_MAX_HISTORY ?? Number.POSITIVE_INFINITY);
const HISTORIES = [10, 10_000, 1_000_000].filter((size) => size <= maxHistory);
const scratch = mkdtempSync(path.join(tmpdir(), "agp-bench-runtime-"));

interface StoreKind {
  readonly name: string;
  /** Requests timed for throughput (an fsync per write makes `full` slow on some disks). */
  readonly requests: number;
  make(): Store;
}

let files = 0;
const allStoreKinds: readonly StoreKind[] = [
  { name: "memory", requests: 9000, make: () => memoryStore() },
  { name: "sqlite", requests: 2000, make: () => sqliteStore(path.join(scratch, `bench-${++files}.db`)) },
  { name: "sqlite (sync full)", requests: 40, make: () => sqliteStore(path.join(scratch, `bench-${++files}.db`), { synchronous: "full" }) },
];
const chosenStores = process.env.AGP_BENCH_STORES?.split(",").map((name) => name.trim());
const storeKinds = allStoreKinds.filter((kind) => !chosenStores || chosenStores.includes(kind.name.split(" ")[0] ?? ""));

/** A full collection when node runs with `--expose-gc`, so garbage of one phase is not timed in the next. */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function loadPolicy(): Promise<{ module: PolicyModule; origin: string }> {
  const file = "examples/expenses/expenses.agp";
  const { module, diagnostics } = await compileToModule(readFileSync(path.join(root, file), "utf8"), { path: file });
  if (!module) throw new Error(`${file} does not compile: ${diagnostics.map((d) => d.message).join("; ")}`);
  return { module, origin: `${file}, compiled in memory with compileToModule` };
}

/** Microseconds per call of `task`, run `count` times one after another, after `warmup` calls. */
async function timePerCall(count: number, task: (i: number) => Promise<unknown> | unknown, warmup = Math.min(200, count)): Promise<number> {
  for (let i = 0; i < warmup; i++) await task(-1 - i);
  const start = performance.now();
  for (let i = 0; i < count; i++) await task(i);
  return ((performance.now() - start) * 1000) / count;
}

/** A runtime on `store` and `sessions` sessions of file_expenses, one per agent of 25 humans. */
async function runtimeWithSessions(module: PolicyModule, store: Store, signer: Signer, sessions: number) {
  const clock = virtualClock(NOW);
  const rt = createRuntime({ policy: module, store, signer, clock });
  const opened = [];
  for (let i = 0; i < sessions; i++) opened.push({ owner: i % 25, session: await rt.openSession({ principal: agentOf(i % 25, i), intent: "file_expenses" }) });
  return { rt, clock, opened };
}

const ROUNDS = 9;

/** The median of `values`. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/**
 * Submits of fresh reports, one after another (50 sessions in turn, 100 ms apart, stay under
 * `burst`), in rounds alternating with the bare-signing baseline so both see the same load;
 * then redeems of the tokens issued. Returns medians over the rounds.
 */
async function requestsWithGrant(module: PolicyModule, kind: StoreKind, signer: Signer) {
  const { rt, clock, opened } = await runtimeWithSessions(module, kind.make(), signer, 50);
  const tokens: { token: string; resource: { type: string; id: string } }[] = [];
  let issued = 0;
  const request = async () => {
    clock.advance(100);
    const n = issued++;
    const { owner, session } = opened[n % opened.length]!;
    const resource = reportOf(owner, `fresh-${n}`);
    const outcome = await session.request({ action: "submit", resource, env: OFFICE_HOURS, entities: [human(owner)] });
    if (!outcome.grant) throw new Error(`the benchmark request was denied: ${outcome.decision.reasons.join("; ")}`);
    tokens.push({ token: outcome.grant.token, resource });
  };
  collectGarbage();
  const perRound = Math.max(1, Math.floor(kind.requests / ROUNDS));
  const requestRounds: number[] = [];
  const ratios: number[] = [];
  // Warmed up as the signing baseline is (1,000 bare signings before any is timed), so both
  // sides are timed in steady state rather than the requests' first rounds in V8's tiers.
  for (let i = 0; i < Math.min(1000, kind.requests); i++) await request();
  for (let round = 0; round < ROUNDS; round++) {
    const sign = await bareSigning(signer, perRound);
    const micros = await timePerCall(perRound, request, 0);
    requestRounds.push(micros);
    ratios.push(micros / sign);
  }
  // The last 5,000 grants (500 s of the virtual clock): older ones have expired by now.
  const live = tokens.slice(-5000);
  let redeemed = 0;
  const redeemMicros = await timePerCall(live.length, async () => {
    const { token, resource } = live[redeemed++ % live.length]!;
    const result = await rt.redeem(token, { action: "submit", resource });
    if (!result.ok) throw new Error(`the benchmark redeem was refused: ${result.message}`);
  }, 0);
  await rt.close();
  return { requestMicros: median(requestRounds), ratio: median(ratios), redeemMicros };
}

/** Bare `jose`: signing the claims a grant token carries, with the same key. */
async function bareSigning(signer: Signer, count: number): Promise<number> {
  return timePerCall(count, (i) =>
    new SignJWT({
      iss: "agp",
      aud: "agp",
      sub: "Assistant:agent-3-3",
      obo: "User:u3",
      sid: "session_7c9e6679-7425-40de-944b-e07fc1f90ae7",
      action: "submit",
      resource: { type: "ExpenseReport", id: `report-3-fresh-${i}` },
      pol: "sha256:0f5184c0a7b4e3f1f7d6c2b1a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0",
      iat: NOW / 1000,
      nbf: NOW / 1000,
      exp: NOW / 1000 + 900,
      jti: `grant_${crypto.randomUUID()}`,
    })
      .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: GRANT_TOKEN_TYPE })
      .sign(signer.privateKey),
  );
}

/** A store seeded with `events` events, a runtime on it, and the probe requests its decisions are timed on. */
interface SeededHistory {
  readonly events: number;
  readonly seedSeconds: number;
  readonly runtime: Runtime;
  readonly clock: ReturnType<typeof virtualClock>;
  decide(i: number): Promise<unknown>;
}

/** Seeds a store of `kind` with `events` events and prepares 64 probe decisions on it. */
async function seededHistory(module: PolicyModule, kind: StoreKind, signer: Signer, events: number): Promise<SeededHistory> {
  const store = kind.make();
  const seedStart = performance.now();
  await seedHistory(store, module, events);
  const seedSeconds = (performance.now() - seedStart) / 1000;
  const { humans, sessions, reportsPerHuman } = historyShape(events);
  const clock = virtualClock(NOW);
  const runtime: Runtime = createRuntime({ policy: module, store, signer, clock });
  await runtime.ready();
  const facts = new PolicyFacts(module);
  const probes = Array.from({ length: 64 }, (_, i) => {
    const sessionIndex = (i * 7919) % sessions;
    const owner = sessionIndex % humans;
    const approve = i % 4 === 3;
    const reportOwner = approve ? (owner + 5) % humans : owner;
    const json = {
      principal: agentOf(owner, sessionIndex % 2),
      action: approve ? "approve" : "read",
      resource: reportOf(reportOwner, (i * 31) % reportsPerHuman),
      intent: approve ? "review_team" : "file_expenses",
      session: `session-${sessionIndex}`,
      at: new Date(NOW).toISOString(),
      env: OFFICE_HOURS,
      entities: [human(owner), human(reportOwner)],
    };
    const parsed = module.requestSchema.safeParse(json);
    if (!parsed.success) throw new Error(`a probe request does not fit the policy: ${parsed.error.message}`);
    return parsed.data;
  });
  const decide = async (i: number) => {
    const request = probes[((i % probes.length) + probes.length) % probes.length]!;
    const prepared = facts.prepare(request);
    const reading = await store.readFacts(prepared.plan);
    return module.decide(request, facts.factsFrom(prepared, reading, request));
  };
  return { events, seedSeconds, runtime, clock, decide };
}

/** Full request time (validate, decide, commit, audit, sign) against a seeded history. */
async function requestTime(kind: StoreKind, seeded: SeededHistory): Promise<number> {
  const { humans } = historyShape(seeded.events);
  // Fresh sessions of seeded agents (a 10-event history has one session, too few to stay under `burst`).
  const sessionsOpen: { owner: number; session: Session }[] = [];
  for (let i = 0; i < 16; i++) {
    const owner = (i * 613) % humans;
    sessionsOpen.push({ owner, session: await seeded.runtime.openSession({ principal: agentOf(owner, i % 2), intent: "file_expenses" }) });
  }
  return timePerCall(Math.min(kind.requests, 1000), async (i) => {
    seeded.clock.advance(250);
    const { owner, session } = sessionsOpen[(i + 1600) % sessionsOpen.length]!;
    const outcome = await session.request({ action: "read", resource: reportOf(owner, `probe-${i}`), env: OFFICE_HOURS, entities: [human(owner)] });
    if (!outcome.grant) throw new Error(`the benchmark request was denied: ${outcome.decision.reasons.join("; ")}`);
  });
}

/** The figures of one history length. */
interface HistoryFigures {
  readonly events: number;
  readonly seedSeconds: number;
  readonly decideMicros: number;
  readonly slowestDecideMicros: number;
  readonly requestMicros: number;
}

/**
 * Decision time (facts read + decide) at every history length of `HISTORIES`, and full
 * request time. The histories are seeded side by side and timed in alternating rounds (order
 * rotated each round), so the ratio between two lengths compares runs under the same load
 * and the same heap, as the signing ratio does; each figure is the median of its rounds.
 */
async function decisionsAt(module: PolicyModule, kind: StoreKind, signer: Signer): Promise<HistoryFigures[]> {
  const seeded: SeededHistory[] = [];
  for (const events of HISTORIES) seeded.push(await seededHistory(module, kind, signer, events));
  collectGarbage();
  const rounds = seeded.map((): number[] => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (let turn = 0; turn < seeded.length; turn++) {
      const index = (round + turn) % seeded.length;
      rounds[index]!.push(await timePerCall(10_000, seeded[index]!.decide, round === 0 ? 200 : 0));
    }
  }
  const figures: HistoryFigures[] = [];
  for (const [index, history] of seeded.entries()) {
    figures.push({
      events: history.events,
      seedSeconds: history.seedSeconds,
      decideMicros: median(rounds[index]!),
      slowestDecideMicros: Math.max(...rounds[index]!),
      requestMicros: await requestTime(kind, history),
    });
  }
  for (const history of seeded) await history.runtime.close();
  return figures;
}

const cell = (value: string | number, width = 14) => String(value).padStart(width);
const perSecond = (micros: number) => Math.round(1_000_000 / micros).toLocaleString("en-US");
const micros = (value: number) => `${value.toFixed(1)} µs`;

const { module, origin } = await loadPolicy();
const signer = await generateSigner();
console.log(`agp runtime benchmark — node ${process.version}, ${process.platform}/${process.arch}`);
console.log(`policy: ${origin}`);
console.log("requests: sequential, one in flight; each allowed request commits a grant, appends two audit entries and signs an EdDSA token\n");

await bareSigning(signer, 1000);
const signMicros = await bareSigning(signer, 2000);
console.log(`baseline: bare jose EdDSA signing of the same claims: ${micros(signMicros)} (${perSecond(signMicros)}/s)`);
const sampleRequest = {
  principal: agentOf(1, 1),
  action: "submit",
  resource: reportOf(1, "sample"),
  intent: "file_expenses",
  session: "session-sample",
  at: new Date(NOW).toISOString(),
  env: OFFICE_HOURS,
  entities: [human(1)],
};
const validationMicros = await timePerCall(2000, () => module.requestSchema.safeParse(sampleRequest));
console.log(`part of every request, before signing can start: the module's request validation (zod): ${micros(validationMicros)}`);
console.log(`"vs signing": the median over ${ROUNDS} rounds of (µs per request / µs per bare signing), the two measured alternately\n`);

console.log([cell("store", 20), cell("requests/s"), cell("µs/request"), cell("redeems/s"), cell("µs/redeem"), cell("vs signing")].join(""));
const issuingRatios = new Map<string, number>();
for (const kind of storeKinds) {
  const { requestMicros, redeemMicros, ratio } = await requestsWithGrant(module, kind, signer);
  issuingRatios.set(kind.name, ratio);
  console.log(
    [cell(kind.name, 20), cell(perSecond(requestMicros)), cell(requestMicros.toFixed(1)), cell(perSecond(redeemMicros)), cell(redeemMicros.toFixed(1)), cell(`${ratio.toFixed(2)}x`)].join(""),
  );
}

console.log(`\ndecision: facts read + decide, the median of ${ROUNDS} rounds of 10,000, the history lengths taking turns (and the slowest round); request: a whole request with a grant`);
console.log([cell("store", 20), cell("history"), cell("seeded in"), cell("decision"), cell("slowest round", 15), cell("request")].join(""));
const decisions = new Map<string, Map<number, number>>();
for (const kind of storeKinds.filter((candidate) => candidate.name !== "sqlite (sync full)")) {
  const byHistory = new Map<number, number>();
  decisions.set(kind.name, byHistory);
  for (const { events, seedSeconds, decideMicros, slowestDecideMicros, requestMicros } of await decisionsAt(module, kind, signer)) {
    byHistory.set(events, decideMicros);
    console.log(
      [
        cell(kind.name, 20),
        cell(events.toLocaleString("en-US")),
        cell(`${seedSeconds.toFixed(1)} s`),
        cell(micros(decideMicros)),
        cell(micros(slowestDecideMicros), 15),
        cell(micros(requestMicros)),
      ].join(""),
    );
  }
}

const issuing = issuingRatios.get("memory") ?? Number.NaN;
console.log(`\naim: issuing a grant (memory store) ≤ 1.5x bare jose signing: ${issuing.toFixed(2)}x ${issuing <= 1.5 ? "(met)" : "(missed)"}`);
const largest = HISTORIES[HISTORIES.length - 1] ?? 10;
for (const [name, byHistory] of decisions) {
  const ratio = (byHistory.get(largest) ?? Number.NaN) / (byHistory.get(10) ?? Number.NaN);
  console.log(`aim: decision at ${largest.toLocaleString("en-US")} events ≤ 2x at 10 (${name}): ${ratio.toFixed(2)}x ${ratio <= 2 ? "(met)" : "(missed)"}`);
}
rmSync(scratch, { recursive: true, force: true });
