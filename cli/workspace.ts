/**
 * Loads the policies and test files a command is pointed at and checks them all, pairing
 * each test file with the policy its `test NAME` header names: among the files given, or
 * else among the `.agp` files beside the test.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { check, checkTest, type CheckedPolicy, type CheckedTestFile, type Diagnostic } from "../compiler/index.js";
import { findAgpFiles, isTestFile, readSource, type SourceFile } from "./files.js";

/** A policy file and what checking it found. */
export interface CheckedPolicyFile {
  readonly file: SourceFile;
  readonly policy: CheckedPolicy | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

/** A test file, the policy it tests (when found) and what checking it found. */
export interface CheckedTestSource {
  readonly file: SourceFile;
  readonly policyFile: CheckedPolicyFile | undefined;
  readonly test: CheckedTestFile | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

/** Everything found under the paths given to a command. */
export interface Workspace {
  readonly policies: readonly CheckedPolicyFile[];
  readonly tests: readonly CheckedTestSource[];
}

/** Finds, reads and checks every policy and test file under `paths`. */
export function loadWorkspace(paths: readonly string[], cwd: string, options: { tests?: boolean } = {}): Workspace {
  const files = findAgpFiles(paths, cwd);
  const byPath = new Map<string, CheckedPolicyFile>();
  const checkPolicyAt = (absolutePath: string): CheckedPolicyFile => {
    let checked = byPath.get(absolutePath);
    if (!checked) {
      const file = readSource(absolutePath, cwd);
      const result = check(file.text, { path: file.displayPath });
      checked = { file, policy: result.policy, diagnostics: result.diagnostics };
      byPath.set(absolutePath, checked);
    }
    return checked;
  };
  const policies = files.filter((f) => !isTestFile(f)).map(checkPolicyAt);
  if (options.tests === false) return { policies, tests: [] };

  const tests = files.filter(isTestFile).map((absolutePath): CheckedTestSource => {
    const file = readSource(absolutePath, cwd);
    const candidates = [...policies, ...siblingPolicies(absolutePath).map(checkPolicyAt)];
    let policyFile: CheckedPolicyFile | undefined;
    const result = checkTest(
      file.text,
      { path: file.displayPath },
      (name) => {
        policyFile = candidates.find((c) => c.policy?.name === name);
        return policyFile?.policy;
      },
      [...new Set(candidates.flatMap((c) => (c.policy ? [c.policy.name] : [])))],
    );
    return { file, policyFile, test: result.test, diagnostics: result.diagnostics };
  });
  return { policies, tests };
}

function siblingPolicies(testPath: string): string[] {
  const directory = path.dirname(testPath);
  return readdirSync(directory)
    .filter((name) => name.endsWith(".agp") && !isTestFile(name))
    .sort()
    .map((name) => path.join(directory, name));
}

/** Every diagnostic of a workspace, policies first, each file's in source order. */
export function workspaceDiagnostics(workspace: Workspace): Diagnostic[] {
  return [...workspace.policies.flatMap((p) => p.diagnostics), ...workspace.tests.flatMap((t) => t.diagnostics)];
}
