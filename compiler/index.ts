/**
 * The agp compiler's public API (`import { check, compile } from "agp"`).
 *
 * `check` parses and checks a policy; `compile` also generates the TypeScript decision
 * module, type-checks it and emits `.js` and `.d.ts`. Neither throws on bad input: both
 * return diagnostics, and a result only when there are no errors.
 */
import type { PolicyModule } from "../stdlib/contract.js";
import { checkPolicy, checkTestFile } from "./check/index.js";
import type { CheckedPolicy } from "./check/model.js";
import type { CheckedTestFile } from "./check/model-test.js";
import { emitModule, generateCheckedModule } from "./codegen/index.js";
import { warmUpFormatter } from "./codegen/format.js";
import { typecheckModule } from "./codegen/typecheck.js";
import { transpileModule } from "./codegen/transpile.js";
import { createDiagnostic, hasErrors, sortDiagnostics, type Diagnostic } from "./diagnostics.js";
import { loadPolicyModule } from "./load.js";
import { parsePolicy, parseTestFile, withoutCascades } from "./parse.js";
import { Source } from "./source.js";
import { didYouMean } from "./suggest.js";

export { Source, type Span } from "./source.js";
export {
  formatDiagnostic,
  diagnosticToJson,
  hasErrors,
  sortDiagnostics,
  type Diagnostic,
  type DiagnosticJson,
  type Severity,
} from "./diagnostics.js";
export { diagnosticCodes, type DiagnosticCode } from "./codes.js";
export type { CheckedPolicy } from "./check/model.js";
export type { CheckedTestFile } from "./check/model-test.js";
export type * as ast from "./ast.js";

/** Where a source text comes from; `path` is shown in diagnostics and generated headers. */
export interface SourceOptions {
  readonly path: string;
}

/** The outcome of {@link check}: the checked policy (when it parsed) and every diagnostic. */
export interface CheckResult {
  readonly policy: CheckedPolicy | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

/** Parses and checks one policy file, reporting every syntax, name and type error. */
export function check(text: string, options: SourceOptions): CheckResult {
  const source = new Source(text, options.path);
  const parsed = parsePolicy(source);
  if (!parsed.ast) return { policy: undefined, diagnostics: sortDiagnostics(parsed.diagnostics) };
  const checked = checkPolicy(parsed.ast, source);
  return {
    policy: checked.policy,
    diagnostics: sortDiagnostics([...parsed.diagnostics, ...withoutCascades(checked.diagnostics, parsed)]),
  };
}

/** The outcome of {@link checkTest}. */
export interface CheckTestResult {
  readonly test: CheckedTestFile | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Parses and checks a `*.test.agp` file. `findPolicy` returns the checked policy that the
 * file's `test NAME` header names; an unknown name is an AGP2021 diagnostic.
 */
export function checkTest(
  text: string,
  options: SourceOptions,
  findPolicy: (name: string) => CheckedPolicy | undefined,
  knownPolicies: readonly string[] = [],
): CheckTestResult & { readonly policy: CheckedPolicy | undefined } {
  const source = new Source(text, options.path);
  const parsed = parseTestFile(source);
  if (!parsed.ast) return { test: undefined, policy: undefined, diagnostics: sortDiagnostics(parsed.diagnostics) };
  const header = parsed.ast.policyName;
  const policy = findPolicy(header.text);
  if (!policy) {
    const unknown = createDiagnostic("AGP2021", `no policy named \`${header.text}\` was found`, source, header.span, {
      help: didYouMean(header.text, knownPolicies) ?? "put the policy beside its test file, or pass its path too",
    });
    return { test: undefined, policy: undefined, diagnostics: sortDiagnostics([...parsed.diagnostics, unknown]) };
  }
  const checked = checkTestFile(parsed.ast, source, policy);
  return {
    test: checked.test,
    policy,
    diagnostics: sortDiagnostics([...parsed.diagnostics, ...withoutCascades(checked.diagnostics, parsed)]),
  };
}

/** A compiled policy: the generated module as TypeScript, JavaScript and declarations. */
export interface CompiledPolicy {
  readonly policyName: string;
  readonly typescript: string;
  readonly javascript: string;
  readonly declarations: string;
}

/** The outcome of {@link compile}. */
export interface CompileResult {
  readonly result: CompiledPolicy | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Compiles one policy: check, generate, format, type-check, transpile. A type error in the
 * generated code is a compiler bug and comes back as an AGP9001 diagnostic.
 */
export async function compile(text: string, options: SourceOptions): Promise<CompileResult> {
  // Prettier loads in its worker while this thread parses and checks.
  warmUpFormatter();
  const checked = check(text, options);
  if (!checked.policy || hasErrors(checked.diagnostics)) return { result: undefined, diagnostics: checked.diagnostics };
  const policy = checked.policy;
  try {
    const { typescript, typeErrors } = await generateCheckedModule(policy, { sourcePath: options.path });
    if (typeErrors.length > 0) {
      return { result: undefined, diagnostics: [...checked.diagnostics, ...typeErrors] };
    }
    const { javascript, declarations } = transpileModule(typescript);
    return {
      result: { policyName: policy.name, typescript, javascript, declarations },
      diagnostics: checked.diagnostics,
    };
  } catch (error) {
    return { result: undefined, diagnostics: [...checked.diagnostics, internalError(policy, error)] };
  }
}

/** The outcome of {@link compileToModule}. */
export interface ModuleResult {
  readonly module: PolicyModule | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Compiles a policy in memory and loads the module, for `agp eval`, `agp test` and
 * `agp/testing`. Skips formatting and writing files; the type-check still runs unless
 * `typecheck: false`.
 */
export async function compileToModule(
  text: string,
  options: SourceOptions & { readonly typecheck?: boolean },
): Promise<ModuleResult> {
  const checked = check(text, options);
  if (!checked.policy || hasErrors(checked.diagnostics)) return { module: undefined, diagnostics: checked.diagnostics };
  const loaded = loadCheckedPolicy(checked.policy, options);
  return { module: loaded.module, diagnostics: [...checked.diagnostics, ...loaded.diagnostics] };
}

/**
 * {@link compileToModule} for a policy already checked without errors (as `agp test` has
 * its policies), so it is not parsed and checked again; the diagnostics are only those of
 * the type-check or an internal error.
 */
export function loadCheckedPolicy(policy: CheckedPolicy, options: { readonly typecheck?: boolean } = {}): ModuleResult {
  const sourcePath = policy.source.path;
  try {
    if (options.typecheck !== false) {
      const typeErrors = typecheckModule(emitModule(policy, { sourcePath }), policy);
      if (typeErrors.length > 0) return { module: undefined, diagnostics: typeErrors };
    }
    // Loaded, never written: the module's JavaScript, emitted directly (no TypeScript, no formatting).
    const body = emitModule(policy, { sourcePath, target: "function" });
    return { module: loadPolicyModule(body, sourcePath), diagnostics: [] };
  } catch (error) {
    return { module: undefined, diagnostics: [internalError(policy, error)] };
  }
}

function internalError(policy: CheckedPolicy, error: unknown): Diagnostic {
  const message = error instanceof Error ? error.message : String(error);
  return createDiagnostic("AGP9002", `internal compiler error: ${message}`, policy.source, policy.ast.name.span, {
    help: "this is a bug in agp; please report it with the policy that triggers it",
  });
}
