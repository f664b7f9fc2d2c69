/**
 * `--reporter junit`: JUnit XML, which CI systems (GitHub, GitLab, Jenkins, CircleCI)
 * read to show test results. One `<testsuite>` per test file, one `<testcase>` per case;
 * a failed expectation is a `<failure>`, a case that could not run an `<error>`.
 * Diagnostics that stopped the run are `<error>` cases of a suite `agp check`, and a
 * `--coverage-min` becomes a case of a suite `coverage`, so the counts tell the whole story.
 */
import { formatDiagnostic } from "../../compiler/index.js";
import { formatPercent } from "../coverage.js";
import { failureLines } from "../failure-text.js";
import { coverageBelowMinimum, type Reporter, type TestReport } from "./reporter.js";

interface JunitCase {
  readonly name: string;
  readonly classname: string;
  readonly file?: string;
  readonly line?: number;
  readonly seconds: number;
  readonly outcome?: { readonly kind: "failure" | "error"; readonly message: string; readonly body: string };
}

interface JunitSuite {
  readonly name: string;
  readonly seconds: number;
  readonly cases: readonly JunitCase[];
}

/** Renders a report as JUnit XML. */
export const junitReporter: Reporter = (report) => {
  const suites = suitesOf(report);
  const all = suites.flatMap((suite) => suite.cases);
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="agp test"${countAttributes(all)} time="${seconds(suites.reduce((sum, suite) => sum + suite.seconds, 0))}">`,
  ];
  for (const suite of suites) {
    lines.push(`  <testsuite name="${xmlText(suite.name)}"${countAttributes(suite.cases)} skipped="0" time="${seconds(suite.seconds)}">`);
    for (const kase of suite.cases) {
      const location = kase.file === undefined ? "" : ` file="${xmlText(kase.file)}"${kase.line === undefined ? "" : ` line="${kase.line}"`}`;
      const open = `    <testcase name="${xmlText(kase.name)}" classname="${xmlText(kase.classname)}"${location} time="${seconds(kase.seconds)}"`;
      if (!kase.outcome) {
        lines.push(`${open}/>`);
        continue;
      }
      const { kind, message, body } = kase.outcome;
      lines.push(`${open}>`);
      lines.push(`      <${kind} message="${xmlText(message)}" type="${kind === "failure" ? "AssertionError" : "Error"}">${xmlText(body)}</${kind}>`);
      lines.push(`    </testcase>`);
    }
    lines.push(`  </testsuite>`);
  }
  lines.push(`</testsuites>`);
  return { stdout: `${lines.join("\n")}\n`, stderr: "" };
};

function suitesOf(report: TestReport): JunitSuite[] {
  const suites: JunitSuite[] = [];
  const errors = report.diagnostics.filter((diagnostic) => diagnostic.severity === "error");
  if (errors.length > 0 || report.problem) {
    const cases: JunitCase[] = errors.map((diagnostic) => {
      const at = diagnostic.source.position(diagnostic.span.start);
      return {
        name: `${diagnostic.code}: ${diagnostic.message}`,
        classname: "agp check",
        file: diagnostic.source.path,
        line: at.line,
        seconds: 0,
        outcome: { kind: "error", message: diagnostic.message, body: formatDiagnostic(diagnostic) },
      };
    });
    if (report.problem) cases.push({ name: report.problem, classname: "agp test", seconds: 0, outcome: { kind: "error", message: report.problem, body: report.problem } });
    suites.push({ name: "agp check", seconds: 0, cases });
  }
  const { result } = report;
  if (!result) return suites;
  for (const file of result.files) {
    suites.push({
      name: file.file,
      seconds: file.durationMs / 1000,
      cases: file.cases.map((kase) => ({
        name: kase.title,
        classname: file.policyName,
        file: kase.at.file,
        line: kase.at.line,
        seconds: kase.durationMs / 1000,
        ...(kase.failure
          ? { outcome: { kind: kase.failure.error ? "error" : "failure", message: kase.failure.message, body: failureLines(kase.failure).join("\n") } }
          : {}),
      })),
    });
  }
  if (report.coverage.min !== undefined) {
    const name = `rule coverage is at least ${report.coverage.min}%`;
    const actual = `coverage ${formatPercent(result.coverage.percent)} is below the minimum of ${report.coverage.min}%`;
    const uncovered = result.coverage.entries
      .filter((entry) => !entry.covered)
      .map((entry) => `uncovered ${entry.kind} \`${entry.rule}\` at ${entry.at.file}:${entry.at.line}:${entry.at.column}`);
    suites.push({
      name: "coverage",
      seconds: 0,
      cases: [
        {
          name,
          classname: "coverage",
          seconds: 0,
          ...(coverageBelowMinimum(report) ? { outcome: { kind: "failure", message: actual, body: [actual, ...uncovered].join("\n") } } : {}),
        },
      ],
    });
  }
  return suites;
}

function countAttributes(cases: readonly JunitCase[]): string {
  const failures = cases.filter((kase) => kase.outcome?.kind === "failure").length;
  const errors = cases.filter((kase) => kase.outcome?.kind === "error").length;
  return ` tests="${cases.length}" failures="${failures}" errors="${errors}"`;
}

function seconds(value: number): string {
  return value.toFixed(3);
}

/**
 * Text safe inside XML attributes and elements: the five special characters escaped and
 * characters XML 1.0 cannot carry (most C0 controls, e.g. ANSI escapes) dropped.
 */
export function xmlText(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}
