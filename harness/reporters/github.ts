/**
 * `--reporter github`: GitHub Actions workflow commands, so failures show as annotations
 * on the lines of the pull request: `::error file=F,line=L,col=C,title=T::message` for a
 * failing case or a diagnostic, `::warning` for a rule no case covers (with coverage on),
 * and the summary line `N passed, M failed` last.
 */
import { formatPercent } from "../coverage.js";
import { failureLines } from "../failure-text.js";
import { coverageBelowMinimum, type Reporter } from "./reporter.js";

interface Annotation {
  readonly level: "error" | "warning";
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly title?: string;
  readonly message: string;
}

/** Renders a report as workflow commands. */
export const githubReporter: Reporter = (report) => {
  const annotations: Annotation[] = [];
  if (report.problem) annotations.push({ level: "error", title: "agp test", message: report.problem });
  for (const diagnostic of report.diagnostics) {
    const at = diagnostic.source.position(diagnostic.span.start);
    annotations.push({
      level: diagnostic.severity,
      file: diagnostic.source.path,
      line: at.line,
      column: at.column,
      title: diagnostic.code,
      message: diagnostic.help ? `${diagnostic.message}\nhelp: ${diagnostic.help}` : diagnostic.message,
    });
  }
  const { result } = report;
  const lines: string[] = [];
  if (result) {
    for (const file of result.files) {
      for (const kase of file.cases) {
        if (!kase.failure) continue;
        const { at } = kase.failure;
        // The first line repeats the location the annotation already carries; the rest is the detail.
        const detail = failureLines(kase.failure).slice(1);
        annotations.push({
          level: "error",
          file: at.file,
          line: at.line,
          column: at.column,
          title: `${file.policyName}: ${kase.title}`,
          message: [kase.failure.message, ...detail].join("\n"),
        });
      }
    }
    if (report.coverage.show) {
      for (const entry of result.coverage.entries.filter((candidate) => !candidate.covered)) {
        annotations.push({
          level: "warning",
          file: entry.at.file,
          line: entry.at.line,
          column: entry.at.column,
          title: "uncovered rule",
          message: `no case makes ${entry.kind} \`${entry.rule}\` decide`,
        });
      }
      lines.push(`coverage: ${result.coverage.covered}/${result.coverage.total} rules (${formatPercent(result.coverage.percent)})`);
      if (coverageBelowMinimum(report)) {
        annotations.push({
          level: "error",
          title: "coverage",
          message: `coverage ${formatPercent(result.coverage.percent)} is below the minimum of ${report.coverage.min}%`,
        });
      }
    }
    lines.push(`${result.passed} passed, ${result.failed} failed`);
  }
  return { stdout: `${[...annotations.map(workflowCommand), ...lines].join("\n")}\n`, stderr: "" };
};

/** One `::level props::message` line, escaped as the Actions runner expects. */
export function workflowCommand(annotation: Annotation): string {
  const properties = [
    annotation.file === undefined ? undefined : `file=${escapeProperty(annotation.file)}`,
    annotation.line === undefined ? undefined : `line=${annotation.line}`,
    annotation.column === undefined ? undefined : `col=${annotation.column}`,
    annotation.title === undefined ? undefined : `title=${escapeProperty(annotation.title)}`,
  ].filter((property) => property !== undefined);
  return `::${annotation.level}${properties.length > 0 ? ` ${properties.join(",")}` : ""}::${escapeData(annotation.message)}`;
}

function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
