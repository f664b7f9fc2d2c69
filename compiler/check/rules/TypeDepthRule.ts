/**
 * Field types may nest at most {@link maxTypeDepth} lists and records inside each other
 * (AGP3014). The compiled module validates requests with zod schemas and types them with
 * TypeScript types mirroring each declared type, and TypeScript gives up on such types a
 * few levels deeper (an optional record 13 levels down is already too deep): the limit
 * makes that an error the author can fix instead of an internal error in the generated code.
 */
import type { FieldDecl, TypeExpr } from "../../ast.js";
import type { CheckContext } from "../context.js";

/** Most lists and records nested inside each other in one field's type. */
export const maxTypeDepth = 10;

/** Reports, once per declaration, the first list or record nested deeper than the limit. */
export function TypeDepthRule(ctx: CheckContext): void {
  for (const decl of ctx.ast.declarations) {
    if (decl.kind !== "EntityDecl" && decl.kind !== "ContextDecl") continue;
    const tooDeep = firstTooDeep(decl.fields, 0);
    if (tooDeep === undefined) continue;
    ctx.report("AGP3014", `type nested too deeply (more than ${maxTypeDepth} lists and records)`, tooDeep.span, {
      help: "declare an entity type for an inner record and refer to it by id, or flatten its fields",
    });
  }
}

function firstTooDeep(fields: readonly FieldDecl[], depth: number): TypeExpr | undefined {
  for (const field of fields) {
    const found = typeTooDeep(field.type, depth);
    if (found !== undefined) return found;
  }
  return undefined;
}

// INVARIANT: the parser's nesting guard (compiler/nesting.ts) bounds how deep this recurses.
function typeTooDeep(type: TypeExpr, depth: number): TypeExpr | undefined {
  switch (type.kind) {
    case "NamedType":
      return undefined;
    case "OptionalType":
      return typeTooDeep(type.inner, depth);
    case "ListType":
      return depth >= maxTypeDepth ? type : typeTooDeep(type.element, depth + 1);
    case "RecordType":
      return depth >= maxTypeDepth ? type : firstTooDeep(type.fields, depth + 1);
  }
}
