/**
 * `agp/testing`: test policies from TypeScript with vitest. Load a policy from source text
 * or a file, decide JSON requests against a history, drive a {@link Scenario} (a fresh
 * in-memory runtime with a virtual clock) step by step, run `*.test.agp` text against the
 * policy, and assert with the matchers `toAllow`, `toDeny`, `toAllowBy`, `toDenyBy`,
 * `toGrantFor`:
 *
 * ```ts
 * import { expect } from "vitest";
 * import { installAgpMatchers, loadPolicyFile } from "agp/testing";
 * installAgpMatchers(expect);
 * const policy = await loadPolicyFile("expenses.agp");
 * expect(policy.decide(request)).toDenyBy("night");
 * ```
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { check, checkTest, compileToModule, formatDiagnostic, hasErrors, type Diagnostic } from "../compiler/index.js";
import type { CheckedPolicy } from "../compiler/check/model.js";
import { listFacts } from "../stdlib/list-facts.js";
import { validate } from "../stdlib/schemas.js";
import type { Decision, PolicyModule, PolicyRequest } from "../stdlib/contract.js";
import { explainedDecision, explainRequest } from "./explain.js";
import type { TestFileResult } from "./results.js";
import { runTestFile } from "./runner.js";
import { Scenario, type ScenarioOptions } from "./scenario.js";

export { agpMatchers, installAgpMatchers, type AgpMatchers } from "./matchers.js";
export { Scenario, ScenarioError, DEFAULT_START, type ScenarioOptions } from "./scenario.js";
export { explanationOf } from "./explain.js";
export type { EntityJson } from "./requests.js";
export type { CaseResult, StepFailure, TestFileResult } from "./results.js";
export type { Decision, PolicyModule, RuleTrace } from "../stdlib/contract.js";

/** A policy that did not compile; `message` holds every diagnostic with its code frame. */
export class PolicyLoadError extends Error {
  override readonly name = "PolicyLoadError";

  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map((diagnostic) => formatDiagnostic(diagnostic)).join("\n\n"));
  }
}

/** A request that does not fit the policy's schema. */
export class InvalidRequestError extends Error {
  override readonly name = "InvalidRequestError";
}

/** Options of {@link loadPolicy}. */
export interface LoadPolicyOptions {
  /** The path shown in diagnostics (`policy.agp`). */
  readonly path?: string;
  /** Type-check the generated module too (off by default: slow, and `agp compile` does it). */
  readonly typecheck?: boolean;
}

/** A loaded policy and what tests do with it. */
export interface TestPolicy {
  readonly name: string;
  readonly module: PolicyModule;
  readonly checked: CheckedPolicy;
  /**
   * Decides a request given as DESIGN.md's JSON, after the earlier granted requests of
   * `history` (the same JSON), as `agp eval --history` does. Throws
   * {@link InvalidRequestError} for a request that does not fit the policy.
   */
  decide(request: unknown, history?: readonly unknown[]): Decision;
  /** A fresh runtime with a virtual clock to drive step by step. */
  scenario(options?: ScenarioOptions): Scenario;
  /** Runs the cases of a `*.test.agp` text against this policy, as `agp test` does. Throws {@link PolicyLoadError} on diagnostics. */
  runTests(testText: string, options?: { readonly path?: string; readonly filter?: (title: string) => boolean }): Promise<TestFileResult>;
}

/** Compiled modules by path and text, so tests that load one policy again pay once. */
const loaded = new Map<string, Promise<TestPolicy>>();

/** Compiles `text` in memory and loads it; throws {@link PolicyLoadError} when it has errors. */
export function loadPolicy(text: string, options: LoadPolicyOptions = {}): Promise<TestPolicy> {
  const key = JSON.stringify([options.path ?? "policy.agp", options.typecheck ?? false, text]);
  let policy = loaded.get(key);
  if (!policy) {
    policy = compilePolicy(text, options);
    loaded.set(key, policy);
    policy.catch(() => loaded.delete(key));
  }
  return policy;
}

/** Reads and loads a policy file (diagnostics name it by the path given). */
export async function loadPolicyFile(file: string, options: Omit<LoadPolicyOptions, "path"> = {}): Promise<TestPolicy> {
  const text = await readFile(path.resolve(file), "utf8");
  return loadPolicy(text, { ...options, path: file });
}

async function compilePolicy(text: string, options: LoadPolicyOptions): Promise<TestPolicy> {
  const sourcePath = options.path ?? "policy.agp";
  const checked = check(text, { path: sourcePath });
  if (!checked.policy || hasErrors(checked.diagnostics)) throw new PolicyLoadError(checked.diagnostics.filter((d) => d.severity === "error"));
  const compiled = await compileToModule(text, { path: sourcePath, typecheck: options.typecheck ?? false });
  if (!compiled.module) throw new PolicyLoadError(compiled.diagnostics.filter((d) => d.severity === "error"));
  return testPolicy(checked.policy, compiled.module);
}

function testPolicy(checked: CheckedPolicy, module: PolicyModule): TestPolicy {
  return {
    name: module.policyName,
    module,
    checked,
    decide(request, history = []) {
      const parsed = parseRequest(module, request, "request");
      const earlier = history.map((entry, index) => parseRequest(module, entry, `history[${index}]`));
      const decision = module.decide(parsed, listFacts(module, earlier));
      return explainedDecision(decision, () => explainRequest(module, request, history, decision));
    },
    scenario: (options) => new Scenario(module, options),
    async runTests(testText, options = {}) {
      const result = checkTest(testText, { path: options.path ?? "policy.test.agp" }, (name) => (name === checked.name ? checked : undefined), [checked.name]);
      if (!result.test || hasErrors(result.diagnostics)) throw new PolicyLoadError(result.diagnostics.filter((d) => d.severity === "error"));
      return runTestFile(result.test, module, options.filter ? { filter: options.filter } : {});
    },
  };
}

function parseRequest(module: PolicyModule, value: unknown, what: string): PolicyRequest {
  const result = validate(module.requestSchema, value, what);
  if (result.ok) return result.value;
  throw new InvalidRequestError(`the ${what} does not fit policy \`${module.policyName}\`:\n  ${result.issues.join("\n  ")}`);
}
