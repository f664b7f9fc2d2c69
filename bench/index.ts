/**
 * `npm run bench`: agp's decisions against Cedar, casbin and a hand-written function on one
 * seeded corpus, in one process; then decision time against history length, grants issued
 * per second against bare `jose` signing, and full compile time against rule count.
 * Prints markdown tables and writes bench/results.json (not for `BENCH_QUICK=1` runs).
 *
 * Run with `node --no-turbo-inline-js-wasm-calls --expose-gc --max-old-space-size=8192` (see
 * package.json): Node 20's V8 can abort when it inlines JS→Wasm calls, blocks start with a
 * collected heap, and a million events in the memory store (about 1.4 KB each) need more
 * heap than Node's default 4 GB limit leaves room for without collecting all the time.
 */
import { writeFileSync } from "node:fs";
import os from "node:os";
import type { PolicyRequest } from "../stdlib/contract.js";
import { runCompileTimes } from "./compile-time.js";
import { generateCorpus, replayHistory } from "./corpus.js";
import type { VariantResult } from "./decisions.js";
import { runVariant } from "./decisions.js";
import { agpRequests, compileBenchModule } from "./engines/agp.js";
import { handDecide } from "./engines/hand.js";
import { runGrants } from "./grants.js";
import { runHistory } from "./history.js";
import type { BenchResults } from "./report.js";
import { agreementTable, compileTable, decisionTable, grantsTable, historyTable, machine } from "./report.js";
import { sinkValue } from "./timing.js";
import type { TimingOptions } from "./timing.js";
import { packageVersion, REPO_ROOT } from "./versions.js";

const quick = process.env.BENCH_QUICK === "1";
const SEED = 20260105;
const CORPUS_SHAPE = { requests: 10_000, users: 300, departments: 12, reports: 3000 };
const VARIANTS = [0, 10, 100, 1000];
/**
 * The base policy is checked on every corpus request; the size variants on every 5th (2,000
 * requests), since Cedar and casbin take milliseconds per decision with 1,000 extra rules.
 * `BENCH_AGREEMENT=all` checks every request of every variant.
 */
const VARIANT_AGREEMENT_STRIDE = process.env.BENCH_AGREEMENT === "all" ? 1 : 5;
const HISTORY_LENGTHS = quick ? [10, 10_000, 100_000] : [10, 10_000, 1_000_000];
const COMPILE_SIZES = [10, 100, 1000];
const options: TimingOptions = { repetitions: quick ? 3 : 9, blockMs: quick ? 25 : 60, batchSize: 16, warmupMs: quick ? 100 : 300, warmInputs: true };
const log = (line: string): void => console.log(line);

const loadavgAtStart = os.loadavg();
log(`agp decision benchmark — node ${process.version}, ${os.cpus()[0]?.model ?? "?"} ×${os.cpus().length}, load average ${loadavgAtStart.map((l) => l.toFixed(2)).join(" ")}${quick ? " (quick)" : ""}`);

const corpus = generateCorpus(SEED, CORPUS_SHAPE);
const cold = await compileBenchModule([]);
const requests: PolicyRequest[] = agpRequests(cold.module, corpus);
const facts = (i: number) => corpus.requests[i]?.facts;
replayHistory(corpus, (i) => {
  const precomputed = facts(i);
  return precomputed !== undefined && handDecide(requests[i] as PolicyRequest, precomputed).allow;
});
const outcomes = new Map<string, number>();
corpus.requests.forEach((request, i) => {
  const decision = handDecide(requests[i] as PolicyRequest, request.facts);
  const key = decision.allow ? `allow ${request.action}` : `deny ${request.action}${decision.rules.length === 0 ? " (no allow rule)" : ""}`;
  outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
});
const ruleHits = new Map<string, number>();
corpus.requests.forEach((request, i) => {
  for (const rule of handDecide(requests[i] as PolicyRequest, request.facts).rules) ruleHits.set(rule, (ruleHits.get(rule) ?? 0) + 1);
});
log(`corpus: ${corpus.requests.length} requests (seed ${SEED}); ${[...outcomes].sort().map(([k, n]) => `${k}: ${n}`).join(", ")}`);
log(`rules named in decisions: ${[...ruleHits].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(", ")}\n`);

const variants: VariantResult[] = [];
for (const extra of VARIANTS) {
  log(`variant: ${extra} extra rules`);
  variants.push(await runVariant(corpus, extra, options, log, extra === 0 ? 1 : VARIANT_AGREEMENT_STRIDE));
}
log(`variant: 0 extra rules, requests cold in the cache`);
const coldVariant = await runVariant(corpus, 0, { ...options, warmInputs: false }, log, VARIANT_AGREEMENT_STRIDE);

log(`\nhistory lengths ${HISTORY_LENGTHS.join(", ")}`);
const history = runHistory(cold.module, corpus, requests, HISTORY_LENGTHS, options);
log("grants per second");
const grants = await runGrants(cold.module, quick ? 2 : 6, quick ? 300 : 700);
log("compile times");
const compile = { coldStartMs: cold.compileMs, times: await runCompileTimes(COMPILE_SIZES) };

const results: BenchResults = {
  date: new Date().toISOString(),
  machine: { ...machine(loadavgAtStart), loadavgAtEnd: os.loadavg() },
  versions: {
    agp: packageVersion("agp"),
    ...(variants[0]?.versions ?? {}),
    jose: packageVersion("jose"),
    typescript: packageVersion("typescript"),
  },
  method: {
    ...options,
    note:
      "one process, one seeded corpus; engines interleaved in blocks, order rotated each repetition; per-decision samples are batches of `batchSize` timed with process.hrtime.bigint, less the timer overhead; request shape conversion and history-derived facts are computed before timing, the same for every engine",
  },
  corpus: { seed: SEED, ...CORPUS_SHAPE, outcomes: Object.fromEntries(outcomes), ruleHits: Object.fromEntries(ruleHits) },
  variants,
  coldVariant,
  history,
  grants,
  compile,
};

log(`\n## Decisions (requests hot in the cache, as just parsed)\n\n${decisionTable(variants)}`);
log(`\n## Decisions, 0 extra rules, requests cold in the cache\n\n${decisionTable([coldVariant])}`);
log(`\n## Agreement with the hand-written function\n\n${agreementTable(variants)}`);
log(`\n## agp decision time against history length\n\n${historyTable(history)}`);
log(`\n## Grants issued per second\n\n${grantsTable(grants)}`);
log(`\n## Full compile time (compileToModule)\n\ncold start (first compile in the process): ${compile.coldStartMs.toFixed(0)} ms\n\n${compileTable(compile)}`);
log(`\nload average at start ${loadavgAtStart.map((l) => l.toFixed(2)).join(" ")}, at end ${results.machine.loadavgAtEnd.map((l) => l.toFixed(2)).join(" ")}; checksum ${sinkValue()}`);
if (!quick) {
  writeFileSync(new URL("bench/results.json", REPO_ROOT), `${JSON.stringify(results, null, 2)}\n`);
  log("wrote bench/results.json");
}
