/**
 * Warns about an allow rule that can never apply (AGP4001): when intents are declared, a
 * request whose action no intent allows is refused by the intent scope before any allow
 * rule counts, so allowing that action is dead policy, usually a forgotten intent.
 */
import type { CheckContext } from "../context.js";

/** Reports a `*` rule that covers no declared action, and each action of an allow rule that no intent's `actions` contains. */
export function ReachabilityRule(ctx: CheckContext): void {
  for (const rule of ctx.rules) {
    if (rule.actions.kind !== "AllActions" || ctx.coverage(rule).pairs.length > 0) continue;
    const where = rule.resourceType ? ` on \`${rule.resourceType.text}\`` : "";
    ctx.report("AGP4001", `rule \`${rule.name.text}\` can never apply: \`*\` covers no action, since none is declared${where}`, rule.actions.span, {
      help: "declare the actions, e.g. `action read, update on Doc`",
    });
  }
  if (ctx.intents.size === 0) return;
  const allowedByIntent = new Set(
    [...ctx.intents.values()].flatMap((intent) => intent.actions),
  );
  for (const rule of ctx.rules) {
    if (rule.effect !== "allow" || rule.actions.kind !== "ActionList") continue;
    const covered = new Set(
      ctx.coverage(rule).pairs.map((pair) => pair.action),
    );
    for (const action of rule.actions.actions) {
      if (!covered.has(action.text) || allowedByIntent.has(action.text))
        continue;
      ctx.report(
        "AGP4001",
        `allow rule \`${rule.name.text}\` can never apply to \`${action.text}\`: no intent allows it`,
        action.span,
        {
          help: `add \`${action.text}\` to the \`actions\` of an intent`,
        },
      );
    }
  }
}
