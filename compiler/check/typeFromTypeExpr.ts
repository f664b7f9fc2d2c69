/**
 * Converts a type as written in a declaration ({@link TypeExpr}) into a checker {@link Type}.
 */
import type { TypeExpr } from "../ast.js";
import {
  errorType,
  primitiveTypeNames,
  type PrimitiveTypeName,
  type Type,
} from "../types.js";

/**
 * The type a {@link TypeExpr} denotes. An unknown type name becomes `error` (KnownTypesRule
 * reports it), so that every use of the field type-checks without cascading errors.
 */
export function typeFromTypeExpr(
  typeExpr: TypeExpr,
  entityNames: ReadonlySet<string>,
): Type {
  switch (typeExpr.kind) {
    case "NamedType": {
      const name = typeExpr.name.text;
      if (isPrimitiveTypeName(name)) return { kind: name };
      return entityNames.has(name) ? { kind: "entity", name } : errorType;
    }
    case "OptionalType": {
      const inner = typeFromTypeExpr(typeExpr.inner, entityNames);
      // `T??` is not writable, but an optional of an optional means the same as one optional.
      return inner.kind === "optional" || inner.kind === "error"
        ? inner
        : { kind: "optional", inner };
    }
    case "ListType":
      return {
        kind: "list",
        element: typeFromTypeExpr(typeExpr.element, entityNames),
      };
    case "RecordType": {
      const fields = new Map<string, Type>();
      for (const field of typeExpr.fields) {
        if (!fields.has(field.name.text))
          fields.set(
            field.name.text,
            typeFromTypeExpr(field.type, entityNames),
          );
      }
      return { kind: "record", fields };
    }
  }
}

/** True for the built-in type names `string number bool time duration sensitivity`. */
export function isPrimitiveTypeName(name: string): name is PrimitiveTypeName {
  return (primitiveTypeNames as readonly string[]).includes(name);
}
