/**
 * Names agp cannot carry faithfully (AGP2022). Every declared name becomes a key of a plain
 * JavaScript object somewhere: a field in a validated request, an action, intent or label in
 * the compiled module's tables, a type or rule name in its metadata. On such an object,
 * `__proto__` is not a key but the prototype, so a field named so would lose its value and
 * read `Object.prototype` instead. The other names special on objects (`constructor`,
 * `prototype`, `toString`, ...) round-trip as own keys, so only `__proto__` is refused
 * (test/injection checks them all).
 */
import type { FieldDecl, Name, TypeExpr } from "../../ast.js";
import type { CheckContext } from "../context.js";

/** Names no declaration may use: JavaScript treats them specially on every plain object. */
export const reservedNames: ReadonlySet<string> = new Set(["__proto__"]);

/** Reports each declared name (policy, type, field, label, action, intent, rule) that is reserved. */
export function ReservedNamesRule(ctx: CheckContext): void {
  const refuse = (name: Name, what: string): void => {
    if (!reservedNames.has(name.text)) return;
    ctx.report("AGP2022", `\`${name.text}\` cannot be ${what} name`, name.span, {
      help: `JavaScript reserves \`${name.text}\` on every object; choose another name, e.g. \`proto\``,
    });
  };
  refuse(ctx.ast.name, "a policy");
  for (const decl of ctx.ast.declarations) {
    switch (decl.kind) {
      case "SensitivityDecl":
        for (const label of decl.labels) refuse(label, "a sensitivity label");
        break;
      case "EntityDecl":
        refuse(decl.name, "a type");
        fieldNames(decl.fields, refuse);
        break;
      case "ContextDecl":
        fieldNames(decl.fields, refuse);
        break;
      case "ActionDecl":
        for (const action of decl.actions) refuse(action, "an action");
        break;
      case "IntentDecl":
        refuse(decl.name, "an intent");
        break;
      case "RuleDecl":
      case "SeparateDecl":
      case "MonitorDecl":
        refuse(decl.name, "a rule");
        break;
    }
  }
}

function fieldNames(fields: readonly FieldDecl[], refuse: (name: Name, what: string) => void): void {
  for (const field of fields) {
    refuse(field.name, "a field");
    nestedFieldNames(field.type, refuse);
  }
}

function nestedFieldNames(type: TypeExpr, refuse: (name: Name, what: string) => void): void {
  if (type.kind === "RecordType") fieldNames(type.fields, refuse);
  else if (type.kind === "OptionalType") nestedFieldNames(type.inner, refuse);
  else if (type.kind === "ListType") nestedFieldNames(type.element, refuse);
}
