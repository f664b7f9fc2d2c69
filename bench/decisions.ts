/**
 * One policy-size variant of the decision benchmark: compile agp's module, convert the
 * corpus for every engine, check that every engine agrees with the hand-written function
 * on every request, then time the engines that agree, interleaved.
 */
import type { PolicyRequest } from "../stdlib/contract.js";
import type { Agreement } from "./agreement.js";
import { checkAgreement } from "./agreement.js";
import type { Corpus, PrecomputedFacts } from "./corpus.js";
import { agpEngine, agpRequests, compileBenchModule } from "./engines/agp.js";
import { casbinEngine } from "./engines/casbin.js";
import { cedarEngine } from "./engines/cedar.js";
import type { Engine } from "./engines/engine.js";
import { handBooleanEngine, handEngine } from "./engines/hand.js";
import { extraRules } from "./extra-rules.js";
import type { EngineTiming, TimingOptions } from "./timing.js";
import { timeInterleaved } from "./timing.js";

/** The outcome of one variant. */
export interface VariantResult {
  readonly extraRules: number;
  /** Rules of the agp policy (allow, deny, separate, monitor), extra ones included. */
  readonly agpRules: number;
  readonly agpCompileMs: number;
  readonly versions: Readonly<Record<string, string>>;
  readonly agreement: readonly Agreement[];
  /** Engines excluded from timing because they disagreed. */
  readonly excluded: readonly string[];
  readonly timings: readonly EngineTiming[];
}

/** The name of the baseline every ratio is taken against. */
export const BASELINE = "hand-written";

/**
 * Runs the variant with `extraCount` extra rules; `log` reports progress. The agreement
 * check compares every `agreementStride`-th request (1: all of them).
 */
export async function runVariant(
  corpus: Corpus,
  extraCount: number,
  options: TimingOptions,
  log: (line: string) => void,
  agreementStride = 1,
): Promise<VariantResult> {
  const rules = extraRules(extraCount);
  const { module, compileMs } = await compileBenchModule(rules);
  const requests: PolicyRequest[] = agpRequests(module, corpus);
  const facts: PrecomputedFacts[] = corpus.requests.map((request) => request.facts);
  const baseline = handEngine(requests, facts);
  const candidates: Engine[] = [
    agpEngine(module, requests, facts),
    cedarEngine(corpus, rules, `extra-${extraCount}`),
    await casbinEngine(corpus, rules),
    handBooleanEngine(requests, facts),
  ];
  const size = corpus.requests.length;
  const agreementStarted = performance.now();
  const agreement = checkAgreement(baseline, candidates, size, agreementStride);
  log(`  agreement (${((performance.now() - agreementStarted) / 1000).toFixed(1)} s):`);
  for (const result of agreement) {
    log(`    ${result.engine}: ${result.mismatches} mismatches in ${result.requests} requests (compared: ${result.compared.join(", ")})`);
    for (const example of result.examples) log(`      ${example}`);
  }
  const excluded = agreement.filter((result) => result.mismatches > 0).map((result) => result.engine);
  const timed = [baseline, ...candidates.filter((engine) => !excluded.includes(engine.name))];
  const timings = timeInterleaved(timed, size, options);
  return {
    extraRules: extraCount,
    agpRules: module.rules.length,
    agpCompileMs: compileMs,
    versions: Object.fromEntries([baseline, ...candidates].map((engine) => [engine.name, engine.version])),
    agreement,
    excluded,
    timings,
  };
}
