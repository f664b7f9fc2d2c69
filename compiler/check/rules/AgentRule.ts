/**
 * Principals are agents: a policy that decides anything needs an `agent` type (AGP4005),
 * and a test session's principal must be an agent fixture (AGP2020).
 */
import type { CheckContext } from "../context.js";
import type { TestCheckContext } from "../testContext.js";

/** Reports a policy with actions or rules but no agent type. */
export function AgentRule(ctx: CheckContext): void {
  const hasAgent = [...ctx.entities.values()].some((e) => e.kind === "agent");
  if (hasAgent) return;
  const decides = ctx.ast.declarations.some(
    (d) =>
      d.kind === "ActionDecl" ||
      d.kind === "RuleDecl" ||
      d.kind === "SeparateDecl" ||
      d.kind === "MonitorDecl",
  );
  if (!decides) return;
  ctx.report(
    "AGP4005",
    `policy \`${ctx.ast.name.text}\` declares no agent type, so no principal can make a request`,
    ctx.ast.name.span,
    {
      help: "declare the AI agents that act, e.g. `agent Assistant { onBehalfOf: User }`",
    },
  );
}

/** Reports a `session` step whose principal is not an agent. */
export function AgentTestRule(ctx: TestCheckContext): void {
  for (const step of ctx.steps()) {
    if (step.kind !== "SessionStep") continue;
    const type = ctx.typeOf(step.principal);
    if (type.kind === "error") continue;
    const entity =
      type.kind === "entity" ? ctx.policy.entities.get(type.name) : undefined;
    if (entity?.kind === "agent") continue;
    const what = entity
      ? `${entity.kind === "resource" ? "a resource" : "an entity"} of type \`${entity.name}\``
      : `a \`${type.kind}\``;
    ctx.report(
      "AGP2020",
      `a session's principal must be an agent, but \`${ctx.source.slice(step.principal.span)}\` is ${what}`,
      step.principal.span,
      {
        help: agentHelp(ctx),
      },
    );
  }
}

function agentHelp(ctx: TestCheckContext): string | undefined {
  const agents = [...ctx.fixtures.values()].filter(
    (f) =>
      f.entityType && ctx.policy.entities.get(f.entityType)?.kind === "agent",
  );
  if (agents.length === 0) return undefined;
  return `use an agent fixture, e.g. ${agents
    .slice(0, 3)
    .map((f) => `\`${f.name}\``)
    .join(" or ")}`;
}
