/**
 * The policy test runner: runs the cases of a checked `*.test.agp` file against a compiled
 * policy module. Each case gets a fresh in-memory runtime and a virtual clock, and its
 * steps run in order, so requests it allowed are history for the steps after them.
 */
import type { CheckedCase, CheckedTestFile } from "../compiler/check/model-test.js";
import type { Signer } from "../runtime/tokens.js";
import type { PolicyModule } from "../stdlib/contract.js";
import { runCaseSteps, type CaseEnvironment } from "./case-run.js";
import type { CoverageRecorder } from "./coverage.js";
import { loadExpectedDecisions, type ExpectedDecisions } from "./expected-decisions.js";
import { EntityCatalog } from "./requests.js";
import { testSigner } from "./test-signer.js";
import { DEFAULT_START } from "./scenario.js";
import { pointAt, type CaseResult, type TestFileResult } from "./results.js";


/**
 * How many cases run at once. Cases share nothing (each has its own runtime and store),
 * so overlapping them only hides the latency of token signing on the thread pool.
 */
const DEFAULT_CONCURRENCY = 16;

/** Options of {@link runTestFile}. */
export interface RunOptions {
  /** Runs only the cases whose title it accepts (all by default). */
  readonly filter?: (title: string) => boolean;
  /** Records which rules decided, for `--coverage`. */
  readonly coverage?: CoverageRecorder;
  /** The key that signs grant tokens; a fresh HS256 test key per file when omitted. */
  readonly signer?: Signer;
  /** Where the virtual clock of every case starts ({@link DEFAULT_START}). */
  readonly start?: string | number | Date;
  /** How many cases may run at once (16). */
  readonly concurrency?: number;
  /** The decisions of `matches "FILE.json"` steps; read beside the test file when omitted. */
  readonly expectedDecisions?: ExpectedDecisions;
  /** The directory the test files' paths are relative to (the process's by default). */
  readonly cwd?: string;
}

/** Runs the cases of `test` (those the filter accepts) against `module`, in file order. */
export async function runTestFile(test: CheckedTestFile, module: PolicyModule, options: RunOptions = {}): Promise<TestFileResult> {
  const started = performance.now();
  const start = options.start ?? DEFAULT_START;
  const environment: CaseEnvironment = {
    test,
    module,
    entities: EntityCatalog.of(test),
    signer: options.signer ?? (await testSigner()),
    start: typeof start === "number" ? start : new Date(start).getTime(),
    coverage: options.coverage,
    expectedDecisions: options.expectedDecisions ?? loadExpectedDecisions(test, options.cwd).decisions,
  };
  const cases = options.filter ? test.cases.filter((kase) => options.filter?.(kase.title)) : test.cases;
  const results = await mapConcurrently(cases, options.concurrency ?? DEFAULT_CONCURRENCY, (kase) => runCase(environment, kase));
  return { file: test.source.path, policyName: test.policy.name, cases: results, durationMs: performance.now() - started };
}

/** Runs one case in a fresh runtime. Never throws: an unexpected error fails the case. */
export async function runCase(environment: CaseEnvironment, kase: CheckedCase): Promise<CaseResult> {
  const started = performance.now();
  const at = pointAt(environment.test.source, kase.decl.title.span);
  try {
    const { failure, stepsRun } = await runCaseSteps(environment, kase);
    return { title: kase.title, at, passed: failure === undefined, failure, stepsRun, durationMs: performance.now() - started };
  } catch (error) {
    const message = `the case could not run: ${error instanceof Error ? error.message : String(error)}`;
    return { title: kase.title, at, passed: false, failure: { message, at, error: true }, stepsRun: 0, durationMs: performance.now() - started };
  }
}

/** `items.map(work)` with at most `limit` calls in flight, results in input order. */
async function mapConcurrently<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
