/**
 * Action names must be declared (AGP2004), `on TYPE` must name a resource type (AGP2015),
 * and a rule, separation or monitor `on TYPE` may only name actions declared on that type (AGP2014).
 */
import type { Name } from "../../ast.js";
import { didYouMean } from "../../suggest.js";
import type { CheckContext } from "../context.js";

/** Checks the actions and resource types of action declarations, rules, separations and monitors. */
export function ActionsOnResourceRule(ctx: CheckContext): void {
  for (const decl of ctx.ast.declarations) {
    switch (decl.kind) {
      case "ActionDecl":
        checkResourceType(ctx, decl.resourceType);
        break;
      case "RuleDecl":
      case "SeparateDecl":
      case "MonitorDecl": {
        const on = decl.resourceType;
        const onIsResource = on !== undefined && checkResourceType(ctx, on);
        const names =
          decl.kind === "SeparateDecl"
            ? decl.actions
            : decl.actions.kind === "ActionList"
              ? decl.actions.actions
              : [];
        for (const name of names) {
          if (!checkActionName(ctx, name) || !on || !onIsResource) continue;
          const declaredOn = ctx.actions.get(name.text)?.resourceTypes ?? [];
          if (!declaredOn.includes(on.text)) {
            ctx.report(
              "AGP2014",
              `action \`${name.text}\` is not declared on \`${on.text}\``,
              name.span,
              {
                help:
                  declaredOn.length > 0
                    ? `it is declared on ${declaredOn.map((t) => `\`${t}\``).join(", ")}`
                    : `declare it with \`action ${name.text} on ${on.text}\``,
              },
            );
          }
        }
        if (decl.kind === "MonitorDecl") {
          for (const consequence of decl.consequences) {
            if (consequence.kind === "Downgrade")
              for (const name of consequence.actions) checkActionName(ctx, name);
          }
        }
        break;
      }
      default:
        break;
    }
  }
}

/** True when the action is declared; reports AGP2004 otherwise. */
export function checkActionName(ctx: CheckContext, name: Name): boolean {
  if (ctx.actions.has(name.text)) return true;
  ctx.report("AGP2004", `unknown action \`${name.text}\``, name.span, {
    help: didYouMean(name.text, ctx.actions.keys()),
  });
  return false;
}

/** True when `name` is a declared resource type; reports AGP2015 for other declared types. */
function checkResourceType(ctx: CheckContext, name: Name): boolean {
  const entity = ctx.entities.get(name.text);
  if (!entity) return false; // KnownTypesRule reports unknown names.
  if (entity.kind === "resource") return true;
  ctx.report(
    "AGP2015",
    `\`${name.text}\` is ${entity.kind === "agent" ? "an agent" : "an entity"} type, not a resource type`,
    name.span,
    {
      help: `actions apply to resources; declare it with \`resource ${name.text} { ... }\``,
    },
  );
  return false;
}
