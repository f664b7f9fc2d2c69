/**
 * Why a request was decided as it was, for a failing expectation: the module's own
 * `explain` (what `agp eval --explain` prints) over the same request and the requests the
 * case had granted before it, read by the reference `listFacts`. The runtime stays the
 * source of truth for the decision; this only says which rules applied and why.
 */
import { listFacts } from "../stdlib/list-facts.js";
import type { Decision, PolicyModule, PolicyRequest, RuleTrace } from "../stdlib/contract.js";
import { canonicalJson } from "../runtime/audit.js";

/** The per-rule trace (when the request fits the policy) and notes for the reader. */
export interface RequestExplanation {
  readonly trace: readonly RuleTrace[] | undefined;
  readonly notes: readonly string[];
}

/** Explains `requestJson` given the earlier granted `history`; compares with the runtime's `decision`. */
export function explainRequest(
  module: PolicyModule,
  requestJson: unknown,
  history: readonly unknown[],
  decision: Decision,
): RequestExplanation {
  const request = module.requestSchema.safeParse(requestJson);
  if (!request.success) {
    return { trace: undefined, notes: ["the request does not fit the policy's schema, so no rule was evaluated"] };
  }
  const earlier: PolicyRequest[] = [];
  for (const entry of history) {
    const parsed = module.requestSchema.safeParse(entry);
    if (parsed.success) earlier.push(parsed.data);
  }
  try {
    const explained = module.explain(request.data, listFacts(module, earlier));
    const notes =
      canonicalJson(explained.decision) === canonicalJson(decision)
        ? []
        : [
            `the runtime decided before the rules (session state or downgrade); the rules alone would ${explained.decision.decision}` +
              (explained.decision.rules.length > 0 ? ` by ${explained.decision.rules.map((rule) => `\`${rule}\``).join(", ")}` : ""),
          ];
    return { trace: explained.trace, notes };
  } catch (error) {
    return { trace: undefined, notes: [`the policy could not explain the request: ${error instanceof Error ? error.message : String(error)}`] };
  }
}

/**
 * How to explain a decision the harness returned, computed only when asked for: a hidden
 * property of the decision rather than a WeakMap entry. A WeakMap's table lives in V8's old
 * space, and its entries kept every decision's closure (and through it the case's runtime
 * and history) alive through young-generation collections: about 10 KB a request promoted
 * to old space. Not enumerable, so no copy, comparison or JSON of the decision sees it.
 */
const EXPLAIN: unique symbol = Symbol("agp.explain");

/**
 * A copy of `decision` (a scenario's or `agp/testing`'s) that remembers how to explain it,
 * for failure messages. A copy, because a module returns one shared object for every
 * decision with the same outcome, and each explanation belongs to one request.
 */
export function explainedDecision(decision: Decision, explain: () => RequestExplanation): Decision {
  const own: Decision = { ...decision };
  Object.defineProperty(own, EXPLAIN, { value: explain });
  return Object.freeze(own);
}

/**
 * How the rules fared for a decision the harness returned (as `agp eval --explain`), or
 * undefined for a decision from elsewhere.
 */
export function explanationOf(decision: Decision): RequestExplanation | undefined {
  if (typeof decision !== "object" || decision === null) return undefined;
  const explain = (decision as { readonly [EXPLAIN]?: () => RequestExplanation })[EXPLAIN];
  return typeof explain === "function" ? explain() : undefined;
}
