/**
 * Loads the policies and test files a command is pointed at and checks them all, pairing
 * each test file with the policy its `test NAME` header names: the one beside the test, or
 * else the nearest of that name among the files given.
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
  /** Policies not given but checked because they sit beside a test file. */
  readonly besides: readonly CheckedPolicyFile[];
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
  if (options.tests === false) return { policies, tests: [], besides: [] };

  const tests = files.filter(isTestFile).map((absolutePath): CheckedTestSource => {
    const file = readSource(absolutePath, cwd);
    // Two policies may share a name (`x/p.agp` and `y/p.agp`): the test's own directory wins.
    const candidates = [...siblingPolicies(absolutePath).map(checkPolicyAt), ...nearestFirst(policies, absolutePath)];
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
  const given = new Set(policies);
  return { policies, tests, besides: [...byPath.values()].filter((policy) => !given.has(policy)) };
}

/** `policies` ordered by how few directories separate each from `testPath`. */
function nearestFirst(policies: readonly CheckedPolicyFile[], testPath: string): CheckedPolicyFile[] {
  const distance = (policy: CheckedPolicyFile) => path.relative(path.dirname(testPath), path.dirname(policy.file.absolutePath)).split(path.sep).filter(Boolean).length;
  return [...policies].sort((a, b) => distance(a) - distance(b));
}

/**
 * Diagnostics of the policies found beside `tests` that matter to them: the policy each test
 * runs against, and any that is not a policy at all (it may be the one a test names), so
 * `agp test p.test.agp` shows the syntax error in `p.agp` rather than only its consequence.
 */
export function besideDiagnostics(workspace: Workspace, tests: readonly CheckedTestSource[] = workspace.tests): Diagnostic[] {
  const used = new Set(tests.map((test) => test.policyFile));
  return workspace.besides.filter((policy) => used.has(policy) || policy.policy === undefined).flatMap((policy) => policy.diagnostics);
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
  return [...workspace.policies.flatMap((p) => p.diagnostics), ...besideDiagnostics(workspace), ...workspace.tests.flatMap((t) => t.diagnostics)];
}
