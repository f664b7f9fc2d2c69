/**
 * The TypeScript types of a policy: one interface per entity, agent and resource type,
 * `Env` for the context, the `Label`, `Action` and `Intent` unions, and `Request`/`Event`
 * as generated code reads them.
 */
import { commentText, stringLiteral } from "../escape.js";
import type { EmitContext } from "./context.js";

/** The type declarations of the module. */
export function emitTypes(context: EmitContext): string {
  if (context.target !== "typescript") return "";
  const { policy } = context;
  const parts: string[] = [];
  const union = (values: readonly string[]): string => (values.length === 0 ? "never" : values.map(stringLiteral).join(" | "));
  parts.push(`/** The sensitivity labels, lowest first. */\nexport type Label = ${policy.labels.length === 0 ? "string" : union(policy.labels)};`);
  parts.push(`/** The declared actions. */\nexport type Action = ${union([...policy.actions.keys()])};`);
  parts.push(`/** The declared intents. */\nexport type Intent = ${policy.intents.size === 0 ? "string" : union([...policy.intents.keys()])};`);
  for (const entity of policy.entities.values()) {
    const members = [`readonly type: ${stringLiteral(entity.name)};`, "readonly id: string;"];
    for (const [name, type] of entity.fields) members.push(context.fieldMember(name, type));
    parts.push(
      `/** \`${commentText(entity.kind)} ${commentText(entity.name)}\` */\nexport interface ${context.entityTypeName(entity.name)} {\n${members.join("\n")}\n}`,
    );
  }
  const envMembers = [...policy.context].map(([name, type]) => context.fieldMember(name, type));
  parts.push(`/** The request's \`env\`: the policy's \`context\`. */\nexport interface Env {\n${envMembers.join("\n")}\n}`);
  parts.push(`/** The principal: one of the agent types. */\nexport type Principal = ${principalUnion(context)};`);
  parts.push(`/** The resource: one of the resource types. */\nexport type Resource = ${resourceUnion(context)};`);
  const lookup = context.imports.type("EntityLookup");
  parts.push(`/** A validated request as decisions read it; times are epoch milliseconds. */
export interface Request {
  readonly principal: Principal;
  readonly action: Action;
  readonly resource: Resource;
  readonly intent: Intent;
  readonly session: string;
  readonly at: number;
  readonly env: Env;
  readonly entities: ${lookup};
}`);
  parts.push(`/** A granted request as history conditions read it (\`event\`). */
export interface Event {
  readonly action: Action;
  readonly principal: Principal;
  readonly resource: Resource;
  readonly session: string;
  readonly at: number;
}`);
  return parts.join("\n\n");
}

/** The names of the agent types. */
export function agentTypeNames(context: EmitContext): string[] {
  return [...context.policy.entities.values()].filter((e) => e.kind === "agent").map((e) => e.name);
}

/** The names of the resource types. */
export function resourceTypeNames(context: EmitContext): string[] {
  return [...context.policy.entities.values()].filter((e) => e.kind === "resource").map((e) => e.name);
}

function principalUnion(context: EmitContext): string {
  const names = agentTypeNames(context);
  return names.length === 0 ? "never" : context.entityUnion(names);
}

function resourceUnion(context: EmitContext): string {
  const names = resourceTypeNames(context);
  return names.length === 0 ? "never" : context.entityUnion(names);
}
