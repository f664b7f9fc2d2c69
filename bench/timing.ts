/**
 * Interleaved timing of engines: engines take turns in blocks, the order rotated each
 * repetition, so drifts of a shared machine (other processes, thermal, GC) hit every engine
 * alike. Within a block, decisions are timed in small batches with `process.hrtime.bigint()`;
 * each batch gives one per-decision sample (batch time less the measured timer overhead,
 * divided by the batch size), from which the median and the 99th percentile are taken.
 *
 * Walking a corpus of 10,000 pre-built requests makes every decision start with cache
 * misses that a service deciding a request it just parsed does not have (on this machine
 * they cost about 1 µs, more than a whole hot decision). With `warmInputs`, each batch's
 * inputs are first read through (untimed), as parsing would leave them; without it, the
 * figures are for requests cold in the cache.
 */
import type { Engine } from "./engines/engine.js";

/** How long and how finely to time. */
export interface TimingOptions {
  readonly repetitions: number;
  /** The least time of one engine's block, in milliseconds. */
  readonly blockMs: number;
  /** Decisions per timed batch. */
  readonly batchSize: number;
  /** Untimed warm-up per engine, in milliseconds, before the first repetition. */
  readonly warmupMs: number;
  /** Read each batch's inputs through before timing it (requests hot in the cache, as just parsed). */
  readonly warmInputs: boolean;
}

/** The figures of one engine. */
export interface EngineTiming {
  readonly engine: string;
  readonly medianNs: number;
  readonly p99Ns: number;
  /** Mean time per decision over all timed batches. */
  readonly meanNs: number;
  /** Decisions per second, from the mean. */
  readonly decisionsPerSecond: number;
  /** Timed batches (samples), and the decisions they made. */
  readonly samples: number;
  readonly decisions: number;
}

let sink = 0;

/** Every engine's allow count, summed: printed so no decision can be optimised away. */
export function sinkValue(): number {
  return sink;
}

/** Reads every value reachable from `value` (objects, arrays, maps), returning a count so the reads stay. */
export function touch(value: unknown, depth = 0): number {
  if (typeof value !== "object" || value === null || depth > 12) return typeof value === "string" ? value.length : 1;
  let count = 1;
  if (value instanceof Map) {
    for (const item of value.values()) count += touch(item, depth + 1);
  } else if (Array.isArray(value)) {
    for (const item of value) count += touch(item, depth + 1);
  } else {
    for (const key in value) count += touch((value as Record<string, unknown>)[key], depth + 1);
  }
  return count;
}

const collectGarbage: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

/** The p-quantile (0..1) of sorted `values`, nearest rank. */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/** The median cost of timing an empty batch (the timer and the call), in nanoseconds. */
export function timerOverheadNs(): number {
  const empty: Engine = { name: "empty", version: "", runBatch: () => 0, input: () => null, answer: () => ({ allow: false }) };
  const samples: number[] = [];
  for (let i = 0; i < 20_000; i++) {
    const t0 = process.hrtime.bigint();
    sink += empty.runBatch(i, 1);
    samples.push(Number(process.hrtime.bigint() - t0));
  }
  return quantile(samples.sort((a, b) => a - b), 0.5);
}

interface Accumulator {
  readonly samples: number[];
  totalNs: number;
  decisions: number;
  cursor: number;
}

function runBlock(engine: Engine, into: Accumulator, options: TimingOptions, overheadNs: number, corpusSize: number): void {
  collectGarbage?.();
  // A block ends when its timed batches add up to `blockMs`, or after ten times that on the
  // wall clock (warming inputs is untimed), always after at least one batch.
  const timedBudgetNs = options.blockMs * 1e6;
  const wallDeadline = process.hrtime.bigint() + BigInt(Math.round(options.blockMs * 1e7));
  const batch = options.batchSize;
  let timedNs = 0;
  for (;;) {
    if (options.warmInputs) for (let k = 0; k < batch; k++) sink += touch(engine.input((into.cursor + k) % corpusSize));
    const t0 = process.hrtime.bigint();
    sink += engine.runBatch(into.cursor, batch);
    const t1 = process.hrtime.bigint();
    const ns = Math.max(0, Number(t1 - t0) - overheadNs);
    into.samples.push(ns / batch);
    into.totalNs += ns;
    into.decisions += batch;
    into.cursor = (into.cursor + batch) % corpusSize;
    timedNs += Number(t1 - t0);
    if (timedNs >= timedBudgetNs || t1 >= wallDeadline) break;
  }
}

/** Times `engines` over a corpus of `corpusSize` requests; figures in the engines' order. */
export function timeInterleaved(engines: readonly Engine[], corpusSize: number, options: TimingOptions): EngineTiming[] {
  const overheadNs = timerOverheadNs();
  const accumulators = engines.map((): Accumulator => ({ samples: [], totalNs: 0, decisions: 0, cursor: 0 }));
  engines.forEach((engine) => {
    const warm: Accumulator = { samples: [], totalNs: 0, decisions: 0, cursor: 0 };
    runBlock(engine, warm, { ...options, blockMs: options.warmupMs }, overheadNs, corpusSize);
  });
  for (let repetition = 0; repetition < options.repetitions; repetition++) {
    for (let turn = 0; turn < engines.length; turn++) {
      const position = (turn + repetition) % engines.length;
      const engine = engines[position];
      const accumulator = accumulators[position];
      if (engine && accumulator) runBlock(engine, accumulator, options, overheadNs, corpusSize);
    }
  }
  return engines.map((engine, i) => {
    const { samples, totalNs, decisions } = accumulators[i] as Accumulator;
    const sorted = [...samples].sort((a, b) => a - b);
    const meanNs = totalNs / decisions;
    return {
      engine: engine.name,
      medianNs: quantile(sorted, 0.5),
      p99Ns: quantile(sorted, 0.99),
      meanNs,
      decisionsPerSecond: 1e9 / meanNs,
      samples: samples.length,
      decisions,
    };
  });
}
