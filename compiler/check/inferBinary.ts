/**
 * Typing of binary operators (LANGUAGE.md): `and`/`or` on bools, `==`/`!=` on values of
 * one type, ordering on ordered types, `in` against a list of the same type, arithmetic on
 * numbers, times and durations. A bare name operand takes its meaning from the other side.
 */
import type { BinaryExpr, Expr } from "../ast.js";
import { boolType, errorType, typeToString, type Type } from "../types.js";
import type { DiagnosticSink } from "./context.js";
import type { ExpressionTyper, ExprScope } from "./ExpressionTyper.js";
import { unparenthesize } from "./paths.js";
import { roots } from "./resolveIdentifier.js";
import {
  arithmeticResult,
  equalityCompatible,
  isOrdered,
  unwrapOptional,
} from "./typeRelations.js";

/** The type of a binary expression; reports operands that do not fit the operator. */
export function inferBinary(
  typer: ExpressionTyper,
  sink: DiagnosticSink,
  expr: BinaryExpr,
  scope: ExprScope,
): Type {
  const op = expr.operator;
  if (op === "and" || op === "or") {
    typer.expectBool(typer.infer(expr.left, scope, boolType), expr.left);
    typer.expectBool(typer.infer(expr.right, scope, boolType), expr.right);
    return boolType;
  }
  if (op === "in") {
    // A bare name on the left (`secret in resource.labels`) takes its meaning from the list.
    let left: Type;
    let right: Type;
    if (isBareName(expr.left, scope) && !isBareName(expr.right, scope)) {
      right = unwrapOptional(typer.infer(expr.right, scope));
      left = unwrapOptional(typer.infer(expr.left, scope, right));
    } else {
      left = unwrapOptional(typer.infer(expr.left, scope));
      right = unwrapOptional(
        typer.infer(expr.right, scope, { kind: "list", element: left }),
      );
    }
    if (right.kind === "error" || right.kind === "emptyList") return boolType;
    if (right.kind !== "list") {
      sink.report(
        "AGP3008",
        `\`in\` needs a list, found \`${typeToString(right)}\``,
        expr.span,
      );
    } else if (!equalityCompatible(left, unwrapOptional(right.element))) {
      sink.report(
        "AGP3008",
        `\`in\` needs a list of \`${typeToString(left)}\`, found \`${typeToString(right)}\``,
        expr.span,
      );
    }
    return boolType;
  }
  let left: Type;
  let right: Type;
  if (isBareName(expr.left, scope) && !isBareName(expr.right, scope)) {
    right = unwrapOptional(typer.infer(expr.right, scope));
    left = unwrapOptional(typer.infer(expr.left, scope, right));
  } else {
    left = unwrapOptional(typer.infer(expr.left, scope));
    right = unwrapOptional(typer.infer(expr.right, scope, left));
  }
  const shown = `\`${typeToString(left)}\` and \`${typeToString(right)}\``;
  switch (op) {
    case "==":
    case "!=":
      if (!equalityCompatible(left, right))
        sink.report("AGP3001", `\`${op}\` cannot compare ${shown}`, expr.span);
      return boolType;
    case "<":
    case "<=":
    case ">":
    case ">=":
      if (!equalityCompatible(left, right)) {
        sink.report("AGP3001", `\`${op}\` cannot compare ${shown}`, expr.span);
      } else if (!isOrdered(left) || !isOrdered(right)) {
        sink.report(
          "AGP3007",
          `values of type \`${typeToString(left)}\` are not ordered`,
          expr.span,
          {
            help: "`<`, `<=`, `>`, `>=` compare numbers, times, durations, sensitivity labels and strings",
          },
        );
      }
      return boolType;
    default: {
      const result = arithmeticResult(op, left, right);
      if (result) return result;
      sink.report("AGP3001", `\`${op}\` cannot combine ${shown}`, expr.span, {
        help: "arithmetic works on numbers, and on times and durations (`time - time`, `time + duration`)",
      });
      return errorType;
    }
  }
}

/** A name that is neither a root nor a fixture: its meaning comes from the other operand. */
function isBareName(expr: Expr, scope: ExprScope): boolean {
  const inner = unparenthesize(expr);
  if (inner.kind === "ListLiteral")
    return inner.elements.every((e) => isBareName(e, scope));
  if (inner.kind !== "Identifier") return false;
  const name = inner.name.text;
  return (
    !(roots as readonly string[]).includes(name) && !scope.fixtures?.has(name)
  );
}
