/**
 * Optional fields (`T?`) may be compared with `==`/`!=` as they are (an absent value is
 * unequal to everything); any other use must follow a `has` guard for that path earlier in
 * the same `and` chain (AGP3003). `has` itself needs a path through an optional field
 * (AGP3006). `has P` is true when every optional field along `P` is present, so it guards
 * each of them: `has a.b and a.b.c == 1`.
 */
import type { Expr } from "../../ast.js";
import type { CheckContext } from "../context.js";
import { conjuncts, pathOf, unparenthesize } from "../paths.js";

/** Checks every use of an optional value in conditions and separation keys. */
export function OptionalGuardRule(ctx: CheckContext): void {
  const guard = new OptionalGuard(ctx);
  for (const decl of ctx.actionScopedDecls()) {
    // A separation key's optionality is SeparationRule's to report (AGP3009).
    if (decl.kind === "SeparateDecl") guard.visit(decl.key, new Set(), true);
    else if (decl.when) guard.visit(decl.when, new Set(), false);
  }
}

class OptionalGuard {
  constructor(private readonly ctx: CheckContext) {}

  /**
   * Checks `expr`, where `guards` are the paths known present and `optionalAllowed` says
   * whether the context of `expr` accepts an optional value as it is.
   */
  visit(
    expr: Expr,
    guards: ReadonlySet<string>,
    optionalAllowed: boolean,
  ): void {
    if (!optionalAllowed && this.isUnguardedOptional(expr, guards)) {
      this.report(expr);
      optionalAllowed = true;
    }
    switch (expr.kind) {
      case "Member":
        if (this.isUnguardedOptional(expr.object, guards))
          this.report(expr, expr.object);
        this.visit(expr.object, guards, true);
        return;
      case "Paren":
        this.visit(expr.inner, guards, true);
        return;
      case "Binary":
        if (expr.operator === "and") {
          this.visit(expr.left, guards, false);
          this.visit(
            expr.right,
            new Set([
              ...guards,
              ...conjuncts(expr.left).flatMap((c) => this.guardsOf(c)),
            ]),
            false,
          );
        } else {
          const comparesEquality =
            expr.operator === "==" || expr.operator === "!=";
          this.visit(expr.left, guards, comparesEquality);
          this.visit(expr.right, guards, comparesEquality);
        }
        return;
      case "Has":
        this.checkHas(expr.path);
        return;
      case "Unary":
        this.visit(expr.operand, guards, false);
        return;
      case "Call":
        for (const arg of expr.args) this.visit(arg, guards, false);
        return;
      case "ListLiteral":
        for (const element of expr.elements) this.visit(element, guards, false);
        return;
      case "RecordLiteral":
        for (const field of expr.fields) this.visit(field.value, guards, false);
        return;
      case "History":
        if (expr.where) this.visit(expr.where, guards, false);
        return;
      default:
        return;
    }
  }

  private isUnguardedOptional(
    expr: Expr,
    guards: ReadonlySet<string>,
  ): boolean {
    if (this.ctx.typeOf(expr).kind !== "optional") return false;
    const path = pathOf(expr);
    return path === undefined || !guards.has(path);
  }

  /** Reports a use of optional `optional` at `use` (the expression that reads it). */
  private report(use: Expr, optional: Expr = use): void {
    const path = pathOf(optional) ?? this.ctx.source.slice(optional.span);
    this.ctx.report(
      "AGP3003",
      `\`${path}\` may be absent; test it with \`has\` first`,
      use.span,
      {
        help: `write \`has ${path} and ...\` before using it`,
      },
    );
  }

  /** The paths a conjunct `has P` proves present: every optional field along `P`. */
  private guardsOf(conjunct: Expr): string[] {
    const inner = unparenthesize(conjunct);
    if (inner.kind !== "Has") return [];
    const guards: string[] = [];
    for (
      let node = unparenthesize(inner.path);
      node.kind === "Member";
      node = unparenthesize(node.object)
    ) {
      const path = pathOf(node);
      if (path !== undefined && this.ctx.typeOf(node).kind === "optional")
        guards.push(path);
    }
    return guards;
  }

  private checkHas(path: Expr): void {
    const chain: Expr[] = [];
    for (
      let node = unparenthesize(path);
      node.kind === "Member";
      node = unparenthesize(node.object)
    )
      chain.push(node);
    if (pathOf(path) === undefined || chain.length === 0) {
      this.ctx.report(
        "AGP3006",
        "`has` needs the path of an optional field",
        path.span,
        {
          help: "e.g. `has resource.owner.manager`",
        },
      );
      return;
    }
    const types = chain.map((node) => this.ctx.typeOf(node));
    if (types.some((t) => t.kind === "error" || t.kind === "optional")) return;
    this.ctx.report(
      "AGP3006",
      `\`${pathOf(path)}\` is not optional, so it is always present`,
      path.span,
      {
        help: "`has` tests fields declared optional (`T?`); remove it",
      },
    );
  }
}
