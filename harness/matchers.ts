/**
 * Vitest matchers for decisions: `expect(decision).toAllow()`, `.toDeny()`,
 * `.toAllowBy("rule")`, `.toDenyBy("rule", ...)`, `.toGrantFor("15m")`. They take a
 * decision or a request outcome (`{ decision }`), compare as `expect allow|deny ... by ...
 * grant ...` does in a test file (`by`: exactly these rules, in any order), and on failure
 * print expected vs actual and how each rule fared. No runtime import of vitest: register
 * them with `expect.extend(agpMatchers)` or {@link installAgpMatchers}.
 */
import { durationMs } from "../runtime/clock.js";
import type { Decision } from "../stdlib/contract.js";
import { decisionMismatches, describeActual, describeExpected } from "./expectations.js";
import { explanationOf } from "./explain.js";
import { explanationLines } from "./failure-text.js";
import type { ExpectedDecision } from "./results.js";
// Brings vitest's declarations into the program so the augmentation below resolves (types only).
import type {} from "vitest";

/** The matchers' signatures, merged into vitest's `expect(...)` by the augmentation below. */
export interface AgpMatchers<R = unknown> {
  /** The request was allowed. */
  toAllow(): R;
  /** The request was denied. */
  toDeny(): R;
  /** The request was allowed by exactly these allow rules (in any order). */
  toAllowBy(...rules: string[]): R;
  /** The request was denied by exactly these rules, separations, monitors or intents (in any order). */
  toDenyBy(...rules: string[]): R;
  /** The request was allowed with a grant of exactly this TTL (`"15m"`, or seconds). */
  toGrantFor(duration: string | number): R;
}

declare module "vitest" {
  // The type parameter must repeat vitest's own declaration exactly, `any` included.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-empty-object-type
  interface Matchers<T = any> extends AgpMatchers<T> {}
}

/** What vitest passes as `this` to a matcher (the part the matchers use). */
interface MatcherContext {
  readonly isNot: boolean;
}

/** What a matcher returns to vitest. */
interface MatcherResult {
  readonly pass: boolean;
  readonly message: () => string;
  readonly actual?: unknown;
  readonly expected?: unknown;
}

/** The decision inside a matcher's received value: a decision, or an outcome carrying one. */
function decisionOf(received: unknown): Decision | undefined {
  if (isDecision(received)) return received;
  if (typeof received === "object" && received !== null && "decision" in received && isDecision(received.decision)) return received.decision;
  return undefined;
}

function isDecision(value: unknown): value is Decision {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<Record<keyof Decision, unknown>>;
  return (candidate.decision === "allow" || candidate.decision === "deny") && Array.isArray(candidate.rules) && Array.isArray(candidate.reasons);
}

function match(context: MatcherContext, received: unknown, expected: ExpectedDecision, name: string): MatcherResult {
  const decision = decisionOf(received);
  if (!decision) {
    // Thrown, not a failed match: `.not` would turn a failed match into a pass, and a
    // forgotten `await` (a promise received) must fail however the expectation is phrased.
    const got = received instanceof Promise ? "a promise (missing `await`?)" : typeof received === "object" ? JSON.stringify(received) : String(received);
    throw new TypeError(`${name}: expected a decision or a request outcome ({ decision }), got ${got}`);
  }
  const mismatches = decisionMismatches(expected, decision);
  const pass = mismatches.length === 0;
  return {
    pass,
    actual: decision,
    expected,
    message: () => {
      const headline = context.isNot
        ? `expected the decision not to be ${describeExpected(expected)}, it is ${describeActual(decision)}`
        : mismatches.join("; ");
      const lines = [headline, `  reasons: ${decision.reasons.map((reason) => JSON.stringify(reason)).join(", ") || "none"}`];
      const explained = explanationOf(decision);
      if (explained?.trace) lines.push(...explanationLines(explained.trace));
      for (const note of explained?.notes ?? []) lines.push(`  note: ${note}`);
      return lines.join("\n");
    },
  };
}

/** The matchers, for `expect.extend(agpMatchers)`. */
export const agpMatchers = {
  toAllow(this: MatcherContext, received: unknown): MatcherResult {
    return match(this, received, { decision: "allow" }, "toAllow");
  },
  toDeny(this: MatcherContext, received: unknown): MatcherResult {
    return match(this, received, { decision: "deny" }, "toDeny");
  },
  toAllowBy(this: MatcherContext, received: unknown, ...rules: string[]): MatcherResult {
    return match(this, received, { decision: "allow", rules }, "toAllowBy");
  },
  toDenyBy(this: MatcherContext, received: unknown, ...rules: string[]): MatcherResult {
    return match(this, received, { decision: "deny", rules }, "toDenyBy");
  },
  toGrantFor(this: MatcherContext, received: unknown, duration: string | number): MatcherResult {
    const ttlSeconds = typeof duration === "number" ? duration : durationMs(duration) / 1000;
    return match(this, received, { decision: "allow", ttlSeconds }, "toGrantFor");
  },
};

/** Registers {@link agpMatchers} with vitest's (or a compatible) `expect`; call it once, e.g. in a setup file. */
export function installAgpMatchers(expect: { extend(matchers: typeof agpMatchers): void }): void {
  expect.extend(agpMatchers);
}
