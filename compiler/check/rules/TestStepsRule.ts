/**
 * Names in test steps must exist in the policy under test: intents of `session` (AGP2005),
 * actions of `expect` and `downgraded to` (AGP2004), rules of `by` (AGP2013). A request's
 * resource must be a resource on which its action is declared (AGP2015, AGP2014), and an
 * expected grant belongs on `expect allow` (AGP4002) and is positive (AGP4003).
 */
import type { ExpectDecisionStep, Name } from "../../ast.js";
import { didYouMean } from "../../suggest.js";
import { typeToString } from "../../types.js";
import type { TestCheckContext } from "../testContext.js";

/** Checks every step of every case. */
export function TestStepsRule(ctx: TestCheckContext): void {
  const policy = ctx.policy;
  const ruleNames = [
    ...policy.rules,
    ...policy.separations,
    ...policy.monitors,
  ].map((r) => r.name.text);
  // A deny refused by an intent's scope names the intent, so `by` may name intents too.
  const decidingNames = new Set([...ruleNames, ...policy.intents.keys()]);
  for (const step of ctx.steps()) {
    switch (step.kind) {
      case "SessionStep":
        if (!policy.intents.has(step.intent.text)) {
          ctx.report(
            "AGP2005",
            `unknown intent \`${step.intent.text}\``,
            step.intent.span,
            {
              help: didYouMean(step.intent.text, policy.intents.keys()),
            },
          );
        }
        break;
      case "ExpectDecisionStep":
        checkRequest(ctx, step);
        for (const rule of step.by) {
          if (decidingNames.has(rule.text)) continue;
          ctx.report(
            "AGP2013",
            `policy \`${policy.name}\` has no rule \`${rule.text}\``,
            rule.span,
            {
              help: didYouMean(rule.text, decidingNames),
            },
          );
        }
        break;
      case "ExpectStateStep":
        for (const action of step.downgradedTo) checkAction(ctx, action);
        break;
      default:
        break;
    }
  }
}

function checkAction(ctx: TestCheckContext, action: Name): boolean {
  if (ctx.policy.actions.has(action.text)) return true;
  ctx.report("AGP2004", `unknown action \`${action.text}\``, action.span, {
    help: didYouMean(action.text, ctx.policy.actions.keys()),
  });
  return false;
}

function checkRequest(ctx: TestCheckContext, step: ExpectDecisionStep): void {
  const actionKnown = checkAction(ctx, step.action);
  const type = ctx.typeOf(step.resource);
  if (type.kind !== "error") {
    const entity =
      type.kind === "entity" ? ctx.policy.entities.get(type.name) : undefined;
    if (entity?.kind !== "resource") {
      ctx.report(
        "AGP2015",
        `\`${ctx.source.slice(step.resource.span)}\` is a \`${typeToString(type)}\`, not a resource`,
        step.resource.span,
        {
          help: "a request names a resource fixture, e.g. `expect allow read report`",
        },
      );
    } else if (
      actionKnown &&
      !ctx.policy.actions
        .get(step.action.text)
        ?.resourceTypes.includes(entity.name)
    ) {
      ctx.report(
        "AGP2014",
        `action \`${step.action.text}\` is not declared on \`${entity.name}\``,
        step.action.span,
      );
    }
  }
  const grant = step.grant;
  if (!grant) return;
  if (step.effect === "deny") {
    const keyword = ctx.source.text.lastIndexOf("grant", grant.span.start);
    ctx.report(
      "AGP4002",
      "a denied request has no grant",
      {
        start: keyword >= step.span.start ? keyword : grant.span.start,
        end: grant.span.end,
      },
      {
        help: "remove `grant`, or expect `allow`",
      },
    );
  } else if (grant.milliseconds <= 0) {
    ctx.report("AGP4003", "a grant must last longer than zero", grant.span);
  }
}
