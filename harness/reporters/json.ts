/**
 * `--reporter json`: the whole run as one JSON document on standard output, for tools:
 * totals, every case with its location and failure (expected, actual decision,
 * explanation), coverage per rule, and the diagnostics in `agp check --format json` form.
 */
import { diagnosticToJson } from "../../compiler/index.js";
import type { SourcePoint, StepFailure } from "../results.js";
import { coverageBelowMinimum, type Reporter } from "./reporter.js";

/** Renders a report as JSON (two-space indented, one trailing newline). */
export const jsonReporter: Reporter = (report) => {
  const { result } = report;
  const document = {
    passed: result?.passed ?? 0,
    failed: result?.failed ?? 0,
    durationMs: result ? Math.round(result.durationMs) : 0,
    ...(report.problem ? { problem: report.problem } : {}),
    diagnostics: report.diagnostics.map(diagnosticToJson),
    files: (result?.files ?? []).map((file) => ({
      file: file.file,
      policy: file.policyName,
      cases: file.cases.map((kase) => ({
        title: kase.title,
        ...location(kase.at),
        passed: kase.passed,
        durationMs: Math.round(kase.durationMs * 1000) / 1000,
        ...(kase.failure ? { failure: failureJson(kase.failure) } : {}),
      })),
    })),
    ...(report.coverage.show && result
      ? {
          coverage: {
            percent: result.coverage.percent,
            covered: result.coverage.covered,
            total: result.coverage.total,
            min: report.coverage.min ?? null,
            belowMinimum: coverageBelowMinimum(report),
            rules: result.coverage.entries.map((entry) => ({
              policy: entry.policy,
              rule: entry.rule,
              kind: entry.kind,
              ...location(entry.at),
              covered: entry.covered,
            })),
          },
        }
      : {}),
  };
  return { stdout: `${JSON.stringify(document, null, 2)}\n`, stderr: "" };
};

function location(point: SourcePoint): { file: string; line: number; column: number } {
  return { file: point.file, line: point.line, column: point.column };
}

function failureJson(failure: StepFailure) {
  return {
    message: failure.message,
    // True when the case could not run (an unexpected error), not an expectation that failed.
    error: failure.error === true,
    ...location(failure.at),
    ...(failure.expected ? { expected: failure.expected } : {}),
    ...(failure.actual ? { actual: failure.actual } : {}),
    ...(failure.jsonDiff ? { jsonDiff: failure.jsonDiff } : {}),
    ...(failure.explanation ? { explanation: failure.explanation } : {}),
    ...(failure.notes ? { notes: failure.notes } : {}),
  };
}
