/**
 * The default reporter, for people: one line per test file, every failing case with its
 * location, code frame, expected vs actual decision and explanation, coverage when asked
 * for, and a last line `N passed, M failed` that CI scripts may parse. Colour only when
 * told (on a terminal). Diagnostics go to standard error, as `agp check` prints them.
 */
import { formatDiagnostic } from "../../compiler/index.js";
import { formatPercent } from "../coverage.js";
import { failureLines, paletteFor } from "../failure-text.js";
import { coverageBelowMinimum, type Reporter } from "./reporter.js";

/** Renders a report for a terminal or a log. */
export const prettyReporter: Reporter = (report, options) => {
  const palette = paletteFor(options.color);
  const err = report.diagnostics.map((diagnostic) => `${formatDiagnostic(diagnostic, { color: options.colorErr ?? options.color })}\n\n`).join("");
  const out: string[] = [];
  const { result } = report;
  if (report.problem) out.push(palette.red(`agp test: ${report.problem}`));
  if (!result) {
    const errors = report.diagnostics.filter((diagnostic) => diagnostic.severity === "error").length;
    if (errors > 0) out.push(`${errors} error${errors === 1 ? "" : "s"}: no case ran`);
    return { stdout: out.length > 0 ? `${out.join("\n")}\n` : "", stderr: err };
  }

  for (const file of result.files) {
    const failed = file.cases.filter((kase) => !kase.passed).length;
    const mark = failed === 0 ? palette.green("✓") : palette.red("✗");
    const counts = `${file.cases.length} case${file.cases.length === 1 ? "" : "s"}${failed > 0 ? palette.red(`, ${failed} failed`) : ""}`;
    out.push(`${mark} ${file.file} ${palette.dim(`(${file.policyName}, ${counts}, ${Math.round(file.durationMs)} ms)`)}`);
    for (const kase of file.cases) {
      if (kase.passed || !kase.failure) continue;
      out.push(`  ${palette.red("✗")} ${palette.bold(kase.title)}`);
      out.push(...failureLines(kase.failure, palette, options.color).flatMap((line) => line.split("\n")).map((line) => `    ${line}`));
      out.push("");
    }
  }

  if (report.coverage.show) {
    const { coverage } = result;
    out.push("");
    out.push(`coverage: ${coverage.covered}/${coverage.total} rules decided in some case (${formatPercent(coverage.percent)})`);
    for (const entry of coverage.entries.filter((candidate) => !candidate.covered)) {
      out.push(`  ${palette.yellow("uncovered")} ${entry.kind} \`${entry.rule}\` at ${entry.at.file}:${entry.at.line}:${entry.at.column}`);
    }
    if (coverageBelowMinimum(report)) {
      out.push(palette.red(`coverage ${formatPercent(coverage.percent)} is below the minimum of ${report.coverage.min}%`));
    }
  }
  out.push("");
  out.push(palette.dim(`${result.files.length} test file${result.files.length === 1 ? "" : "s"} in ${Math.round(result.durationMs)} ms`));
  // INVARIANT: the last line is exactly `N passed, M failed` (CI scripts parse it).
  const summary = `${result.passed} passed, ${result.failed} failed`;
  out.push(result.failed > 0 ? palette.red(summary) : palette.green(summary));
  return { stdout: `${out.join("\n")}\n`, stderr: err };
};
