/**
 * `agp test [PATHS..] [--coverage] [--coverage-min N] [--reporter R] [--filter PATTERN]`:
 * check policies and their `*.test.agp` files, compile each policy under test once, run
 * every case, and report. Exit 0 when everything passed, 1 on a diagnostic, a failed case
 * or coverage below the minimum, 2 on a usage error.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { hasErrors } from "../../compiler/index.js";
import type { CheckedTestFile } from "../../compiler/check/model-test.js";
import { reporters, coverageBelowMinimum, type ReporterName, type TestReport } from "../../harness/reporters/index.js";
import { runSuite } from "../../harness/suite.js";
import { isTestFile } from "../files.js";
import { ExitCode, UsageError, type CliIO } from "../io.js";
import { besideDiagnostics, loadWorkspace } from "../workspace.js";

export { reporterNames } from "../../harness/reporters/index.js";

/** Arguments of `agp test`. */
export interface TestArguments {
  readonly paths: readonly string[];
  readonly reporter: ReporterName;
  readonly coverage: boolean;
  readonly coverageMin: number | undefined;
  readonly filter: string | undefined;
}

/** Runs the tests under the paths; prints the report; returns the exit code. */
export async function runTest(io: CliIO, args: TestArguments): Promise<ExitCode> {
  const filter = args.filter === undefined ? undefined : titleFilter(args.filter);
  if (args.coverageMin !== undefined && !(args.coverageMin >= 0 && args.coverageMin <= 100)) {
    throw new UsageError(`--coverage-min must be a percentage from 0 to 100, not ${String(args.coverageMin)}`);
  }
  const coverage = { show: args.coverage || args.coverageMin !== undefined, min: args.coverageMin };
  const render = (report: TestReport) => {
    const pretty = args.reporter === "pretty";
    const rendered = reporters[args.reporter](report, { color: io.colorOut && pretty, colorErr: io.colorErr && pretty });
    if (rendered.stdout) io.out(rendered.stdout);
    if (rendered.stderr) io.err(rendered.stderr);
  };

  const workspace = loadWorkspace(withSiblingTests(args.paths, io.cwd), io.cwd);
  const given = new Set(args.paths.map((given) => path.resolve(io.cwd, given)));
  // Tests beside a policy given by name run only when they test that policy.
  const tests = workspace.tests.filter(
    (test) =>
      given.has(test.file.absolutePath) ||
      isUnderGivenPath(test.file.absolutePath, args.paths, io.cwd) ||
      (test.policyFile !== undefined && given.has(test.policyFile.file.absolutePath)),
  );
  const diagnostics = [
    ...workspace.policies.flatMap((policy) => policy.diagnostics),
    ...besideDiagnostics(workspace, tests),
    ...tests.flatMap((test) => test.diagnostics),
  ];
  if (hasErrors(diagnostics)) {
    render({ result: undefined, diagnostics, coverage });
    return ExitCode.failure;
  }
  const checked = tests.flatMap((test): CheckedTestFile[] => (test.test ? [test.test] : []));
  if (checked.length === 0) {
    render({ result: undefined, diagnostics, coverage, problem: `no \`*.test.agp\` files found under ${args.paths.join(", ")}` });
    return ExitCode.failure;
  }

  const policies = workspace.policies.flatMap((policy) => (policy.policy ? [policy.policy] : []));
  const outcome = await runSuite({ tests: checked, policies }, { cwd: io.cwd, ...(filter ? { filter } : {}) });
  const all = [...diagnostics, ...outcome.diagnostics];
  if (!outcome.result) {
    render({ result: undefined, diagnostics: all, coverage });
    return ExitCode.failure;
  }
  const ran = outcome.result.passed + outcome.result.failed;
  const problem = ran > 0 ? undefined : args.filter !== undefined ? `no case title matches --filter ${args.filter}` : "the test files have no cases";
  const report: TestReport = { result: outcome.result, diagnostics: all, coverage, ...(problem ? { problem } : {}) };
  render(report);
  const failed = outcome.result.failed > 0 || ran === 0 || coverageBelowMinimum(report) || hasErrors(all);
  return failed ? ExitCode.failure : ExitCode.ok;
}

/**
 * `--filter PATTERN`: a substring of case titles, or `/regex/flags`. A bad regular
 * expression is a usage error.
 */
export function titleFilter(pattern: string): (title: string) => boolean {
  const regex = /^\/(.*)\/([dgimsuvy]*)$/s.exec(pattern);
  if (!regex) return (title) => title.includes(pattern);
  let compiled: RegExp;
  try {
    compiled = new RegExp(regex[1] ?? "", (regex[2] ?? "").replace(/[gy]/g, ""));
  } catch (error) {
    throw new UsageError(`--filter ${pattern} is not a valid regular expression: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (title) => compiled.test(title);
}

/**
 * The paths, plus the test files beside each policy file given by name, so that
 * `agp test policy.agp` runs the tests of that policy.
 */
function withSiblingTests(paths: readonly string[], cwd: string): string[] {
  const found = [...paths];
  for (const given of paths) {
    const absolute = path.resolve(cwd, given);
    if (!existsSync(absolute) || statSync(absolute).isDirectory() || isTestFile(absolute)) continue;
    const directory = path.dirname(absolute);
    for (const name of readdirSync(directory).sort()) {
      if (isTestFile(name)) found.push(path.join(directory, name));
    }
  }
  return found;
}

/** Whether `file` was found by searching a directory among the given paths. */
function isUnderGivenPath(file: string, paths: readonly string[], cwd: string): boolean {
  return paths.some((given) => {
    const relative = path.relative(path.resolve(cwd, given), file);
    return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
  });
}
