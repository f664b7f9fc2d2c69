/**
 * An intent's scope must name declared actions (AGP2004) and, with `max`, a declared
 * sensitivity label (AGP2006), which needs labels to be declared at all (AGP4004).
 */
import { didYouMean } from "../../suggest.js";
import type { CheckContext } from "../context.js";
import { checkActionName } from "./ActionsOnResourceRule.js";

/** Checks the `actions` and `max` of every intent, and warns when a policy that decides declares none (AGP4009). */
export function IntentsRule(ctx: CheckContext): void {
  const decides = ctx.ast.declarations.some((d) => d.kind === "RuleDecl");
  if (decides && !ctx.ast.declarations.some((d) => d.kind === "IntentDecl")) {
    ctx.report("AGP4009", `policy \`${ctx.ast.name.text}\` declares no intent, so the runtime can open no session for it`, ctx.ast.name.span, {
      help: 'every session declares what its agent is for; declare it, e.g. `intent file_expenses "File my expense report" { actions submit }`',
    });
  }
  for (const decl of ctx.ast.declarations) {
    if (decl.kind !== "IntentDecl") continue;
    for (const action of decl.actions) checkActionName(ctx, action);
    const max = decl.max;
    if (!max) continue;
    if (ctx.labels.length === 0) {
      ctx.report(
        "AGP4004",
        `intent \`${decl.name.text}\` has a \`max\` label, but no sensitivity labels are declared`,
        max.span,
        {
          help: "declare them from lowest to highest, e.g. `sensitivity public < internal < secret`",
        },
      );
    } else if (!ctx.labels.includes(max.text)) {
      ctx.report(
        "AGP2006",
        `unknown sensitivity label \`${max.text}\``,
        max.span,
        { help: didYouMean(max.text, ctx.labels) },
      );
    }
  }
}
