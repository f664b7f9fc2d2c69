/**
 * `explain`: the decision together with how every rule of the request's action fared. It
 * reuses `decide` for the decision and the same check functions, given a trace array, for
 * each condition's value; it is not on the hot path.
 */
import { namedIdentifier, numberLiteral, stringLiteral } from "../escape.js";
import { decisionReason } from "./metadata.js";
import type { EmitContext } from "./context.js";
import { conditionTexts } from "./decide.js";
import type { DeclInfo } from "./decls.js";

/** The trace entries, the per-action trace table and `explain`. */
export function emitExplain(context: EmitContext, decls: readonly DeclInfo[]): string {
  const { policy, imports } = context;
  const typed = (text: string) => context.typed(text);
  const entryType = imports.type("TraceEntry");
  const parts: string[] = [];
  for (const info of decls) {
    const texts = conditionTexts(context, info).map(stringLiteral);
    const args = [
      stringLiteral(info.name),
      stringLiteral(info.kind),
      `[${info.resourceTypes.map(stringLiteral).join(", ")}]`,
      `[${texts.join(", ")}]`,
      info.checkFunction,
      stringLiteral(decisionReason(info)),
    ];
    const grant = info.decl.kind === "RuleDecl" && info.kind === "allow" ? info.decl.grant : undefined;
    if (info.kind === "allow") args.push(grant ? numberLiteral(grant.milliseconds / 1000) : "defaultGrantSeconds");
    if (info.kind === "monitor") args.push("null", namedIdentifier("consequences", info.name));
    parts.push(`const ${namedIdentifier("entry", info.name)}${typed(`: ${entryType}`)} = ${imports.value("traceEntry")}(${args.join(", ")});`);
  }
  const hasIntents = policy.intents.size > 0;
  const table = [...policy.actions.values()].map((action) => {
    const entries = decls.filter((info) => info.byAction.has(action.name)).map((info) => namedIdentifier("entry", info.name));
    const intents = hasIntents ? namedIdentifier("intents", action.name) : "null";
    return `[${stringLiteral(action.name)}, { intents: ${intents}, entries: [${entries.join(", ")}] }]`;
  });
  const traceType = imports.type("RuleTrace");
  const rowType = `{ readonly intents: ReadonlySet<string> | null; readonly entries: readonly ${entryType}[] }`;
  parts.push(`/** For each action: the intents that allow it and its rules, separations and monitors in source order. */
const TRACE_BY_ACTION${typed(`: ReadonlyMap<string, ${rowType}>`)} = new Map${typed(`<string, ${rowType}>`)}([\n${table.join(",\n")}\n]);`);
  const intentTrace = hasIntents
    ? `
  if (row.intents !== null) {
    let refusedBy${typed(`: ${imports.type("Verdict")} | null`)} = null;
    let error${typed(": string | null")} = null;
    try {
      refusedBy = intentScope(typed, typed.resource, row.intents.has(request.intent));
    } catch (thrown) {
      error = ${imports.value("errorMessage")}(thrown);
    }
    trace.push({
      rule: request.intent,
      kind: "intent",
      applied: refusedBy !== null,
      conditions: [{ text: refusedBy?.reason ?? "the request is outside the intent's actions or max", value: error !== null ? "error" : refusedBy !== null }],
      error,
    });
  }`
    : "";
  parts.push(`/** The decision and, for the request's action, how every rule fared (for \`--explain\` and failing tests). */
${context.exportKeyword("explain")}function explain(
  request${typed(`: ${imports.type("PolicyRequest")}`)},
  facts${typed(`: ${imports.type("Facts")}`)},
)${typed(`: { readonly decision: ${imports.type("Decision")}; readonly trace: readonly ${traceType}[] }`)} {
  const decision = decide(request, facts);
  const row = TRACE_BY_ACTION.get(request.action);
  if (row === undefined || !(actions[request.action] ?? []).includes(request.resource.type)) return { decision, trace: [] };
  const typed = request${typed(" as unknown as Request")};
  const trace${typed(`: ${traceType}[]`)} = [];${intentTrace}
  trace.push(...${imports.value("traceEntries")}(row.entries, typed, request.resource, facts));
  return { decision, trace };
}`);
  return parts.join("\n\n");
}
