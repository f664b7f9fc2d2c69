/**
 * Test helpers: check a policy and a test file from text (or from the fixtures beside
 * this file) and run the test file through the harness, as `agp test` does.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { check, checkTest, formatDiagnostic, hasErrors } from "../../compiler/index.js";
import type { CheckedTestFile } from "../../compiler/check/model-test.js";
import { runSuite, type SuiteOptions } from "../suite.js";
import type { SuiteResult } from "../results.js";

const here = path.dirname(fileURLToPath(import.meta.url));

/** A fixture file's text. */
export function fixture(name: string): string {
  return readFileSync(path.join(here, name), "utf8");
}

/** Checks `policyText` and `testText`; throws with the diagnostics when either has errors. */
export function checkedTest(policyText: string, testText: string, testPath = "docs.test.agp"): CheckedTestFile {
  const policy = check(policyText, { path: "docs.agp" });
  if (!policy.policy || hasErrors(policy.diagnostics)) throw new Error(policy.diagnostics.map((d) => formatDiagnostic(d)).join("\n"));
  const test = checkTest(testText, { path: testPath }, (name) => (name === policy.policy?.name ? policy.policy : undefined));
  if (!test.test || hasErrors(test.diagnostics)) throw new Error(test.diagnostics.map((d) => formatDiagnostic(d)).join("\n"));
  return test.test;
}

/** Runs `testText` against `policyText` (the fixture policy by default). */
export async function runTests(testText: string, options: SuiteOptions = {}, policyText = fixture("docs.agp")): Promise<SuiteResult> {
  const outcome = await runSuite({ tests: [checkedTest(policyText, testText)] }, options);
  if (!outcome.result) throw new Error(outcome.diagnostics.map((d) => formatDiagnostic(d)).join("\n"));
  return outcome.result;
}
