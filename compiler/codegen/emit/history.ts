/**
 * The history a policy reads: `historyQueries` (each `count`/`exists` with its `where`
 * compiled to a function) and `separations` (each with its compiled key), exported so a
 * runtime can maintain them incrementally.
 */
import type { Expr, HistoryExpr } from "../../ast.js";
import { walk } from "../../visitor.js";
import { namedIdentifier, numberLiteral, stringLiteral } from "../escape.js";
import type { EmitContext } from "./context.js";
import type { DeclInfo } from "./decls.js";
import type { ExpressionEmitter } from "./expr.js";
import { resourceTypeNames } from "./types.js";

/** The history query and separation declarations of the module. */
export function emitHistory(
  context: EmitContext,
  expressions: ExpressionEmitter,
  decls: readonly DeclInfo[],
  owners: ReadonlyMap<HistoryExpr, DeclInfo>,
): string {
  const { policy, imports } = context;
  const typed = (text: string) => context.typed(text);
  const parts: string[] = [];
  const queries = policy.historyQueries.map((query, index) => {
    const owner = owners.get(query);
    let where = "null";
    if (query.where) {
      where = namedIdentifier("where", `q${index}`);
      const types = owner?.resourceTypes ?? resourceTypeNames(context);
      const narrowed = narrowResource(context, types);
      const event = narrowed ? `Event & { readonly resource: ${narrowed} }` : "Event";
      const condition = expressions.condition(query.where, {
        request: "request",
        resource: "resource",
        event: "event",
      });
      // INVARIANT: the type guard wraps the whole condition, so an event on a resource of
      // another type is no match even under `not` (docs/language.md, History queries).
      const body = readsEventResourceFields(context, query.where)
        ? `(${types.map((type) => `event.resource.type === ${stringLiteral(type)}`).join(" || ")}) && ${condition}`
        : condition;
      parts.push(`/** \`where\` of history query ${index}. */
function ${where}(input${typed(`: ${imports.type("HistoryEvent")}`)}, policyRequest${typed(`: ${imports.type("PolicyRequest")}`)})${typed(": boolean")} {
  const event = input${typed(` as unknown as ${event}`)};
  const request = policyRequest${typed(" as unknown as Request")};
  const resource = request.resource${narrowed ? typed(` as ${narrowed}`) : ""};
  return ${body};
}`);
    }
    const args = [
      String(index),
      stringLiteral(query.function),
      stringLiteral(query.source.source),
      query.within ? numberLiteral(query.within.milliseconds) : "null",
      where,
      policy.dependsOnRequest(query) ? "true" : "false",
      stringLiteral(policy.source.slice(query.span)),
    ];
    return `${imports.value("historyQuery")}(${args.join(", ")})`;
  });
  parts.push(`/** Every \`count\`/\`exists\` of the policy, numbered as \`Facts.count\` receives them. */
${context.exportKeyword("historyQueries")}const historyQueries${typed(`: readonly ${imports.type("HistoryQuery")}[]`)} = [\n${queries.join(",\n")}\n];`);

  const separations = decls.filter((info) => info.decl.kind === "SeparateDecl");
  const specs = separations.map((info, index) => {
    const decl = info.decl;
    if (decl.kind !== "SeparateDecl") throw new Error("not a separation");
    const keyFunction = namedIdentifier("key", info.name);
    const narrowed = narrowResource(context, info.resourceTypes) ?? "Resource";
    const keyType = policy.typeOf(decl.key);
    const value = expressions.value(decl.key, { request: "request", resource: "resource", event: undefined });
    const key =
      keyType.kind === "entity" || keyType.kind === "entityUnion"
        ? `${imports.value("entityKey")}(${value})`
        : `JSON.stringify([${value}])`;
    parts.push(`/** The key of separation \`${info.name}\`: who counts as the same chain. */
function ${keyFunction}(request${typed(": Request")}, resource${typed(`: ${narrowed}`)})${typed(": string")} {
  return ${key};
}`);
    return `{
  index: ${index},
  name: ${stringLiteral(info.name)},
  actions: [${decl.actions.map((a) => stringLiteral(a.text)).join(", ")}],
  resourceType: ${stringLiteral(decl.resourceType.text)},
  key(policyRequest${typed(`: ${imports.type("PolicyRequest")}`)})${typed(": string")} {
    const request = policyRequest${typed(" as unknown as Request")};
    return ${keyFunction}(request, request.resource${typed(` as ${narrowed}`)});
  },
}`;
  });
  parts.push(`/** Every \`separate\` of the policy, numbered as \`Facts.separatedActions\` receives them. */
${context.exportKeyword("separations")}const separations${typed(`: readonly ${imports.type("SeparationSpec")}[]`)} = [\n${specs.join(",\n")}\n];`);
  return parts.join("\n\n");
}

/**
 * Whether `where` reads a field of `event.resource`: then an event on a resource outside the
 * rule's types cannot match. Comparing `event.resource` itself (by type and id) needs no guard.
 */
function readsEventResourceFields(context: EmitContext, where: Expr): boolean {
  let reads = false;
  walk(where, (node) => {
    if (node.kind === "Member" && isEventResource(context, node.object)) reads = true;
    return !reads;
  });
  return reads;
}

function isEventResource(context: EmitContext, expr: Expr): boolean {
  const member = withoutParens(expr);
  if (member.kind !== "Member" || member.property.text !== "resource") return false;
  const root = withoutParens(member.object);
  if (root.kind !== "Identifier") return false;
  const resolution = context.policy.resolve(root);
  return resolution.kind === "root" && resolution.root === "event";
}

function withoutParens(expr: Expr): Expr {
  let current = expr;
  while (current.kind === "Paren") current = current.inner;
  return current;
}

/** The union of `types` when narrower than all resource types, else undefined. */
export function narrowResource(context: EmitContext, types: readonly string[]): string | undefined {
  const all = resourceTypeNames(context);
  if (types.length === 0 || (types.length === all.length && types.every((t) => all.includes(t)))) return undefined;
  return context.entityUnion(types);
}
