/**
 * The seeded corpus of the decision benchmark: employees, their AI assistants and expense
 * reports, and a stream of requests made by assistants in sessions. The requests are
 * engine-neutral; each engine converts them to its own shape before timing. History-derived
 * facts (this session's requests of the last minute, what the chain was already granted on
 * the report) are computed once per request by replaying the stream through a
 * {@link HistoryIndex}, and every engine reads the same precomputed values.
 */
import type { Facts } from "../stdlib/contract.js";
import { entityKey } from "../stdlib/entities.js";
import { HistoryIndex } from "./history-index.js";
import { Prng } from "./prng.js";

/** The sensitivity labels of the benchmark policy, lowest first. */
export const LABELS = ["public", "internal", "confidential", "pii", "secret"] as const;
export type Label = (typeof LABELS)[number];
export type BenchAction = "submit" | "approve" | "read";
export type BenchIntent = "file_expenses" | "review_team" | "summarize";

/** An employee. */
export interface BenchUser {
  readonly id: string;
  readonly managerId: string | null;
  readonly department: string;
  readonly approver: boolean;
}

/** An AI assistant acting for one employee. */
export interface BenchAssistant {
  readonly id: string;
  readonly userId: string;
}

/** An expense report. */
export interface BenchReport {
  readonly id: string;
  readonly ownerId: string;
  readonly amount: number;
  readonly label: Label;
}

/** The request's context (`env`). */
export interface BenchEnv {
  readonly hour: number;
  readonly country: string;
  readonly device: { readonly managed: boolean };
}

/**
 * The history-derived facts of one request, precomputed before timing. Implements agp's
 * {@link Facts} by returning them; other engines read the fields.
 */
export class PrecomputedFacts implements Facts {
  constructor(
    /** Granted requests of this session in the last minute (the request itself excluded). */
    readonly recentInSession: number,
    /** The separated actions (`submit`, `approve`) this chain was granted on this report. */
    readonly chainActions: readonly string[],
  ) {}

  count(): number {
    return this.recentInSession;
  }

  separatedActions(): readonly string[] {
    return this.chainActions;
  }
}

/** One request of the corpus. */
export interface BenchRequest {
  readonly assistant: BenchAssistant;
  readonly action: BenchAction;
  readonly report: BenchReport;
  readonly intent: BenchIntent;
  readonly session: string;
  /** Epoch milliseconds, strictly increasing along the corpus. */
  readonly at: number;
  readonly env: BenchEnv;
  facts: PrecomputedFacts;
}

/** The population and the requests. */
export interface Corpus {
  readonly seed: number;
  readonly users: ReadonlyMap<string, BenchUser>;
  readonly assistants: readonly BenchAssistant[];
  readonly reports: readonly BenchReport[];
  readonly requests: readonly BenchRequest[];
}

/** The sizes of a corpus. */
export interface CorpusShape {
  readonly requests: number;
  readonly users: number;
  readonly departments: number;
  readonly reports: number;
}

const SANCTIONED = ["CU", "IR", "KP", "SY"];
const COUNTRIES = ["FR", "DE", "US", "GB", "ES", "IT"];
const INTENT_ACTIONS: Readonly<Record<BenchIntent, readonly (readonly [BenchAction, number])[]>> = {
  file_expenses: [["submit", 0.55], ["read", 0.45]],
  review_team: [["approve", 0.6], ["read", 0.4]],
  summarize: [["read", 1]],
};
/** When the corpus starts: Monday 2026-01-05, 08:00 UTC. */
export const CORPUS_START = Date.UTC(2026, 0, 5, 8, 0, 0);

/** Generates the corpus for `seed`; facts are filled by {@link replayHistory}. */
export function generateCorpus(seed: number, shape: CorpusShape): Corpus {
  const random = new Prng(seed);
  const users: BenchUser[] = [];
  for (let i = 0; i < shape.users; i++) {
    const department = `dept-${i % shape.departments}`;
    // The first user of each department heads it; others report to an earlier colleague.
    const colleagues = users.filter((user) => user.department === department);
    const managerId = colleagues.length === 0 ? null : random.pick(colleagues).id;
    users.push({ id: `user-${i}`, managerId, department, approver: random.chance(0.3) });
  }
  const assistants = users.flatMap((user) => [0, 1].map((k) => ({ id: `assistant-${user.id}-${k}`, userId: user.id })));
  const reports: BenchReport[] = [];
  for (let i = 0; i < shape.reports; i++) {
    reports.push({
      id: `report-${i}`,
      ownerId: random.pick(users).id,
      amount: random.between(10, 8000),
      label: random.weighted([["public", 20], ["internal", 40], ["confidential", 20], ["pii", 15], ["secret", 5]] as const),
    });
  }
  const byOwner = groupBy(reports, (report) => report.ownerId);
  const userById = new Map(users.map((user) => [user.id, user]));
  const byDepartment = groupBy(reports, (report) => userById.get(report.ownerId)?.department ?? "");
  const directReports = groupBy(users, (user) => user.managerId ?? "");
  const submittedBy = new Map<string, BenchReport[]>();

  const requests: BenchRequest[] = [];
  const sessions = new Map<string, { id: string; intent: BenchIntent }>();
  let sessionCount = 0;
  let assistant = random.pick(assistants);
  let at = CORPUS_START;
  const noFacts = new PrecomputedFacts(0, []);
  for (let i = 0; i < shape.requests; i++) {
    // Assistants work in bursts: most requests continue the previous assistant's session.
    if (!random.chance(0.93)) assistant = random.pick(assistants);
    let session = sessions.get(assistant.id);
    if (!session || random.chance(0.05)) {
      const intent = random.weighted([["file_expenses", 40], ["review_team", 40], ["summarize", 20]] as const);
      session = { id: `session-${sessionCount++}`, intent };
      sessions.set(assistant.id, session);
    }
    const user = userById.get(assistant.userId);
    if (!user) throw new Error(`no user ${assistant.userId}`);
    const action: BenchAction = random.chance(0.1)
      ? random.pick(["submit", "approve", "read"] as const)
      : random.weighted(INTENT_ACTIONS[session.intent]);
    const own = byOwner.get(user.id) ?? [];
    const team = (directReports.get(user.id) ?? []).flatMap((member) => byOwner.get(member.id) ?? []);
    const department = byDepartment.get(user.department) ?? [];
    const submitted = submittedBy.get(user.id) ?? [];
    const choose = (candidates: readonly (readonly [readonly BenchReport[], number])[]): BenchReport => {
      for (const [from, p] of candidates) if (from.length > 0 && random.chance(p)) return random.pick(from);
      return random.pick(reports);
    };
    const report =
      action === "submit"
        ? choose([[own, 0.8]])
        : action === "approve"
          ? choose([[submitted, 0.3], [department, 0.6]])
          : choose([[own, 0.3], [team, 0.3], [department, 0.4]]);
    if (action === "submit") submittedBy.set(user.id, [...submitted, report]);
    at += random.between(100, 4000);
    requests.push({
      assistant,
      action,
      report,
      intent: session.intent,
      session: session.id,
      at,
      env: {
        hour: random.chance(0.85) ? random.between(8, 18) : random.between(0, 23),
        country: random.chance(0.03) ? random.pick(SANCTIONED) : random.pick(COUNTRIES),
        device: { managed: random.chance(0.8) },
      },
      facts: noFacts,
    });
  }
  return { seed, users: userById, assistants, reports, requests };
}

/** The delegation chain's separation key of an assistant, as agp's `entityKey(principal.onBehalfOf)`. */
export function chainKeyOf(assistant: BenchAssistant): string {
  return entityKey({ type: "User", id: assistant.userId });
}

/** The separated actions of the benchmark policy's `submit_approve`. */
export const SEPARATED_ACTIONS: readonly string[] = ["submit", "approve"];

/**
 * Replays the corpus in order: each request's facts are read from the index of the
 * requests granted before it, then `allows(i)` (the reference decision) says whether it is
 * granted and so recorded. Returns the index at the end.
 */
export function replayHistory(corpus: Corpus, allows: (index: number) => boolean): HistoryIndex {
  const index = new HistoryIndex(SEPARATED_ACTIONS);
  corpus.requests.forEach((request, i) => {
    const chainKey = chainKeyOf(request.assistant);
    request.facts = new PrecomputedFacts(
      index.countInSession(request.session, request.at, 60_000),
      [...index.chainActions(request.report.id, chainKey)],
    );
    if (allows(i)) {
      index.record({ session: request.session, at: request.at, action: request.action, resourceId: request.report.id, chainKey });
    }
  });
  return index;
}

/** The users a request's rules may reach: the assistant's human, the report's owner and the owner's manager. */
export function usersOf(corpus: Corpus, request: BenchRequest): BenchUser[] {
  const ids = new Set([request.assistant.userId, request.report.ownerId]);
  const managerId = corpus.users.get(request.report.ownerId)?.managerId;
  if (managerId) ids.add(managerId);
  return [...ids].map((id) => {
    const user = corpus.users.get(id);
    if (!user) throw new Error(`no user ${id}`);
    return user;
  });
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
