/**
 * The module's descriptive exports: name, source hash, labels and their ranks, actions,
 * intents, agent types, and the metadata of every rule, separation and monitor.
 */
import { createHash } from "node:crypto";
import type { MonitorDecl, RuleDecl, SeparateDecl } from "../../ast.js";
import { numberLiteral, propertyKey, stringLiteral } from "../escape.js";
import type { EmitContext } from "./context.js";
import type { DeclInfo } from "./decls.js";
import { agentTypeNames } from "./types.js";

/** The grant TTL of an allow rule without `grant` (DESIGN.md: 5 minutes). */
export const defaultGrantSeconds = 300;

const list = (values: readonly string[]): string => `[${values.map(stringLiteral).join(", ")}]`;

/** The metadata declarations of the module. */
export function emitMetadata(context: EmitContext, decls: readonly DeclInfo[]): string {
  const { policy } = context;
  const hash = createHash("sha256").update(policy.source.text, "utf8").digest("hex");
  const parts: string[] = [];
  const exported = (name: string) => context.exportKeyword(name);
  const typed = (text: string) => context.typed(text);
  parts.push(`/** The policy's name (\`policy NAME\`). */\n${exported("policyName")}const policyName${typed(": string")} = ${stringLiteral(policy.name)};`);
  parts.push(
    `/** The sha256 of the policy source this module was compiled from. */\n${exported("sourceHash")}const sourceHash${typed(": string")} = ${stringLiteral(`sha256:${hash}`)};`,
  );
  parts.push(
    `/** The grant TTL, in seconds, of an allow rule without \`grant\`. */\n${exported("defaultGrantSeconds")}const defaultGrantSeconds${typed(": number")} = ${defaultGrantSeconds};`,
  );
  parts.push(`/** The sensitivity labels, lowest first. */\n${exported("labels")}const labels${typed(": readonly string[]")} = ${list(policy.labels)};`);
  const rankCases = policy.labels.map((label, rank) => `case ${stringLiteral(label)}: return ${rank};`);
  // A switch, not a Map: label ranks are read on the hot path and labels are few.
  parts.push(`/** The rank of sensitivity label \`label\`, lowest first; an undeclared one is an evaluation error. */
function labelRankOf(label${typed(": string")})${typed(": number")} {
  switch (label) {
${[...rankCases, `default: return ${context.imports.value("unknownLabel")}(label);`].join("\n")}
  }
}`);
  const actions = [...policy.actions.values()].map((a) => `${propertyKey(a.name)}: ${list(a.resourceTypes)}`);
  parts.push(`/** Each declared action and the resource types it is declared on. */
${exported("actions")}const actions${typed(": Readonly<Record<string, readonly string[]>>")} = {\n${actions.join(",\n")}\n};`);
  const intents = [...policy.intents.values()].map(
    (i) =>
      `${propertyKey(i.name)}: { description: ${stringLiteral(i.description)}, actions: ${list(i.actions)}, max: ${i.max === undefined ? "null" : stringLiteral(i.max)} }`,
  );
  parts.push(`/** Each declared intent and its scope. */
${exported("intents")}const intents${typed(": Readonly<Record<string, { readonly description: string; readonly actions: readonly string[]; readonly max: string | null }>>")} = {\n${intents.join(",\n")}\n};`);
  parts.push(
    `/** The agent types (the principal types). */\n${exported("agentTypes")}const agentTypes${typed(": readonly string[]")} = ${list(agentTypeNames(context))};`,
  );
  parts.push(`/** The policy file, as rule locations name it. */\nconst SOURCE_FILE${typed(": string")} = ${stringLiteral(context.sourcePath)};`);
  const entries = decls.map((info) => ruleMetadata(context, info));
  parts.push(`/** Every rule, separation and monitor, in source order. */
${exported("rules")}const rules${typed(`: readonly ${context.imports.type("RuleMetadata")}[]`)} = [\n${entries.join(",\n")}\n];`);
  return parts.join("\n\n");
}

function ruleMetadata(context: EmitContext, info: DeclInfo): string {
  const { decl } = info;
  const start = context.policy.source.position(decl.span.start);
  const actions = actionsOf(decl);
  const resourceType = decl.resourceType?.text;
  const grant = decl.kind === "RuleDecl" && decl.effect === "allow" && decl.grant ? numberLiteral(decl.grant.milliseconds / 1000) : "null";
  const reason = declaredReason(decl);
  const args = [
    "SOURCE_FILE",
    stringLiteral(info.name),
    stringLiteral(info.kind),
    actions === "*" ? `"*"` : list(actions),
    resourceType === undefined ? "null" : stringLiteral(resourceType),
    reason === undefined ? "null" : stringLiteral(reason),
    grant,
    `[${decl.span.start}, ${decl.span.end}, ${start.line}, ${start.column}]`,
  ];
  return `${context.imports.value("ruleMetadata")}(${args.join(", ")})`;
}

function actionsOf(decl: RuleDecl | SeparateDecl | MonitorDecl): readonly string[] | "*" {
  if (decl.kind === "SeparateDecl") return decl.actions.map((a) => a.text);
  return decl.actions.kind === "AllActions" ? "*" : decl.actions.actions.map((a) => a.text);
}

function declaredReason(decl: RuleDecl | SeparateDecl | MonitorDecl): string | undefined {
  return decl.kind === "MonitorDecl" ? undefined : decl.reason?.value;
}

/** The reason a decision gives when this rule, separation or monitor applies. */
export function decisionReason(info: DeclInfo): string {
  const { decl } = info;
  if (decl.kind === "MonitorDecl") {
    for (const consequence of decl.consequences) {
      if (consequence.kind === "Review" || consequence.kind === "Alert") return consequence.reason.value;
    }
    return `monitor \`${info.name}\` fired`;
  }
  if (decl.reason) return decl.reason.value;
  switch (info.kind) {
    case "allow":
      return `allowed by rule \`${info.name}\``;
    case "separate":
      return `separation \`${info.name}\`: the same chain already did another of its actions on this resource`;
    default:
      return `denied by rule \`${info.name}\``;
  }
}
