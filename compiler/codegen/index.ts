/**
 * Codegen: from a {@link CheckedPolicy} (checked, without errors) to the TypeScript decision
 * module of `stdlib/contract.ts` (PolicyModule), assembled from small template functions
 * with one import collector and formatted with a pinned prettier config. Deterministic:
 * the same policy and path give byte-identical output.
 */
import type { CheckedPolicy } from "../check/model.js";
import { EmitContext, type EmitTarget } from "./emit/context.js";
import { emitChecks, emitDecide } from "./emit/decide.js";
import { collectDecls, historyOwners } from "./emit/decls.js";
import { emitExplain } from "./emit/explain.js";
import { ExpressionEmitter } from "./emit/expr.js";
import { emitHeader } from "./emit/header.js";
import { emitHistory } from "./emit/history.js";
import { emitMetadata } from "./emit/metadata.js";
import { emitSchemas } from "./emit/schema.js";
import { emitTypes } from "./emit/types.js";
import type { Diagnostic } from "../diagnostics.js";
import { formatInBackground, formatTypescript } from "./format.js";
import { typecheckModule } from "./typecheck.js";

/** Options of {@link generateModule}. */
export interface GenerateOptions {
  /** The policy's path as shown in the header: relative, never absolute. */
  readonly sourcePath: string;
}

/** Options of {@link emitModule}. */
export interface EmitOptions extends GenerateOptions {
  /** TypeScript (the default), or the same module with its types erased ({@link EmitTarget}). */
  readonly target?: EmitTarget;
}

/** The generated module's TypeScript source, formatted. */
export interface GeneratedModule {
  readonly typescript: string;
}

/** Generates and formats the decision module of a checked policy. */
export async function generateModule(policy: CheckedPolicy, options: GenerateOptions): Promise<GeneratedModule> {
  return { typescript: await formatTypescript(emitModule(policy, options)) };
}

/** A generated module, formatted, and the type errors of its code (AGP9001; empty when it type-checks). */
export interface CheckedModule extends GeneratedModule {
  readonly typeErrors: readonly Diagnostic[];
}

/**
 * Generates, formats and type-checks the decision module of a checked policy: prettier runs
 * in a worker while this thread type-checks the emitted code, so the two costliest passes
 * overlap. Formatting changes only layout, so the emitted code's type errors are the
 * formatted module's, and `// @agp-span` markers locate them either way.
 */
export async function generateCheckedModule(policy: CheckedPolicy, options: GenerateOptions): Promise<CheckedModule> {
  const code = emitModule(policy, options);
  const formatting = formatInBackground(code);
  let typeErrors: readonly Diagnostic[];
  try {
    typeErrors = typecheckModule(code, policy);
  } catch (error) {
    formatting.catch(() => undefined);
    throw error;
  }
  return { typescript: await formatting, typeErrors };
}

/** The unformatted module text (exported for benchmarks and tests of the emitters). */
export function emitModule(policy: CheckedPolicy, options: EmitOptions): string {
  const context = new EmitContext(policy, options.sourcePath, options.target);
  const expressions = new ExpressionEmitter(context);
  const decls = collectDecls(policy);
  // Body first: emitters register the imports and constants they use as they go.
  const body = [
    emitTypes(context),
    emitMetadata(context, decls),
    emitSchemas(context),
    emitHistory(context, expressions, decls, historyOwners(decls)),
    emitChecks(context, expressions, decls),
    emitDecide(context, decls),
    emitExplain(context, decls),
  ];
  const hoisted = context.renderHoisted();
  return [emitHeader(options.sourcePath, policy.name), context.imports.render(), hoisted, ...body, context.renderExports()]
    .filter((part) => part !== "")
    .join("\n\n")
    .concat("\n");
}
