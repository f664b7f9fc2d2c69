/**
 * Types every expression of the policy: rule and monitor conditions (which must be bools)
 * and separation keys. Reports unknown names, fields and functions, operands that do not
 * fit their operator, bad arguments and constant arguments, and record values (see
 * {@link ExpressionTyper}). Fills the context's type map, resolution map and the list of
 * history queries in source order.
 */
import type { CheckContext } from "../context.js";
import { ExpressionTyper, type ExprScope } from "../ExpressionTyper.js";

/**
 * Runs expression typing over the whole policy.
 * INVARIANT: runs before every rule that reads `ctx.typeOf` or `ctx.resolutions`.
 */
export function ExpressionTypesRule(ctx: CheckContext): void {
  const typer = new ExpressionTyper(ctx, ctx, (query) =>
    ctx.historyQueries.push(query),
  );
  for (const decl of ctx.actionScopedDecls()) {
    const scope: ExprScope = {
      mode: "policy",
      resourceType: ctx.resourceTypeOf(decl),
      inHistoryWhere: false,
    };
    switch (decl.kind) {
      case "RuleDecl":
        if (decl.when) typer.inferCondition(decl.when, scope);
        if (decl.grant) typer.infer(decl.grant, scope);
        break;
      case "MonitorDecl":
        if (decl.when) typer.inferCondition(decl.when, scope);
        break;
      case "SeparateDecl":
        typer.infer(decl.key, scope);
        break;
    }
  }
}
