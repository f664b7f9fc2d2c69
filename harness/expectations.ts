/**
 * Comparing a decision with what an `expect allow|deny` step wrote. Only what the step
 * wrote is compared: `grant D` the TTL, `by` the exact set of rules (in any order),
 * `reason` one of the reasons. Each mismatch becomes one line of the failure message.
 */
import type { CheckedExpectDecisionStep } from "../compiler/check/model-test.js";
import type { Decision } from "../stdlib/contract.js";
import type { ExpectedDecision } from "./results.js";

/** What `step` expects, in the terms of a decision. */
export function expectedDecisionOf(step: CheckedExpectDecisionStep): ExpectedDecision {
  return {
    decision: step.effect,
    ...(step.grantMs === undefined ? {} : { ttlSeconds: step.grantMs / 1000 }),
    ...(step.step.by.length === 0 ? {} : { rules: step.rules }),
    ...(step.reason === undefined ? {} : { reason: step.reason }),
  };
}

/** The mismatches between `expected` and `actual`, each a one-line message; empty when it matches. */
export function decisionMismatches(expected: ExpectedDecision, actual: Decision): string[] {
  const mismatches: string[] = [];
  if (actual.decision !== expected.decision) {
    mismatches.push(`expected ${expected.decision}, got ${actual.decision}`);
  }
  if (expected.ttlSeconds !== undefined && actual.decision === "allow") {
    const ttl = actual.grant?.ttl_seconds;
    if (ttl !== expected.ttlSeconds) {
      mismatches.push(`expected a ${formatSeconds(expected.ttlSeconds)} grant, got ${ttl === undefined ? "none" : formatSeconds(ttl)}`);
    }
  }
  if (expected.rules !== undefined && !sameSet(expected.rules, actual.rules)) {
    mismatches.push(`expected rules ${formatNames(expected.rules)}, got ${formatNames(actual.rules)}`);
  }
  if (expected.reason !== undefined && !actual.reasons.includes(expected.reason)) {
    mismatches.push(`expected reason ${JSON.stringify(expected.reason)} among ${actual.reasons.length === 0 ? "no reasons" : actual.reasons.map((r) => JSON.stringify(r)).join(", ")}`);
  }
  return mismatches;
}

/** `expect deny by a, b grant 5m reason "..."`-like summary of an expectation. */
export function describeExpected(expected: ExpectedDecision): string {
  const parts: string[] = [expected.decision];
  if (expected.ttlSeconds !== undefined) parts.push(`grant ${formatSeconds(expected.ttlSeconds)}`);
  if (expected.rules !== undefined) parts.push(`by ${formatNames(expected.rules)}`);
  if (expected.reason !== undefined) parts.push(`reason ${JSON.stringify(expected.reason)}`);
  return parts.join(" ");
}

/** The same summary for an actual decision: decision, grant, rules. */
export function describeActual(actual: Decision): string {
  const parts: string[] = [actual.decision];
  if (actual.grant) parts.push(`grant ${formatSeconds(actual.grant.ttl_seconds)}`);
  parts.push(`by ${formatNames(actual.rules)}`);
  return parts.join(" ");
}

/** `[a, b]` or `no rule`. */
export function formatNames(names: readonly string[]): string {
  return names.length === 0 ? "no rule" : names.map((name) => `\`${name}\``).join(", ");
}

/** Seconds as the largest exact agp duration: `900` → `15m`, `90` → `90s`. */
export function formatSeconds(seconds: number): string {
  const units: readonly [string, number][] = [
    ["d", 86_400],
    ["h", 3_600],
    ["m", 60],
    ["s", 1],
  ];
  for (const [unit, size] of units) {
    if (seconds !== 0 && Number.isInteger(seconds / size)) return `${seconds / size}${unit}`;
  }
  return `${seconds * 1000}ms`;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((name) => right.has(name));
}
