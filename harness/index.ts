/**
 * The policy test harness: what `agp test` runs (a suite of checked test files, reported
 * by one of the reporters) and what `agp/testing` builds on (scenarios and matchers).
 */
export { runSuite, type SuiteInput, type SuiteOptions, type SuiteOutcome } from "./suite.js";
export { runTestFile, runCase, type RunOptions } from "./runner.js";
export { Scenario, ScenarioError, DEFAULT_START, type ScenarioOptions } from "./scenario.js";
export { CoverageRecorder, formatPercent, type CoverageEntry, type CoverageReport } from "./coverage.js";
export { reporters, reporterNames, coverageBelowMinimum, type ReporterName, type Reporter, type TestReport } from "./reporters/index.js";
export type { CaseResult, StepFailure, SuiteResult, TestFileResult, ExpectedDecision, SourcePoint } from "./results.js";
export { agpMatchers, installAgpMatchers, type AgpMatchers } from "./matchers.js";
