/**
 * The agreement check that comes before any timing: every engine answers every corpus
 * request and is compared with the hand-written function, on allow/deny always, and on the
 * deciding rules and the grant TTL where the engine reports them. An engine with a single
 * mismatch is excluded from timing.
 */
import type { Answer, Engine } from "./engines/engine.js";

/** How one engine compared with the baseline. */
export interface Agreement {
  readonly engine: string;
  /** How many corpus requests were compared. */
  readonly requests: number;
  readonly compared: readonly ("decision" | "rules" | "ttl")[];
  readonly mismatches: number;
  /** The first few mismatches, for fixing a translation. */
  readonly examples: readonly string[];
}

function sameRules(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === undefined || b === undefined) return true;
  return a.length === b.length && a.every((rule, i) => rule === b[i]);
}

function agrees(expected: Answer, actual: Answer): boolean {
  if (expected.allow !== actual.allow) return false;
  if (!sameRules(expected.rules, actual.rules)) return false;
  if (actual.ttlSeconds !== undefined && expected.ttlSeconds !== undefined && actual.ttlSeconds !== expected.ttlSeconds) return false;
  return true;
}

/**
 * Compares every engine with `baseline` on every `stride`-th request of 0..size-1 (every
 * request with stride 1).
 */
export function checkAgreement(baseline: Engine, engines: readonly Engine[], size: number, stride = 1): Agreement[] {
  const indexes = Array.from({ length: Math.ceil(size / stride) }, (_, k) => k * stride);
  const expected = new Map(indexes.map((i) => [i, baseline.answer(i)]));
  return engines.map((engine) => {
    let mismatches = 0;
    const examples: string[] = [];
    const compared = new Set<"decision" | "rules" | "ttl">(["decision"]);
    for (const i of indexes) {
      const actual = engine.answer(i);
      if (actual.rules !== undefined) compared.add("rules");
      if (actual.ttlSeconds !== undefined) compared.add("ttl");
      const wanted = expected.get(i) as Answer;
      if (agrees(wanted, actual)) continue;
      mismatches++;
      if (examples.length < 5) examples.push(`request ${i}: expected ${JSON.stringify(wanted)}, got ${JSON.stringify(actual)}`);
    }
    return { engine: engine.name, requests: indexes.length, compared: [...compared], mismatches, examples };
  });
}
