/**
 * What every reporter of `agp test` takes and gives: the run's results (or the diagnostics
 * that stopped it) and the coverage settings in, text for standard output and standard
 * error out. Reporters are pure functions, so tests read exactly what CI would.
 */
import type { Diagnostic } from "../../compiler/index.js";
import type { SuiteResult } from "../results.js";

/** Everything a reporter renders. */
export interface TestReport {
  /** The results; undefined when diagnostics stopped the run before any case ran. */
  readonly result: SuiteResult | undefined;
  /** Errors (and warnings) of the policies and test files, or of compiling a policy. */
  readonly diagnostics: readonly Diagnostic[];
  /** Whether coverage was asked for (`--coverage` or `--coverage-min`) and the minimum, if any. */
  readonly coverage: { readonly show: boolean; readonly min: number | undefined };
  /** A message about the run itself that is not a diagnostic (e.g. no test files found). */
  readonly problem?: string;
}

/** How to render. */
export interface ReporterOptions {
  /** ANSI colours in what goes to standard output (pretty only, and only on a terminal). */
  readonly color: boolean;
  /** ANSI colours in what goes to standard error (diagnostics); `color` when omitted. */
  readonly colorErr?: boolean;
}

/** A rendered report. */
export interface RenderedReport {
  readonly stdout: string;
  readonly stderr: string;
}

/** A reporter: a pure function of the report. */
export type Reporter = (report: TestReport, options: ReporterOptions) => RenderedReport;

/** Whether the coverage of `report` is below its `--coverage-min`. */
export function coverageBelowMinimum(report: TestReport): boolean {
  const { min } = report.coverage;
  return min !== undefined && report.result !== undefined && report.result.coverage.percent < min;
}
