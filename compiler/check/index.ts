/**
 * The checker: names, types and schema of policy files and test files. Every rule runs and
 * every problem is reported; an expression with a diagnostic gets the `error` type, so one
 * mistake yields one diagnostic. The result is always a (possibly partial) checked model;
 * codegen and the test harness use it only when no error was reported.
 */
import type {
  Expr,
  HistoryExpr,
  Identifier,
  PolicyFile,
  TestFile,
} from "../ast.js";
import {
  InternalCompilerError,
  sortDiagnostics,
  type Diagnostic,
} from "../diagnostics.js";
import type { Source } from "../source.js";
import { CheckContext, type DiagnosticSink } from "./context.js";
import type { CheckedPolicy, Resolution } from "./model.js";
import type { CheckedTestFile } from "./model-test.js";
import { unparenthesize, walkExpression } from "./paths.js";
import { ActionsOnResourceRule } from "./rules/ActionsOnResourceRule.js";
import { AgentRule } from "./rules/AgentRule.js";
import { ExpressionTypesRule } from "./rules/ExpressionTypesRule.js";
import { GrantRule } from "./rules/GrantRule.js";
import { HistoryRule } from "./rules/HistoryRule.js";
import { IntentsRule } from "./rules/IntentsRule.js";
import { KnownTypesRule } from "./rules/KnownTypesRule.js";
import { OptionalGuardRule } from "./rules/OptionalGuardRule.js";
import { ReachabilityRule } from "./rules/ReachabilityRule.js";
import { ReservedNamesRule } from "./rules/ReservedNamesRule.js";
import { SeparationRule } from "./rules/SeparationRule.js";
import { TypeDepthRule } from "./rules/TypeDepthRule.js";
import { UniqueNamesRule } from "./rules/UniqueNamesRule.js";
import { checkTestFileWith } from "./checkTestFile.js";

export type { CheckedPolicy } from "./model.js";
export type { CheckedTestFile } from "./model-test.js";

/**
 * The policy rules, in the order they run.
 * INVARIANT: ExpressionTypesRule comes before every rule that reads types or resolutions.
 */
const policyRules: readonly ((ctx: CheckContext) => void)[] = [
  UniqueNamesRule,
  ReservedNamesRule,
  TypeDepthRule,
  KnownTypesRule,
  ActionsOnResourceRule,
  IntentsRule,
  ExpressionTypesRule,
  OptionalGuardRule,
  SeparationRule,
  GrantRule,
  HistoryRule,
  AgentRule,
  ReachabilityRule,
];

/** Checks a parsed policy, returning its checked model and every name, type and structure diagnostic. */
export function checkPolicy(
  ast: PolicyFile,
  source: Source,
): { policy: CheckedPolicy; diagnostics: Diagnostic[] } {
  const ctx = new CheckContext(ast, source);
  for (const rule of policyRules) rule(ctx);
  const historyQueries = [...ctx.historyQueries].sort(
    (a, b) => a.span.start - b.span.start,
  );
  const dependsOnRequest = new Map(
    historyQueries.map((query) => [query, readsRequest(ctx, query)]),
  );
  const policy: CheckedPolicy = {
    source,
    ast,
    name: ast.name.text,
    labels: ctx.labels,
    entities: ctx.entities,
    context: ctx.context,
    actions: ctx.actions,
    intents: ctx.intents,
    rules: ctx.rules,
    separations: ctx.separations,
    monitors: ctx.monitors,
    historyQueries,
    principalType: ctx.principalType,
    typeOf: (expr: Expr) => ctx.typeOf(expr),
    resolve: (identifier: Identifier) => resolveOrThrow(ctx, identifier),
    coverage: (decl) => ctx.coverage(decl),
    dependsOnRequest: (query: HistoryExpr) => {
      const depends = dependsOnRequest.get(query);
      if (depends === undefined)
        throw new InternalCompilerError(
          "not a history query of this policy",
          query.span,
        );
      return depends;
    },
  };
  return { policy, diagnostics: sortDiagnostics(ctx.diagnostics) };
}

/** Checks a parsed test file against the checked policy it names. */
export function checkTestFile(
  ast: TestFile,
  source: Source,
  policy: CheckedPolicy,
): { test: CheckedTestFile; diagnostics: Diagnostic[] } {
  const { test, diagnostics } = checkTestFileWith(
    ast,
    source,
    policy,
    resolveOrThrow,
  );
  return { test, diagnostics: sortDiagnostics(diagnostics) };
}

function resolveOrThrow(
  sink: DiagnosticSink,
  identifier: Identifier,
): Resolution {
  const resolution = sink.resolutions.get(identifier);
  if (!resolution)
    throw new InternalCompilerError(
      `unresolved name \`${identifier.name.text}\``,
      identifier.span,
    );
  return resolution;
}

/**
 * True when a history query's `where` reads the current request: a root other than
 * `event`, or an attribute of an entity referenced from the event (such entities are
 * looked up among the current request's entities).
 */
function readsRequest(ctx: CheckContext, query: HistoryExpr): boolean {
  if (!query.where) return false;
  let reads = false;
  walkExpression(query.where, (node) => {
    if (node.kind === "Identifier") {
      const resolution = ctx.resolutions.get(node);
      if (resolution?.kind === "root" && resolution.root !== "event")
        reads = true;
    } else if (node.kind === "Member" && unparenthesize(node.object).kind === "Member") {
      // Parentheses change nothing: `(event.principal.onBehalfOf).dept` reads the request too.
      const object = unparenthesize(node.object) as Extract<Expr, { kind: "Member" }>;
      const objectType = ctx.typeOf(object).kind;
      const owner = unparenthesize(object.object);
      const eventRecord = owner.kind === "Identifier" && owner.name.text === "event";
      if (
        !eventRecord &&
        (objectType === "entity" ||
          objectType === "entityUnion" ||
          objectType === "optional")
      )
        reads = true;
    }
  });
  return reads;
}
