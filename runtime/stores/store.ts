/**
 * The `Store` interface: everything the runtime remembers (sessions, grants, revocations,
 * history events with their indexes, reviews, the audit log) behind one asynchronous API.
 *
 * The store knows nothing about policies. The runtime turns a policy's history queries and
 * separations into opaque keys (see `facts.ts`); the store keeps three generic structures:
 * - events, numbered by `seq`, each a granted request;
 * - series: a key → a multiset of `(at, seq)`, counted over a time window (Redis: a ZSET);
 * - sets: a key → a set of strings (Redis: a SET).
 *
 * Every method is one round trip and one atomic step, so that a Redis store can implement
 * each with one Lua script (the two `update…` methods, which take a function, with an
 * optimistic WATCH/MULTI loop) and a SQLite store with one transaction. The step that makes
 * separation of duties safe is {@link Store.commitGrant}: it records the grant only if the
 * version of its scope (the resource) is still the one the decision read
 * ({@link FactsReading.version}), an optimistic compare-and-set that holds across
 * processes. Within one process the runtime also serializes requests per resource, so the
 * compare-and-set only fails when another process wrote in between.
 */
import type { EntityRef, HistoryEvent } from "../../stdlib/contract.js";
import type { RedeemFailureReason } from "../errors.js";

/** `Type:id`, the string key of an entity (types are identifiers, so the first `:` splits). */
export type EntityKey = string;

/** What a session may still do. */
export type SessionState =
  | { readonly status: "active" }
  | { readonly status: "downgraded"; readonly actions: readonly string[] }
  | { readonly status: "suspended"; readonly review: string; readonly resume: ResumableState }
  | { readonly status: "ended"; readonly reason: string };

/** The states a suspended session returns to when its review is approved. */
export type ResumableState = Extract<SessionState, { status: "active" | "downgraded" }>;

/** A session as stored. `principal` is the JSON the session was opened with. */
export interface SessionRecord {
  readonly id: string;
  readonly principal: Readonly<Record<string, unknown>>;
  readonly principalKey: EntityKey;
  /** The human (or other principal) the agent acts for, from its `onBehalfOf`. */
  readonly onBehalfOf: EntityRef | null;
  readonly intent: string;
  readonly openedAt: number;
  readonly state: SessionState;
  /** True when the session was revoked (by `revoke({ session })`), not merely ended. */
  readonly revoked: boolean;
}

/** A grant as stored; the token itself is never stored. */
export interface GrantRecord {
  readonly id: string;
  readonly session: string;
  readonly principal: EntityRef;
  readonly onBehalfOf: EntityRef | null;
  readonly action: string;
  readonly resource: EntityRef;
  readonly audience: string;
  /** `sourceHash` of the policy that decided it. */
  readonly policy: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly revokedAt: number | null;
  readonly revokedBy: string | null;
  readonly uses: number;
  readonly lastUsedAt: number | null;
}

/**
 * A copy of `grant` with its revocation or use changed. Spelled out field by field: in V8
 * (Node 20) a spread followed by more fields (`{ ...grant, uses }`) builds a new hidden
 * class on every call and costs microseconds; a literal costs nanoseconds.
 */
export function updatedGrant(
  grant: GrantRecord,
  change: { readonly revokedAt: number; readonly revokedBy: string } | { readonly uses: number; readonly lastUsedAt: number },
): GrantRecord {
  const revoked = "revokedAt" in change;
  return {
    id: grant.id,
    session: grant.session,
    principal: grant.principal,
    onBehalfOf: grant.onBehalfOf,
    action: grant.action,
    resource: grant.resource,
    audience: grant.audience,
    policy: grant.policy,
    issuedAt: grant.issuedAt,
    expiresAt: grant.expiresAt,
    revokedAt: revoked ? change.revokedAt : grant.revokedAt,
    revokedBy: revoked ? change.revokedBy : grant.revokedBy,
    uses: revoked ? grant.uses : change.uses,
    lastUsedAt: revoked ? grant.lastUsedAt : change.lastUsedAt,
  };
}

/** A granted request, the unit of history. */
export interface EventRecord {
  /** Assigned by the store, increasing from 1 in commit order. */
  readonly seq: number;
  readonly grant: string;
  readonly at: number;
  /** The event as history queries see it. */
  readonly event: HistoryEvent;
  /** The JSON request that was granted, so indexes can be rebuilt for another policy version. */
  readonly request: unknown;
}

/** An event as {@link Store.readEvents} returns it: with the policy version that committed it. */
export interface CommittedEvent extends EventRecord {
  /** The `policy` (sourceHash) of its grant: the version whose indexes its commit filled. */
  readonly policy: string;
}

/** A member of a set, added when an event is indexed. */
export interface SetEntry {
  readonly key: string;
  readonly member: string;
}

/** The index entries of one event: the series it counts in and the set members it adds. */
export interface IndexEntries {
  readonly series: readonly string[];
  readonly sets: readonly SetEntry[];
}

/** Everything a decision reads from history, fetched in one round trip. */
export interface FactsPlan {
  /** The scope (resource key) whose version the later {@link GrantCommit} must match. */
  readonly scope: string;
  /** Upper bound (inclusive) of every window: the request's time. */
  readonly at: number;
  /** Series to count in `(fromExclusive, at]`; `fromExclusive: null` means from the start. */
  readonly counts: readonly { readonly series: string; readonly fromExclusive: number | null }[];
  /** Series whose events to return in `(fromExclusive, at]`, for conditions that read the request. */
  readonly scans: readonly { readonly series: string; readonly fromExclusive: number | null }[];
  readonly sets: readonly string[];
}

/** The answer to a {@link FactsPlan}, position by position. */
export interface FactsReading {
  readonly version: number;
  /** The `seq` of the last event recorded when the facts were read (0 for none). */
  readonly lastSeq: number;
  readonly counts: readonly number[];
  readonly scans: readonly (readonly EventRecord[])[];
  readonly sets: readonly (readonly string[])[];
}

/** A grant to record atomically with its history event and the event's index entries. */
export interface GrantCommit {
  readonly grant: GrantRecord;
  readonly event: Omit<EventRecord, "seq">;
  readonly index: IndexEntries;
  readonly scope: string;
  /** The scope version the decision read; the commit fails when it moved. */
  readonly expectedVersion: number;
}

/** The outcome of {@link Store.commitGrant}. */
export type CommitResult = { readonly ok: true; readonly seq: number } | { readonly ok: false; readonly reason: "conflict" };

/** What `redeem` needs to know about a grant, read in one round trip. */
export interface RedeemContext {
  readonly grant: GrantRecord | undefined;
  readonly session: SessionRecord | undefined;
  readonly principalRevoked: boolean;
}

/** Why a stored grant may not be used now, as redeem names it. */
export interface StoredRefusal {
  readonly reason: RedeemFailureReason;
  readonly message: string;
}

/**
 * Why the store's state refuses a use of `grant` now (it is revoked, its principal is, or its
 * session is revoked, ended or suspended), or null when it may be used. Token checks
 * (signature, expiry, action, resource) are the runtime's.
 */
export function storedRefusal(grant: GrantRecord, { session, principalRevoked }: RedeemContext): StoredRefusal | null {
  if (grant.revokedAt !== null) return { reason: "grant_revoked", message: `grant \`${grant.id}\` was revoked by ${grant.revokedBy ?? "an operator"}` };
  if (principalRevoked) return { reason: "principal_revoked", message: `principal \`${entityKey(grant.principal)}\` was revoked` };
  if (!session || session.revoked) return { reason: "session_revoked", message: `session \`${grant.session}\` was revoked` };
  if (session.state.status === "ended") return { reason: "session_ended", message: `session \`${session.id}\` ended: ${session.state.reason}` };
  if (session.state.status === "suspended") {
    return { reason: "session_suspended", message: `session \`${session.id}\` is suspended pending review \`${session.state.review}\`` };
  }
  return null;
}

/** Whether the grant of `context` exists and may be used now ({@link storedRefusal}); stores check it inside {@link Store.recordUse}'s atomic step. */
export function usable(context: RedeemContext): boolean {
  return context.grant !== undefined && storedRefusal(context.grant, context) === null;
}

/** A human review of a suspended session. */
export interface ReviewRecord {
  readonly id: string;
  readonly session: string;
  readonly principal: EntityKey;
  readonly monitors: readonly string[];
  readonly reasons: readonly string[];
  readonly createdAt: number;
  readonly status: "pending" | "approved" | "rejected";
  readonly resolvedBy: string | null;
  readonly note: string | null;
  readonly resolvedAt: number | null;
}

/** An audit entry before the store chains it. `data` must be JSON. */
export interface AuditDraft {
  readonly at: number;
  readonly type: AuditEntryType;
  readonly data: Readonly<Record<string, unknown>>;
}

/** The kinds of audit entries. */
export type AuditEntryType =
  | "policy_loaded"
  | "session_opened"
  | "decision"
  | "grant"
  | "redeem"
  | "refusal"
  | "revocation"
  | "consequence"
  | "review_resolved"
  | "session_ended";

/** A chained audit entry: `hash = sha256(prev + canonicalJson({ seq, at, type, data }))`. */
export interface AuditEntry extends AuditDraft {
  readonly seq: number;
  readonly prev: string;
  readonly hash: string;
  /**
   * Set by a store whose stored form of the entry is not what it wrote (its data no longer
   * JSON, or text edited so that it reads differently to other tools, such as a repeated key):
   * `verify` reports the entry as changed, whatever its hash.
   */
  readonly damage?: string;
}

/**
 * The record an `update…` method stores for `change` of `current`, or null to leave it as
 * it is; throws when the change gave the record another id.
 */
export function changedRecord<T extends { readonly id: string }>(kind: string, current: T, change: (current: T) => T | undefined): T | null {
  const next = change(current);
  if (next === undefined) return null;
  if (next.id !== current.id) throw new Error(`a change of ${kind} \`${current.id}\` returned ${kind} \`${next.id}\``);
  return next;
}

/** Filters for listing grants (CLI `agp grants list`). */
export interface GrantFilter {
  readonly session?: string;
  readonly principal?: EntityKey;
  /** Only grants live at this time: not revoked and not expired. */
  readonly liveAt?: number;
}

/** The storage behind a runtime. All methods are atomic; see the module comment. */
export interface Store {
  /** `memory`, `sqlite`, `redis`: for messages and benchmarks. */
  readonly kind: string;

  saveSession(session: SessionRecord): Promise<void>;
  /**
   * Changes a session in one atomic step: `change` gets the stored record and returns the
   * record to store instead, or undefined to leave it. No other write to the session comes
   * in between (the memory store calls `change` synchronously, SQLite inside one IMMEDIATE
   * transaction, a Redis store in a WATCH/MULTI loop that may call it again), so `change`
   * must be synchronous and depend only on its argument. Resolves to the record as stored
   * afterwards, or undefined for an unknown session.
   */
  updateSession(id: string, change: (current: SessionRecord) => SessionRecord | undefined): Promise<SessionRecord | undefined>;
  getSession(id: string): Promise<SessionRecord | undefined>;
  sessionsOfPrincipal(principal: EntityKey): Promise<readonly SessionRecord[]>;

  /** Reads a decision's facts and the scope's version in one atomic step. */
  readFacts(plan: FactsPlan): Promise<FactsReading>;
  /**
   * Records a grant, its event and the event's index entries, and bumps the scope's version,
   * only if the version is still `expectedVersion`; all or nothing.
   */
  commitGrant(commit: GrantCommit): Promise<CommitResult>;
  /** Adds index entries to an already recorded event (rebuilding indexes); idempotent per `seq`. */
  addIndexEntries(entries: readonly { readonly seq: number; readonly at: number; readonly index: IndexEntries }[]): Promise<void>;
  /** Events with `seq > afterSeq`, in order, at most `limit`. */
  readEvents(afterSeq: number, limit: number): Promise<readonly CommittedEvent[]>;

  getGrant(id: string): Promise<GrantRecord | undefined>;
  listGrants(filter: GrantFilter): Promise<readonly GrantRecord[]>;
  /** Marks a live grant revoked; returns false when unknown or already revoked. */
  revokeGrant(id: string, at: number, by: string): Promise<boolean>;
  /**
   * Revokes every grant of a session not revoked yet, at `at`; returns their ids. Expired
   * grants too: a token is still accepted for a few seconds past its expiry (the clock-skew
   * allowance), and a revoked one never is.
   */
  revokeSessionGrants(session: string, at: number, by: string): Promise<readonly string[]>;
  revokePrincipal(principal: EntityKey, at: number, by: string): Promise<void>;
  isPrincipalRevoked(principal: EntityKey): Promise<boolean>;
  redeemContext(grantId: string): Promise<RedeemContext>;
  /**
   * Counts one use of a grant (a redeem) in one atomic step with checking that it is still
   * {@link usable} (the grant, its session and its principal not revoked, the session neither
   * ended nor suspended); false, and nothing counted, when it is not, so a redeem racing a
   * revocation or a monitor is refused.
   */
  recordUse(grantId: string, at: number): Promise<boolean>;

  saveReview(review: ReviewRecord): Promise<void>;
  /** Changes a review in one atomic step, as {@link Store.updateSession} does a session. */
  updateReview(id: string, change: (current: ReviewRecord) => ReviewRecord | undefined): Promise<ReviewRecord | undefined>;
  getReview(id: string): Promise<ReviewRecord | undefined>;
  pendingReviews(): Promise<readonly ReviewRecord[]>;

  /** Appends to the audit log, chaining the entry to the last one atomically. */
  appendAudit(draft: AuditDraft): Promise<AuditEntry>;
  /** Entries with `seq > afterSeq`, in order, at most `limit`. */
  readAudit(afterSeq: number, limit: number): Promise<readonly AuditEntry[]>;
  /** The last `n` entries, oldest first. */
  auditTail(n: number): Promise<readonly AuditEntry[]>;
  /** The last entry's seq and hash as recorded apart from the entries (detects a cut tail). */
  auditHead(): Promise<{ readonly seq: number; readonly hash: string }>;

  /** Small named values the runtime keeps (how far a policy version's indexes are built). */
  getMarker(name: string): Promise<number | undefined>;
  setMarker(name: string, value: number): Promise<void>;

  close(): Promise<void>;
}

/** The key of an entity reference. */
export function entityKey(ref: EntityRef): EntityKey {
  return `${ref.type}:${ref.id}`;
}
