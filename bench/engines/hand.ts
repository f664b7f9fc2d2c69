/**
 * The benchmark policy as a hand-written TypeScript function: the physical limit. It reads
 * the same validated request as agp's module (entities through the request's lookup) and
 * the same precomputed facts, and returns the same answer: allow or deny, the rules that
 * decided and the grant TTL. A second version returns only allow/deny, for reference.
 * Rules for other actions (the size variants) never apply to the corpus's actions, so the
 * same function serves every variant: hand-written code would switch on the action first.
 */
import type { EntityRef, PolicyRequest } from "../../stdlib/contract.js";
import { entityKey } from "../../stdlib/entities.js";
import { PrecomputedFacts } from "../corpus.js";
import type { HistoryIndex } from "../history-index.js";
import type { Answer, Engine } from "./engine.js";
import { bareAnswer } from "./engine.js";

interface Assistant {
  readonly onBehalfOf: EntityRef;
}
interface Report {
  readonly owner: EntityRef;
  readonly amount: number;
  readonly label: string;
}
interface User {
  readonly manager?: EntityRef;
  readonly department: string;
  readonly approver: boolean;
}
interface Env {
  readonly hour: number;
  readonly country: string;
  readonly device: { readonly managed: boolean };
}

/** The hand-written decision: allow/deny, the rules that decided (source order) and the TTL. */
export interface HandDecision {
  readonly allow: boolean;
  readonly rules: readonly string[];
  readonly ttlSeconds: number | null;
}

const DEFAULT_DENY: HandDecision = { allow: false, rules: [], ttlSeconds: null };

function rankOf(label: string): number {
  switch (label) {
    case "public":
      return 0;
    case "internal":
      return 1;
    case "confidential":
      return 2;
    case "pii":
      return 3;
    case "secret":
      return 4;
    default:
      return -1;
  }
}

function inIntent(intent: string, action: string): boolean {
  switch (intent) {
    case "file_expenses":
      return action === "submit" || action === "read";
    case "review_team":
      return action === "approve" || action === "read";
    case "summarize":
      return action === "read";
    default:
      return false;
  }
}

function sanctioned(country: string): boolean {
  return country === "CU" || country === "IR" || country === "KP" || country === "SY";
}

function same(a: EntityRef | undefined, b: EntityRef): boolean {
  return a !== undefined && a.id === b.id && a.type === b.type;
}

/** The benchmark policy, decided by hand. */
export function handDecide(request: PolicyRequest, facts: PrecomputedFacts): HandDecision {
  const action = request.action;
  if (action !== "submit" && action !== "approve" && action !== "read") return DEFAULT_DENY;
  const resource = request.resource as unknown as Report;
  const env = request.env as unknown as Env;
  const rank = rankOf(resource.label);
  if (rank < 0) return { allow: false, rules: ["error"], ttlSeconds: null };
  let denied: string[] | null = null;
  if (!inIntent(request.intent, action) || (request.intent === "summarize" && rank > 2)) (denied ??= []).push(request.intent);
  if (env.hour < 7 || env.hour >= 20) (denied ??= []).push("night");
  if (action === "read" && rank >= 3 && !env.device.managed) (denied ??= []).push("pii_unmanaged");
  if (sanctioned(env.country)) (denied ??= []).push("sanctioned_country");
  if (facts.recentInSession >= 20) (denied ??= []).push("burst");
  if (action !== "read") {
    for (const granted of facts.chainActions) {
      if (granted !== action) {
        (denied ??= []).push("submit_approve");
        break;
      }
    }
  }
  if (action === "read" && request.intent === "summarize" && rank >= 4) (denied ??= []).push("secrets_while_summarizing");
  if (denied !== null) return { allow: false, rules: denied, ttlSeconds: null };

  const onBehalfOf = (request.principal as unknown as Assistant).onBehalfOf;
  if (action === "submit") {
    return same(resource.owner, onBehalfOf) ? { allow: true, rules: ["file_own"], ttlSeconds: 900 } : DEFAULT_DENY;
  }
  const me = request.entities.get("User", onBehalfOf.id) as unknown as User | undefined;
  const owner = request.entities.get("User", resource.owner.id) as unknown as User | undefined;
  if (me === undefined || owner === undefined) return { allow: false, rules: ["error"], ttlSeconds: null };
  const departmentApprover = me.approver && owner.department === me.department;
  if (action === "approve") {
    return departmentApprover && resource.amount <= 5000
      ? { allow: true, rules: ["approve_reports"], ttlSeconds: 300 }
      : DEFAULT_DENY;
  }
  const ownOrTeam = same(resource.owner, onBehalfOf) || same(owner.manager, onBehalfOf);
  if (ownOrTeam && departmentApprover) return { allow: true, rules: ["read_own", "read_department"], ttlSeconds: 600 };
  if (ownOrTeam) return { allow: true, rules: ["read_own"], ttlSeconds: 1800 };
  if (departmentApprover) return { allow: true, rules: ["read_department"], ttlSeconds: 600 };
  return DEFAULT_DENY;
}

/** The same policy answering only allow or deny, stopping at the first deny. */
export function handAllows(request: PolicyRequest, facts: PrecomputedFacts): boolean {
  const action = request.action;
  const resource = request.resource as unknown as Report;
  const env = request.env as unknown as Env;
  const rank = rankOf(resource.label);
  if (rank < 0 || !inIntent(request.intent, action) || (request.intent === "summarize" && rank > 2)) return false;
  if (env.hour < 7 || env.hour >= 20 || sanctioned(env.country) || facts.recentInSession >= 20) return false;
  if (action === "read" && rank >= 3 && !env.device.managed) return false;
  if (action !== "read") for (const granted of facts.chainActions) if (granted !== action) return false;
  const onBehalfOf = (request.principal as unknown as Assistant).onBehalfOf;
  if (action === "submit") return same(resource.owner, onBehalfOf);
  const me = request.entities.get("User", onBehalfOf.id) as unknown as User | undefined;
  const owner = request.entities.get("User", resource.owner.id) as unknown as User | undefined;
  if (me === undefined || owner === undefined) return false;
  const departmentApprover = me.approver && owner.department === me.department;
  if (action === "approve") return departmentApprover && resource.amount <= 5000;
  return departmentApprover || same(resource.owner, onBehalfOf) || same(owner.manager, onBehalfOf);
}

/** The sorted answer of a hand-written decision. */
export function handAnswer(decision: HandDecision): Answer {
  return { allow: decision.allow, rules: [...decision.rules].sort(), ttlSeconds: decision.ttlSeconds };
}

/** The hand-written function over validated requests and their facts. */
export function handEngine(requests: readonly PolicyRequest[], facts: readonly PrecomputedFacts[]): Engine {
  const n = requests.length;
  return {
    name: "hand-written",
    version: "bench/engines/hand.ts",
    runBatch(start, count) {
      let allowed = 0;
      for (let k = 0, i = start % n; k < count; k++, i = i + 1 === n ? 0 : i + 1) {
        if (handDecide(requests[i] as PolicyRequest, facts[i] as PrecomputedFacts).allow) allowed++;
      }
      return allowed;
    },
    input: (i) => [requests[i], facts[i]],
    answer: (i) => handAnswer(handDecide(requests[i] as PolicyRequest, facts[i] as PrecomputedFacts)),
  };
}

/** The allow/deny-only hand-written function. */
export function handBooleanEngine(requests: readonly PolicyRequest[], facts: readonly PrecomputedFacts[]): Engine {
  const n = requests.length;
  return {
    name: "hand-written (allow/deny only)",
    version: "bench/engines/hand.ts",
    runBatch(start, count) {
      let allowed = 0;
      for (let k = 0, i = start % n; k < count; k++, i = i + 1 === n ? 0 : i + 1) {
        if (handAllows(requests[i] as PolicyRequest, facts[i] as PrecomputedFacts)) allowed++;
      }
      return allowed;
    },
    input: (i) => [requests[i], facts[i]],
    answer: (i) => bareAnswer(handAllows(requests[i] as PolicyRequest, facts[i] as PrecomputedFacts)),
  };
}

/** The window of the benchmark policy's `burst` rule: `count(session within 1m)`. */
const BURST_WINDOW_MS = 60_000;

const NO_ACTIONS: readonly string[] = Object.freeze([]);

/**
 * The hand-written function reading its facts from `index` at decision time, as agp does in
 * the history benchmark: the session's window count for every request, the chain's actions
 * on the report only for the separated actions. It is the baseline that shows how much of
 * the cost at a history length is the index's own, which any engine reading it pays.
 */
export function handIndexedEngine(requests: readonly PolicyRequest[], index: HistoryIndex, name: string): Engine {
  const n = requests.length;
  const decide = (request: PolicyRequest): HandDecision => {
    const onBehalfOf = (request.principal as unknown as Assistant).onBehalfOf;
    const chainActions = request.action === "read" ? NO_ACTIONS : index.chainActions(request.resource.id, entityKey(onBehalfOf));
    return handDecide(request, new PrecomputedFacts(index.countInSession(request.session, request.at, BURST_WINDOW_MS), chainActions));
  };
  return {
    name,
    version: "bench/engines/hand.ts",
    runBatch(start, count) {
      let allowed = 0;
      for (let k = 0, i = start % n; k < count; k++, i = i + 1 === n ? 0 : i + 1) {
        if (decide(requests[i] as PolicyRequest).allow) allowed++;
      }
      return allowed;
    },
    // The index is state both engines read, not an input: warming it would touch it whole.
    input: (i) => [requests[i]],
    answer: (i) => handAnswer(decide(requests[i] as PolicyRequest)),
  };
}
