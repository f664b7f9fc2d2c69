/**
 * Test helper: an expression as a compact, fully parenthesized S-expression, so tests can
 * assert operator structure in one line: `a and not b == 1` → `(and a (not (== b 1)))`.
 */
import type { Expr } from "../ast.js";

/** The S-expression text of an expression (`Paren` nodes show as `(paren x)`). */
export function exprText(expr: Expr): string {
  switch (expr.kind) {
    case "StringLiteral":
      return JSON.stringify(expr.value);
    case "NumberLiteral":
      return String(expr.value);
    case "BoolLiteral":
      return String(expr.value);
    case "DurationLiteral":
      return `${expr.milliseconds}ms`;
    case "ListLiteral":
      return `[${expr.elements.map(exprText).join(" ")}]`;
    case "RecordLiteral":
      return `${expr.typeName?.text ?? ""}{${expr.fields.map((f) => `${f.name.text}: ${exprText(f.value)}`).join(", ")}}`;
    case "Identifier":
      return expr.name.text;
    case "Member":
      return `${exprText(expr.object)}.${expr.property.text}`;
    case "Binary":
      return `(${expr.operator} ${exprText(expr.left)} ${exprText(expr.right)})`;
    case "Unary":
      return `(${expr.operator} ${exprText(expr.operand)})`;
    case "Has":
      return `(has ${exprText(expr.path)})`;
    case "Call":
      return `${expr.callee.text}(${expr.args.map(exprText).join(", ")})`;
    case "History":
      return `${expr.function}(${expr.source.source}${expr.where ? ` where ${exprText(expr.where)}` : ""}${expr.within ? ` within ${expr.within.milliseconds}ms` : ""})`;
    case "Paren":
      return `(paren ${exprText(expr.inner)})`;
  }
}
