/**
 * The interpreter's reading of one language rule (docs/language.md, History queries): a
 * `where` that reads fields of `event.resource` only matches events whose resource has one
 * of the types `event.resource` has there (the rule's resource types).
 */
import type { Expr } from "../../compiler/ast.js";
import type { CheckedPolicy } from "../../compiler/check/model.js";
import { unparen } from "./values.js";

/**
 * The resource types `event.resource` has in `where` when `where` reads one of its fields;
 * undefined when it does not (comparing `event.resource` itself, by type and id, needs no type).
 */
export function eventResourceTypesRead(policy: CheckedPolicy, where: Expr): readonly string[] | undefined {
  const pending: unknown[] = [where];
  while (pending.length > 0) {
    const node = pending.pop();
    if (typeof node !== "object" || node === null) continue;
    if (Array.isArray(node)) {
      pending.push(...(node as unknown[]));
      continue;
    }
    const expr = node as Expr;
    if (expr.kind === "Member") {
      const types = eventResourceTypes(policy, expr.object);
      if (types !== undefined) return types;
    }
    for (const [key, value] of Object.entries(node)) if (key !== "span") pending.push(value);
  }
  return undefined;
}

/** The types of `expr` when it is `event.resource`, else undefined. */
function eventResourceTypes(policy: CheckedPolicy, expr: Expr): readonly string[] | undefined {
  const object = unparen(expr);
  if (object.kind !== "Member" || object.property.text !== "resource") return undefined;
  const root = unparen(object.object);
  if (root.kind !== "Identifier") return undefined;
  const resolution = policy.resolve(root);
  if (resolution.kind !== "root" || resolution.root !== "event") return undefined;
  const type = policy.typeOf(object);
  if (type.kind === "entity") return [type.name];
  return type.kind === "entityUnion" ? type.names : undefined;
}
