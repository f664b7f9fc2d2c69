/**
 * A whole test run, as `agp test` does it: compile each policy under test once (in memory,
 * without the type-check of the generated module, which `agp compile` runs), run every
 * test file against its module, and total the results and the rule coverage.
 */
import { hasErrors, loadCheckedPolicy, type Diagnostic } from "../compiler/index.js";
import type { CheckedPolicy } from "../compiler/check/model.js";
import type { CheckedTestFile } from "../compiler/check/model-test.js";
import type { PolicyModule } from "../stdlib/contract.js";
import { CoverageRecorder } from "./coverage.js";
import type { SuiteResult, TestFileResult } from "./results.js";
import { loadExpectedDecisions } from "./expected-decisions.js";
import { runTestFile, type RunOptions } from "./runner.js";
import { testSigner } from "./test-signer.js";

/** What a run is given: checked test files, and every policy whose rules coverage counts. */
export interface SuiteInput {
  readonly tests: readonly CheckedTestFile[];
  /** Policies to report coverage for; the policies under test are always included. */
  readonly policies?: readonly CheckedPolicy[];
}

/** Options of {@link runSuite}. */
export interface SuiteOptions extends Pick<RunOptions, "filter" | "start" | "concurrency" | "cwd"> {
  /**
   * Type-check each generated module before running it (off by default: `agp check` and
   * `agp compile` cover it, and it is most of the compile time).
   */
  readonly typecheck?: boolean;
}

/** The results, or the diagnostics that stopped a policy from compiling. */
export interface SuiteOutcome {
  readonly result: SuiteResult | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

/** Compiles each policy under test once and runs every test file; never throws on bad input. */
export async function runSuite(input: SuiteInput, options: SuiteOptions = {}): Promise<SuiteOutcome> {
  const started = performance.now();
  const modules = new Map<CheckedPolicy, PolicyModule>();
  const diagnostics: Diagnostic[] = [];
  for (const policy of new Set(input.tests.map((test) => test.policy))) {
    // Checked already (a test file is checked against its policy): only generated and loaded here.
    const compiled = loadCheckedPolicy(policy, { typecheck: options.typecheck ?? false });
    diagnostics.push(...compiled.diagnostics);
    if (compiled.module) modules.set(policy, compiled.module);
  }
  const expected = new Map(input.tests.map((test) => [test, loadExpectedDecisions(test, options.cwd)] as const));
  for (const loaded of expected.values()) diagnostics.push(...loaded.diagnostics);
  if (hasErrors(diagnostics)) return { result: undefined, diagnostics };

  const coverage = new CoverageRecorder();
  const signer = await testSigner();
  const files: TestFileResult[] = [];
  for (const test of input.tests) {
    const module = modules.get(test.policy);
    // INVARIANT: every policy under test compiled (errors returned above).
    if (!module) throw new Error(`policy \`${test.policy.name}\` has no module`);
    const expectedDecisions = expected.get(test)?.decisions;
    files.push(await runTestFile(test, module, { ...options, coverage, signer, ...(expectedDecisions ? { expectedDecisions } : {}) }));
  }
  const cases = files.flatMap((file) => file.cases);
  const passed = cases.filter((kase) => kase.passed).length;
  return {
    result: {
      files,
      coverage: coverage.report([...(input.policies ?? []), ...input.tests.map((test) => test.policy)]),
      passed,
      failed: cases.length - passed,
      durationMs: performance.now() - started,
    },
    diagnostics,
  };
}
