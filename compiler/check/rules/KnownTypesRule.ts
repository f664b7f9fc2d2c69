/**
 * Every type name must be declared (AGP2001): in field types, after `on` in actions, rules
 * and separations, and in test record values. The type `sensitivity` needs declared labels
 * (AGP4004).
 */
import type { FieldDecl, Name, TypeExpr } from "../../ast.js";
import { didYouMean } from "../../suggest.js";
import { primitiveTypeNames } from "../../types.js";
import type { CheckContext } from "../context.js";
import { isPrimitiveTypeName } from "../typeFromTypeExpr.js";

/** Reports unknown type names, with the closest declared or built-in names as help. */
export function KnownTypesRule(ctx: CheckContext): void {
  const checkName = (name: Name, entitiesOnly: boolean): void => {
    if (ctx.entities.has(name.text)) return;
    if (!entitiesOnly && isPrimitiveTypeName(name.text)) {
      if (name.text === "sensitivity" && ctx.labels.length === 0) {
        ctx.report(
          "AGP4004",
          "the type `sensitivity` needs labels, but none are declared",
          name.span,
          {
            help: "declare them from lowest to highest, e.g. `sensitivity public < internal < secret`",
          },
        );
      }
      return;
    }
    const candidates = entitiesOnly
      ? [...ctx.entities.keys()]
      : [...primitiveTypeNames, ...ctx.entities.keys()];
    ctx.report("AGP2001", `unknown type \`${name.text}\``, name.span, {
      help: didYouMean(name.text, candidates),
    });
  };
  const checkType = (type: TypeExpr): void => {
    switch (type.kind) {
      case "NamedType":
        return checkName(type.name, false);
      case "OptionalType":
        return checkType(type.inner);
      case "ListType":
        return checkType(type.element);
      case "RecordType":
        return checkFields(type.fields);
    }
  };
  const checkFields = (fields: readonly FieldDecl[]): void => {
    for (const field of fields) checkType(field.type);
  };

  for (const decl of ctx.ast.declarations) {
    switch (decl.kind) {
      case "EntityDecl":
      case "ContextDecl":
        checkFields(decl.fields);
        break;
      case "ActionDecl":
      case "SeparateDecl":
        checkName(decl.resourceType, true);
        break;
      case "RuleDecl":
        if (decl.resourceType) checkName(decl.resourceType, true);
        break;
      default:
        break;
    }
  }
}
