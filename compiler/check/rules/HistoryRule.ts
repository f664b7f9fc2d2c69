/**
 * History queries: `within` must be positive (AGP4007) and a query's `where` may not hold
 * another query (AGP4008), since a runtime keeps one index per query.
 */
import type { Expr } from "../../ast.js";
import type { CheckContext } from "../context.js";
import { childExpressions } from "../paths.js";

/** Checks every `count`/`exists` of the policy. */
export function HistoryRule(ctx: CheckContext): void {
  for (const decl of ctx.actionScopedDecls()) {
    const expressions: (Expr | undefined)[] =
      decl.kind === "SeparateDecl" ? [decl.key] : [decl.when];
    for (const expr of expressions) if (expr) checkQueries(ctx, expr, false);
  }
}

function checkQueries(
  ctx: CheckContext,
  expr: Expr,
  insideWhere: boolean,
): void {
  if (expr.kind === "History") {
    if (insideWhere) {
      ctx.report(
        "AGP4008",
        `\`${expr.function}\` cannot be used inside the condition of another history query`,
        expr.span,
        {
          help: "combine the conditions in one query, or compare two separate queries",
        },
      );
    }
    if (expr.within && expr.within.milliseconds <= 0) {
      ctx.report(
        "AGP4007",
        "a `within` window must last longer than zero",
        expr.within.span,
        { help: "e.g. `within 1h`" },
      );
    }
    if (expr.where) checkQueries(ctx, expr.where, true);
    return;
  }
  for (const child of childExpressions(expr))
    checkQueries(ctx, child, insideWhere);
}
