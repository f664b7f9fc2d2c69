/**
 * The benchmark's output: markdown tables for the README and bench/results.json, with the
 * machine, the load average and the versions, since the figures mean nothing without them.
 */
import os from "node:os";
import type { CompileTime } from "./compile-time.js";
import type { VariantResult } from "./decisions.js";
import { BASELINE } from "./decisions.js";
import type { GrantsResult } from "./grants.js";
import type { HistoryResult } from "./history.js";

/** Everything one run measured. */
export interface BenchResults {
  readonly date: string;
  readonly machine: {
    readonly cpu: string;
    readonly cpus: number;
    readonly memoryGiB: number;
    readonly platform: string;
    readonly node: string;
    readonly v8: string;
    readonly flags: readonly string[];
    readonly loadavgAtStart: readonly number[];
    readonly loadavgAtEnd: readonly number[];
  };
  readonly versions: Readonly<Record<string, string>>;
  readonly method: Readonly<Record<string, unknown>>;
  readonly corpus: Readonly<Record<string, unknown>>;
  readonly variants: readonly VariantResult[];
  readonly coldVariant: VariantResult | null;
  readonly history: readonly HistoryResult[];
  readonly grants: GrantsResult | null;
  readonly compile: { readonly coldStartMs: number; readonly times: readonly CompileTime[] };
}

/** The machine as results.json describes it (the end load average is filled in later). */
export function machine(loadavgAtStart: readonly number[]): BenchResults["machine"] {
  return {
    cpu: os.cpus()[0]?.model ?? "unknown",
    cpus: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${process.platform}/${process.arch}`,
    node: process.version,
    v8: process.versions.v8,
    flags: process.execArgv,
    loadavgAtStart,
    loadavgAtEnd: [],
  };
}

function ns(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)} ms`;
  if (value >= 1e4) return `${(value / 1e3).toFixed(1)} µs`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(2)} µs`;
  return `${value.toFixed(0)} ns`;
}

function rate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} M`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k`;
  return perSecond.toFixed(0);
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`, ...rows.map((row) => `| ${row.join(" | ")} |`)].join("\n");
}

/** The decision table of some variants, with ratios to the hand-written function. */
export function decisionTable(variants: readonly VariantResult[]): string {
  const rows = variants.flatMap((variant) => {
    const baseline = variant.timings.find((timing) => timing.engine === BASELINE);
    const timed = variant.timings.map((timing) => [
      String(variant.extraRules),
      timing.engine,
      ns(timing.medianNs),
      ns(timing.p99Ns),
      rate(timing.decisionsPerSecond),
      baseline ? `${(timing.medianNs / baseline.medianNs).toFixed(2)}×` : "",
    ]);
    const excluded = variant.excluded.map((engine) => [String(variant.extraRules), engine, "excluded: disagreed", "", "", ""]);
    return [...timed, ...excluded];
  });
  return table(["extra rules", "engine", "median / decision", "p99", "decisions/s", "median ÷ hand-written"], rows);
}

/** The agreement table: mismatches per engine and variant. */
export function agreementTable(variants: readonly VariantResult[]): string {
  const rows = variants.flatMap((variant) =>
    variant.agreement.map((result) => [
      String(variant.extraRules),
      result.engine,
      `${result.mismatches} / ${result.requests.toLocaleString("en-US")}`,
      result.compared.join(", "),
    ]),
  );
  return table(["extra rules", "engine", "mismatches / requests", "compared with hand-written"], rows);
}

/** The history-length table. */
export function historyTable(results: readonly HistoryResult[]): string {
  const first = results[0];
  return table(
    ["history events", "agp median / decision", "p99", "÷ 10 events", "hand-written, same index", "÷ 10 events", "agp ÷ hand-written", "index build"],
    results.map((result) => [
      result.events.toLocaleString("en-US"),
      ns(result.medianNs),
      ns(result.p99Ns),
      first ? `${(result.medianNs / first.medianNs).toFixed(2)}×` : "",
      ns(result.hand.medianNs),
      first ? `${(result.hand.medianNs / first.hand.medianNs).toFixed(2)}×` : "",
      `${(result.medianNs / result.hand.medianNs).toFixed(2)}×`,
      `${(result.buildMs / 1000).toFixed(2)} s`,
    ]),
  );
}

/** The grants table. */
export function grantsTable(result: GrantsResult): string {
  return table(
    ["what", "per second", "time each"],
    [
      ["runtime grants (`session.request`, memoryStore, EdDSA token)", rate(result.runtimeGrantsPerSecond), ns(1e9 / result.runtimeGrantsPerSecond)],
      ["bare `jose` EdDSA signing of the same claims", rate(result.joseSignaturesPerSecond), ns(1e9 / result.joseSignaturesPerSecond)],
      ["runtime cost beyond signing", "", ns(1e9 / result.runtimeGrantsPerSecond - 1e9 / result.joseSignaturesPerSecond)],
    ],
  );
}

/** The compile-time table. */
export function compileTable(compile: BenchResults["compile"]): string {
  return table(
    ["rules (bench/generate.ts)", "source KiB", "full compile"],
    compile.times.map((time) => [time.rules.toLocaleString("en-US"), String(time.sourceKiB), `${time.ms.toFixed(0)} ms`]),
  );
}
