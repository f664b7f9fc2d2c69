/**
 * What running policy tests produces: a result per case, per test file and for the whole
 * suite, with everything a reporter needs (locations, expected vs actual, explanations) and
 * nothing that only a terminal understands, so every reporter renders the same facts.
 */
import type { Source, Span } from "../compiler/source.js";
import type { Decision, RuleTrace } from "../stdlib/contract.js";
import type { CoverageReport } from "./coverage.js";

/** A place in a source file, with its 1-based line and column computed once. */
export interface SourcePoint {
  readonly source: Source;
  readonly span: Span;
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** Locates `span` in `source`. */
export function pointAt(source: Source, span: Span): SourcePoint {
  const { line, column } = source.position(span.start);
  return { source, span, file: source.path, line, column };
}

/** What an `expect allow|deny` step asked for (only what the step wrote). */
export interface ExpectedDecision {
  readonly decision: "allow" | "deny";
  /** The grant TTL in seconds, when the step wrote `grant D`. */
  readonly ttlSeconds?: number;
  /** The exact set of rules, when the step wrote `by`. */
  readonly rules?: readonly string[];
  /** A reason that must be among the decision's reasons, when the step wrote `reason`. */
  readonly reason?: string;
}

/** Why a step failed: a one-line message and, for decisions, the whole picture. */
export interface StepFailure {
  /** One line, lowercase, no final period: `expected allow, got deny`. */
  readonly message: string;
  /** The step that failed. */
  readonly at: SourcePoint;
  /** For a decision: what the step expected and what the runtime decided. */
  readonly expected?: ExpectedDecision;
  readonly actual?: Decision;
  /** How every rule for the request's action fared (as `agp eval --explain`). */
  readonly explanation?: readonly RuleTrace[];
  /** For `matches "FILE.json"`: the line diff of the expected and the actual decision JSON. */
  readonly jsonDiff?: readonly string[];
  /** Extra lines for the reader (e.g. the runtime refused before the policy decided). */
  readonly notes?: readonly string[];
  /** True when the case could not run at all (an unexpected error), rather than an expectation failing. */
  readonly error?: boolean;
}

/** The outcome of one `case`. */
export interface CaseResult {
  readonly title: string;
  readonly at: SourcePoint;
  readonly passed: boolean;
  /** The first failing step; later steps of a failed case do not run. */
  readonly failure: StepFailure | undefined;
  /** How many steps ran (all of them when the case passed). */
  readonly stepsRun: number;
  readonly durationMs: number;
}

/** The outcome of one test file. */
export interface TestFileResult {
  readonly file: string;
  readonly policyName: string;
  readonly cases: readonly CaseResult[];
  readonly durationMs: number;
}

/** The outcome of `agp test`: every file, coverage, totals. */
export interface SuiteResult {
  readonly files: readonly TestFileResult[];
  readonly coverage: CoverageReport;
  readonly passed: number;
  readonly failed: number;
  readonly durationMs: number;
}
