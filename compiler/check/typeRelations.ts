/**
 * How types relate for operators: which values can be compared for equality, which are
 * ordered, what arithmetic yields. Shared by expression typing and the test-file checks.
 */
import type { BinaryOperator } from "../ast.js";
import { errorType, typesEqual, type Type } from "../types.js";

/** The type without its `?`: what a guarded optional holds. */
export function unwrapOptional(type: Type): Type {
  return type.kind === "optional" ? type.inner : type;
}

/** True for types whose values are ordered by `< <= > >=`. */
export function isOrdered(type: Type): boolean {
  return [
    "number",
    "time",
    "duration",
    "sensitivity",
    "string",
    "error",
  ].includes(type.kind);
}

function entityNames(type: Type): readonly string[] | undefined {
  if (type.kind === "entity") return [type.name];
  if (type.kind === "entityUnion") return type.names;
  return undefined;
}

/**
 * True when `==`/`!=` may compare values of these types (optionals already unwrapped):
 * equal types, or entity types that can hold the same entity (`A | B` vs `A`).
 */
export function equalityCompatible(a: Type, b: Type): boolean {
  if (a.kind === "error" || b.kind === "error") return true;
  const aNames = entityNames(a);
  const bNames = entityNames(b);
  if (aNames && bNames) return aNames.some((name) => bNames.includes(name));
  if (a.kind === "list" && b.kind === "list")
    return equalityCompatible(a.element, b.element);
  return typesEqual(a, b);
}

/**
 * The result of `left OP right` for `+ - * /` (LANGUAGE.md): numbers; `time - time:
 * duration`; `time ± duration: time`; `duration ± duration: duration`. Undefined when
 * the operator does not apply; `error` when an operand is already an error.
 */
export function arithmeticResult(
  operator: BinaryOperator,
  left: Type,
  right: Type,
): Type | undefined {
  if (left.kind === "error" || right.kind === "error") return errorType;
  const pair = `${left.kind} ${operator} ${right.kind}`;
  switch (pair) {
    case "number + number":
    case "number - number":
    case "number * number":
    case "number / number":
      return { kind: "number" };
    case "time - time":
      return { kind: "duration" };
    case "time + duration":
    case "time - duration":
    case "duration + time":
      return { kind: "time" };
    case "duration + duration":
    case "duration - duration":
      return { kind: "duration" };
    default:
      return undefined;
  }
}
