/**
 * Small helpers over expressions shared by the checker's rules: children of a node, the
 * dotted path an expression denotes, the conjuncts of an `and` chain.
 */
import type { Expr } from "../ast.js";

/** The direct sub-expressions of an expression, in source order. */
export function childExpressions(expr: Expr): readonly Expr[] {
  switch (expr.kind) {
    case "ListLiteral":
      return expr.elements;
    case "RecordLiteral":
      return expr.fields.map((f) => f.value);
    case "Member":
      return [expr.object];
    case "Binary":
      return [expr.left, expr.right];
    case "Unary":
      return [expr.operand];
    case "Has":
      return [expr.path];
    case "Call":
      return expr.args;
    case "History":
      return expr.where ? [expr.where] : [];
    case "Paren":
      return [expr.inner];
    default:
      return [];
  }
}

/** Calls `visit` on an expression and every sub-expression, parents first (source order). */
export function walkExpression(expr: Expr, visit: (expr: Expr) => void): void {
  visit(expr);
  for (const child of childExpressions(expr)) walkExpression(child, visit);
}

/** Removes any parentheses around an expression. */
export function unparenthesize(expr: Expr): Expr {
  let current = expr;
  while (current.kind === "Paren") current = current.inner;
  return current;
}

/**
 * The dotted path an expression denotes (`resource.owner.manager`), ignoring parentheses,
 * or undefined when it is not a name followed by field accesses.
 */
export function pathOf(expr: Expr): string | undefined {
  const inner = unparenthesize(expr);
  if (inner.kind === "Identifier") return inner.name.text;
  if (inner.kind === "Member") {
    const object = pathOf(inner.object);
    return object === undefined
      ? undefined
      : `${object}.${inner.property.text}`;
  }
  return undefined;
}

/** The conjuncts of an `and` chain (parentheses see-through), left to right. */
export function conjuncts(expr: Expr): Expr[] {
  const inner = unparenthesize(expr);
  if (inner.kind === "Binary" && inner.operator === "and")
    return [...conjuncts(inner.left), ...conjuncts(inner.right)];
  return [inner];
}
