/**
 * `decide`: one check function per rule, separation and monitor (its `when` as top-level
 * conjuncts, so `explain` can report each), one straight-line function per action that
 * runs only that action's checks, and a lookup table from action to function.
 *
 * INVARIANT: on the hot path nothing is allocated unless two rules apply: each rule's
 * verdict, and the decision when it applies alone, are module constants (an array is made
 * only for a second verdict); label ranks are a switch, literal lists module constants,
 * and check functions receive `null` for their trace.
 */
import { namedIdentifier, numberLiteral, stringLiteral } from "../escape.js";
import type { EmitContext } from "./context.js";
import type { DeclInfo } from "./decls.js";
import type { ExpressionEmitter } from "./expr.js";
import { narrowResource } from "./history.js";
import { resourceTypeNames } from "./types.js";

/**
 * Up to this many allowing intents, an action tests the session's intent with `===`, not a
 * Set; up to twice as many actions, `decide` dispatches with a switch, not a Map.
 */
const SMALL_SET = 8;

/** The check functions of every rule, separation and monitor. */
export function emitChecks(context: EmitContext, expressions: ExpressionEmitter, decls: readonly DeclInfo[]): string {
  const { imports } = context;
  const typed = (text: string) => context.typed(text);
  const facts = imports.type("Facts");
  const separations = decls.filter((info) => info.kind === "separate");
  return decls
    .map((info) => {
      const resourceType = narrowResource(context, info.resourceTypes) ?? "Resource";
      const signature = `function ${info.checkFunction}(request${typed(": Request")}, resource${typed(`: ${resourceType}`)}, facts${typed(`: ${facts}`)}, trace${typed(`: ${imports.type("Trace")}`)})${typed(": boolean")}`;
      const span = `// @agp-span ${info.decl.span.start}:${info.decl.span.end}`;
      let body: string;
      if (info.kind === "separate") {
        const index = separations.indexOf(info);
        const key = namedIdentifier("key", info.name);
        const policyRequest = `request${typed(` as unknown as ${imports.type("PolicyRequest")}`)}`;
        body = `return ${imports.value("step")}(trace, ${imports.value("separatedFrom")}(facts.separatedActions(${index}, ${key}(request, resource), ${policyRequest}), request.action));`;
      } else if (info.conditions.length === 0) {
        body = "return true;";
      } else {
        const scope = { request: "request", resource: "resource", event: undefined };
        const step = imports.value("step");
        const steps = info.conditions.map((condition) => `${step}(trace, ${expressions.condition(condition, scope)})`);
        body = `return ${steps.join(" && ")};`;
      }
      return `${span}\n${signature} {\n${body}\n}`;
    })
    .join("\n\n");
}

/** The condition texts of a rule, separation or monitor, as `explain` reports them. */
export function conditionTexts(context: EmitContext, info: DeclInfo): string[] {
  const { decl } = info;
  if (decl.kind === "SeparateDecl") {
    return [`by ${context.policy.source.slice(decl.key.span)}: the same chain already did another of its actions`];
  }
  return info.conditions.map((condition) => context.policy.source.slice(condition.span));
}

/** The intent-scope helpers, the per-action functions, the dispatch table and `decide`. */
export function emitDecide(context: EmitContext, decls: readonly DeclInfo[]): string {
  const { policy, imports } = context;
  const typed = (text: string) => context.typed(text);
  const parts: string[] = [];
  const hasIntents = policy.intents.size > 0;
  if (hasIntents) parts.push(emitIntentScope(context));
  for (const info of decls) {
    if (info.decl.kind !== "MonitorDecl") continue;
    const consequences = info.decl.consequences.map((consequence) => {
      const monitor = `monitor: ${stringLiteral(info.name)}`;
      switch (consequence.kind) {
        case "Revoke":
          return `{ type: "revoke", ${monitor} }`;
        case "Downgrade":
          return `{ type: "downgrade", ${monitor}, actions: [${consequence.actions.map((a) => stringLiteral(a.text)).join(", ")}] }`;
        case "Review":
          return `{ type: "review", ${monitor}, reason: ${stringLiteral(consequence.reason.value)} }`;
        case "Alert":
          return `{ type: "alert", ${monitor}, reason: ${stringLiteral(consequence.reason.value)} }`;
      }
    });
    parts.push(
      `const ${namedIdentifier("consequences", info.name)}${typed(`: readonly ${imports.type("MonitorConsequence")}[]`)} = [${consequences.join(", ")}];`,
    );
  }
  const decision = imports.type("Decision");
  const facts = imports.type("Facts");
  const verdicts = imports.type("Verdicts");
  const allResources = resourceTypeNames(context);
  const table: string[] = [];
  for (const action of policy.actions.values()) {
    const fn = namedIdentifier("decide", action.name);
    table.push(`[${stringLiteral(action.name)}, ${fn}]`);
    const lines: string[] = ["const resource = request.resource;"];
    const actionTypes = action.resourceTypes;
    if (actionTypes.length < allResources.length) {
      const test = actionTypes.map((type) => `resource.type !== ${stringLiteral(type)}`).join(" && ");
      lines.push(
        `if (${test}) return ${imports.value("refusal")}(${imports.value("undeclaredAction")}(request.action, resource.type));`,
      );
    }
    lines.push(`let denied${typed(`: ${verdicts}`)} = null;`);
    if (hasIntents) {
      const intentsSet = namedIdentifier("intents", action.name);
      const allowing = [...policy.intents.values()].filter((i) => i.actions.includes(action.name)).map((i) => stringLiteral(i.name));
      parts.push(`const ${intentsSet}${typed(": ReadonlySet<string>")} = new Set${typed("<string>")}([${allowing.join(", ")}]);`);
      const inScope =
        allowing.length === 0
          ? "false"
          : allowing.length <= SMALL_SET
            ? `(${allowing.map((name) => `request.intent === ${name}`).join(" || ")})`
            : `${intentsSet}.has(request.intent)`;
      lines.push(`try {
  denied = intentScope(request, resource, ${inScope});
} catch (error) {
  return ${imports.value("evaluationFailure")}(request.intent, error);
}`);
    }
    const applying = decls.filter((info) => info.byAction.has(action.name));
    const call = (info: DeclInfo): string => {
      const types = info.byAction.get(action.name) ?? [];
      const invoke = `${info.checkFunction}(request, resource, facts, null)`;
      if (types.length >= actionTypes.length) return invoke;
      return `(${types.map((type) => `resource.type === ${stringLiteral(type)}`).join(" || ")}) && ${invoke}`;
    };
    const addVerdict = imports.value("addVerdict");
    const verdict = (into: "denied" | "allowed", info: DeclInfo): string =>
      `if (${call(info)}) ${into} = ${addVerdict}(${into}, ${namedIdentifier("entry", info.name)});`;
    const denies = applying.filter((info) => info.kind !== "allow").map((info) => verdict("denied", info));
    const allows = applying.filter((info) => info.kind === "allow").map((info) => verdict("allowed", info));
    // INVARIANT: a deny (here: the intent's scope) returns before any allow rule runs.
    if (denies.length === 0) lines.push(`if (denied !== null) return ${imports.value("denyDecision")}(denied);`);
    if (denies.length > 0 || allows.length > 0) {
      if (allows.length > 0) lines.push(`let allowed${typed(`: ${verdicts}`)} = null;`);
      lines.push(`try {
${denies.join("\n")}
${denies.length > 0 ? `if (denied !== null) return ${imports.value("denyDecision")}(denied);` : ""}
${allows.join("\n")}
} catch (error) {
  return ruleFailure(request, facts, error);
}`);
    }
    lines.push(
      allows.length > 0
        ? `return allowed === null ? ${imports.value("defaultDeny")} : ${imports.value("allowDecision")}(allowed);`
        : `return ${imports.value("defaultDeny")};`,
    );
    parts.push(`/** The decision for action \`${action.name}\`: only its own rules run. */
function ${fn}(request${typed(": Request")}, facts${typed(`: ${facts}`)})${typed(`: ${decision}`)} {
${lines.join("\n")}
}`);
  }
  parts.push(`/** The deny for an error while deciding: it names the rule that failed, found by re-running the action's checks. */
function ruleFailure(request${typed(": Request")}, facts${typed(`: ${facts}`)}, error${typed(": unknown")})${typed(`: ${decision}`)} {
  const entries = TRACE_BY_ACTION.get(request.action)?.entries ?? [];
  return ${imports.value("evaluationFailure")}(${imports.value("failingRule")}(entries, request, request.resource, facts) ?? request.action, error);
}`);
  const policyRequest = imports.type("PolicyRequest");
  const undeclared = `${imports.value("refusal")}(${imports.value("undeclaredAction")}(request.action, request.resource.type))`;
  const typedRequest = `request${typed(" as unknown as Request")}`;
  let dispatch: string;
  if (policy.actions.size <= SMALL_SET * 2) {
    // A switch, as one would write by hand: cheaper than a Map for a few actions.
    const cases = [...policy.actions.values()].map(
      (action) => `case ${stringLiteral(action.name)}: return ${namedIdentifier("decide", action.name)}(${typedRequest}, facts);`,
    );
    dispatch = `switch (request.action) {\n${[...cases, `default: return ${undeclared};`].join("\n")}\n}`;
  } else {
    const deciderType = `(request: Request, facts: ${facts}) => ${decision}`;
    parts.push(`/** Each action's decision function: a lookup, not a chain of string comparisons. */
const DECIDE_BY_ACTION${typed(`: ReadonlyMap<string, ${deciderType}>`)} = new Map${typed(`<string, ${deciderType}>`)}([\n${table.join(",\n")}\n]);`);
    dispatch = `const decideAction = DECIDE_BY_ACTION.get(request.action);
  if (decideAction === undefined) return ${undeclared};
  return decideAction(${typedRequest}, facts);`;
  }
  parts.push(`/** The decision of DESIGN.md for a validated request. Pure and synchronous; never throws. */
${context.exportKeyword("decide")}function decide(request${typed(`: ${policyRequest}`)}, facts${typed(`: ${facts}`)})${typed(`: ${decision}`)} {
  try {
    ${dispatch}
  } catch (error) {
    return ${imports.value("refusal")}(${imports.value("errorMessage")}(error));
  }
}`);
  return parts.join("\n\n");
}

/** `intentScope`: the verdict of the session's intent when it refuses a request, or null. */
function emitIntentScope(context: EmitContext): string {
  const { policy, imports } = context;
  const typed = (text: string) => context.typed(text);
  const withMax = [...policy.intents.values()].filter((intent) => intent.max !== undefined);
  const rankLines = resourceTypeNames(context).map((type) => {
    const entity = policy.entities.get(type);
    // `max` reads the `label` field (docs/language.md), not whichever sensitivity field is first.
    const labelType = entity?.fields.get("label");
    const label =
      labelType && (labelType.kind === "sensitivity" || (labelType.kind === "optional" && labelType.inner.kind === "sensitivity"))
        ? (["label", labelType] as const)
        : undefined;
    if (!label) return `if (resource.type === ${stringLiteral(type)}) return -1;`;
    const [field, fieldType] = label;
    const value = `resource[${stringLiteral(field)}]`;
    // INVARIANT: a resource whose optional label is absent counts as above every `max` (fail closed).
    const rank = fieldType.kind === "optional" ? `${value} === undefined ? Infinity : labelRankOf(${value})` : `labelRankOf(${value})`;
    return `if (resource.type === ${stringLiteral(type)}) return ${rank};`;
  });
  const aboveMax = imports.value("aboveIntentMax");
  const cases = withMax.map((intent) => {
    const name = stringLiteral(intent.name);
    const max = intent.max ?? "";
    const rank = numberLiteral(policy.labels.indexOf(max));
    return `case ${name}: return resourceRank(resource) > ${rank} ? ${aboveMax}(${name}, ${stringLiteral(max)}) : null;`;
  });
  const maxCheck =
    withMax.length === 0 ? "return null;" : `switch (request.intent) {\n${[...cases, "default: return null;"].join("\n")}\n}`;
  const verdict = imports.type("Verdict");
  return `/** The rank of a resource's \`label\` (a \`sensitivity\` field); -1 when it has none. */
function resourceRank(resource${typed(": Resource")})${typed(": number")} {
${rankLines.join("\n")}
return -1;
}

/** The verdict of the session's intent refusing this request (action outside it, label above its max), or null. */
function intentScope(request${typed(": Request")}, resource${typed(": Resource")}, inScope${typed(": boolean")})${typed(`: ${verdict} | null`)} {
  if (!inScope) return ${imports.value("outsideIntent")}(request.action, request.intent);
  ${maxCheck}
}`;
}
