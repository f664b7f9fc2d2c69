/**
 * Values of the interpreter (test/differential/interpreter.ts): entities it holds, and the
 * language's equality, written plainly from docs/language.md.
 */
import type { Expr } from "../../compiler/ast.js";
import type { Type } from "../../compiler/types.js";
import type { EntityRecord, EntityRef } from "../../stdlib/contract.js";

/**
 * An entity whose attributes we hold (the request's principal and resource, an event's
 * principal and resource). Other entity values are references, whose attributes come
 * from the current request's entities.
 */
export class Held {
  constructor(readonly record: EntityRecord) {}
}

/** Equality of the language at type `type`: entities by type and id, lists and records by content. */
export function equal(type: Type, a: unknown, b: unknown): boolean {
  const x = a instanceof Held ? a.record : a;
  const y = b instanceof Held ? b.record : b;
  switch (type.kind) {
    case "entity":
    case "entityUnion":
      return sameEntity(x as EntityRef, y as EntityRef);
    case "optional":
      return x === undefined || y === undefined ? x === y : equal(type.inner, x, y);
    case "list": {
      const xs = x as readonly unknown[];
      const ys = y as readonly unknown[];
      return xs.length === ys.length && xs.every((element, index) => equal(type.element, element, ys[index]));
    }
    case "emptyList":
      return (x as readonly unknown[]).length === 0 && (y as readonly unknown[]).length === 0;
    case "record": {
      const xr = x as Readonly<Record<string, unknown>>;
      const yr = y as Readonly<Record<string, unknown>>;
      const own = (record: Readonly<Record<string, unknown>>, name: string) => (Object.hasOwn(record, name) ? record[name] : undefined);
      return [...type.fields].every(([name, fieldType]) => equal(fieldType, own(xr, name), own(yr, name)));
    }
    default:
      return x === y;
  }
}

/** Entities are the same when type and id are. */
export function sameEntity(a: EntityRef, b: EntityRef): boolean {
  return a.type === b.type && a.id === b.id;
}

/** How messages write an entity: `User::"alice"`. */
export function entityText(ref: EntityRef): string {
  return `${ref.type}::${JSON.stringify(ref.id)}`;
}

/** `expr` without its parentheses. */
export function unparen(expr: Expr): Expr {
  return expr.kind === "Paren" ? unparen(expr.inner) : expr;
}

/** `T` for `T?`, else the type itself. */
export function stripOptional(type: Type): Type {
  return type.kind === "optional" ? type.inner : type;
}
