/**
 * The types the checker gives to fields and expressions. They are values (not AST nodes):
 * two occurrences of `[string]` are equal by {@link typesEqual}, never by identity.
 */

export type PrimitiveTypeName = "string" | "number" | "bool" | "time" | "duration" | "sensitivity";

export type Type =
  | { readonly kind: PrimitiveTypeName }
  /** A reference to a declared entity, agent or resource type. */
  | { readonly kind: "entity"; readonly name: string }
  /**
   * One of several entity types, e.g. `resource` in a rule whose actions are declared on
   * several resource types. Only fields common to all (with equal types) can be read.
   */
  | { readonly kind: "entityUnion"; readonly names: readonly string[] }
  | { readonly kind: "optional"; readonly inner: Type }
  | { readonly kind: "list"; readonly element: Type }
  /** An inline record; field order is declaration order. */
  | { readonly kind: "record"; readonly fields: ReadonlyMap<string, Type> }
  /** The value of `intent` and of intent names. */
  | { readonly kind: "intent" }
  /** The value of `action`, `event.action` and of action names. */
  | { readonly kind: "action" }
  /** `[]`, whose element type comes from where it is used. */
  | { readonly kind: "emptyList" }
  /** An expression that already has a diagnostic; it fits everywhere, so errors do not cascade. */
  | { readonly kind: "error" };

export const primitiveTypeNames: readonly PrimitiveTypeName[] = [
  "string",
  "number",
  "bool",
  "time",
  "duration",
  "sensitivity",
];

export const stringType: Type = { kind: "string" };
export const numberType: Type = { kind: "number" };
export const boolType: Type = { kind: "bool" };
export const timeType: Type = { kind: "time" };
export const durationType: Type = { kind: "duration" };
export const sensitivityType: Type = { kind: "sensitivity" };
export const intentType: Type = { kind: "intent" };
export const actionType: Type = { kind: "action" };
export const errorType: Type = { kind: "error" };

/** Structural equality of types; `error` equals everything. */
export function typesEqual(a: Type, b: Type): boolean {
  if (a.kind === "error" || b.kind === "error") return true;
  switch (a.kind) {
    case "entity":
      return b.kind === "entity" && a.name === b.name;
    case "entityUnion":
      return b.kind === "entityUnion" && a.names.join("|") === b.names.join("|");
    case "optional":
      return b.kind === "optional" && typesEqual(a.inner, b.inner);
    case "list":
      return (b.kind === "list" && typesEqual(a.element, b.element)) || b.kind === "emptyList";
    case "emptyList":
      return b.kind === "list" || b.kind === "emptyList";
    case "record": {
      if (b.kind !== "record" || a.fields.size !== b.fields.size) return false;
      for (const [name, type] of a.fields) {
        const other = b.fields.get(name);
        if (!other || !typesEqual(type, other)) return false;
      }
      return true;
    }
    default:
      return a.kind === b.kind;
  }
}

/** How a type is written in messages, e.g. `[User]`, `string?`, `{ managed: bool }`. */
export function typeToString(type: Type): string {
  switch (type.kind) {
    case "entity":
      return type.name;
    case "entityUnion":
      return type.names.join(" | ");
    case "optional":
      return `${typeToString(type.inner)}?`;
    case "list":
      return `[${typeToString(type.element)}]`;
    case "emptyList":
      return "[]";
    case "record":
      return `{ ${[...type.fields].map(([n, t]) => `${n}: ${typeToString(t)}`).join(", ")} }`;
    case "error":
      return "<error>";
    default:
      return type.kind;
  }
}
