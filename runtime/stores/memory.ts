/**
 * The in-memory store, the runtime's default: every method runs synchronously inside one
 * call, so each is trivially atomic in a single Node process. Series are sorted arrays
 * counted by a search from their recent end, so a windowed count costs O(log k) for the k
 * events in its window, whatever the history length.
 */
import type { HistoryEvent } from "../../stdlib/contract.js";
import { chainEntry, GENESIS_HASH } from "../audit.js";
import { upperBound } from "./sorted.js";
import type {
  AuditDraft,
  AuditEntry,
  CommitResult,
  CommittedEvent,
  EntityKey,
  EventRecord,
  FactsPlan,
  FactsReading,
  GrantCommit,
  GrantFilter,
  GrantRecord,
  IndexEntries,
  RedeemContext,
  ReviewRecord,
  SessionRecord,
  Store,
} from "./store.js";
import { changedRecord, entityKey, updatedGrant, usable } from "./store.js";

/** A sorted multiset of `(at, seq)`, idempotent per seq. */
class Series {
  // INVARIANT: `ats` is sorted ascending and `seqs[i]` is the event at `ats[i]`; each seq is
  // in the series at most once, and `maxSeq` is the largest of them.
  readonly ats: number[] = [];
  readonly seqs: number[] = [];
  private maxSeq = 0;

  /** Adds event `seq` at time `at`; adding an event already in the series changes nothing. */
  add(at: number, seq: number): void {
    const last = this.ats[this.ats.length - 1];
    // Grants commit in seq order, so this is nearly always a push: a seq above every one
    // seen cannot be a duplicate (no per-event Set, which cost more memory than the series).
    if (seq > this.maxSeq && (last === undefined || last <= at)) {
      this.ats.push(at);
      this.seqs.push(seq);
      this.maxSeq = seq;
      return;
    }
    const position = upperBound(this.ats, at);
    // An event's time never changes, so a duplicate sits among the entries at `at`.
    for (let i = position - 1; i >= 0 && this.ats[i] === at; i--) if (this.seqs[i] === seq) return;
    this.ats.splice(position, 0, at);
    this.seqs.splice(position, 0, seq);
    if (seq > this.maxSeq) this.maxSeq = seq;
  }

  /** Positions of the entries in `(fromExclusive, toInclusive]`. */
  range(fromExclusive: number | null, toInclusive: number): [number, number] {
    const start = fromExclusive === null ? 0 : upperBound(this.ats, fromExclusive);
    return [start, Math.max(start, upperBound(this.ats, toInclusive))];
  }
}

/** The in-memory {@link Store}; see {@link memoryStore}. */
export class MemoryStore implements Store {
  readonly kind = "memory";
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly sessionsByPrincipal = new Map<EntityKey, Set<string>>();
  private readonly grants = new Map<string, GrantRecord>();
  private readonly grantsBySession = new Map<string, Set<string>>();
  private readonly revokedPrincipals = new Set<EntityKey>();
  private readonly events: StoredEvent[] = [];
  private readonly series = new Map<string, Series>();
  private readonly sets = new Map<string, Set<string>>();
  private readonly versions = new Map<string, number>();
  private readonly reviews = new Map<string, ReviewRecord>();
  private readonly markers = new Map<string, number>();
  private readonly audit: AuditEntry[] = [];
  private head: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH };

  /** The live audit array, for tests that simulate an attacker editing the log. */
  get rawAuditLog(): AuditEntry[] {
    return this.audit;
  }

  async saveSession(session: SessionRecord): Promise<void> {
    this.putSession(session);
  }

  async updateSession(id: string, change: (current: SessionRecord) => SessionRecord | undefined): Promise<SessionRecord | undefined> {
    const current = this.sessions.get(id);
    const next = current && changedRecord("session", current, change);
    return next ? this.putSession(next) : current;
  }

  async getSession(id: string): Promise<SessionRecord | undefined> {
    return this.sessions.get(id);
  }

  async sessionsOfPrincipal(principal: EntityKey): Promise<readonly SessionRecord[]> {
    const ids = this.sessionsByPrincipal.get(principal) ?? new Set<string>();
    return [...ids].flatMap((id) => this.sessions.get(id) ?? []);
  }

  async readFacts(plan: FactsPlan): Promise<FactsReading> {
    const counts = plan.counts.map(({ series, fromExclusive }) => {
      const found = this.series.get(series);
      if (!found) return 0;
      const [start, end] = found.range(fromExclusive, plan.at);
      return end - start;
    });
    const scans = plan.scans.map(({ series, fromExclusive }) => {
      const found = this.series.get(series);
      if (!found) return [];
      const [start, end] = found.range(fromExclusive, plan.at);
      return found.seqs.slice(start, end).flatMap((seq) => this.events[seq - 1] ?? []);
    });
    const sets = plan.sets.map((key) => [...(this.sets.get(key) ?? [])]);
    return { version: this.versions.get(plan.scope) ?? 0, lastSeq: this.events.length, counts, scans, sets };
  }

  async commitGrant(commit: GrantCommit): Promise<CommitResult> {
    const version = this.versions.get(commit.scope) ?? 0;
    if (version !== commit.expectedVersion) return { ok: false, reason: "conflict" };
    const seq = this.events.length + 1;
    const { grant, at, event, request } = commit.event;
    this.events.push(new StoredEvent(seq, grant, at, event, commit.grant.policy, JSON.stringify(request)));
    this.putGrant(commit.grant);
    this.index(seq, commit.event.at, commit.index);
    this.versions.set(commit.scope, version + 1);
    return { ok: true, seq };
  }

  async addIndexEntries(entries: readonly { seq: number; at: number; index: IndexEntries }[]): Promise<void> {
    for (const { seq, at, index } of entries) this.index(seq, at, index);
  }

  async readEvents(afterSeq: number, limit: number): Promise<readonly CommittedEvent[]> {
    return this.events.slice(afterSeq, afterSeq + limit).map((event) => event.withRequest());
  }

  async getGrant(id: string): Promise<GrantRecord | undefined> {
    return this.grants.get(id);
  }

  async listGrants(filter: GrantFilter): Promise<readonly GrantRecord[]> {
    const candidates =
      filter.session === undefined
        ? [...this.grants.values()]
        : [...(this.grantsBySession.get(filter.session) ?? [])].flatMap((id) => this.grants.get(id) ?? []);
    return candidates.filter(
      (grant) =>
        (filter.principal === undefined || entityKey(grant.principal) === filter.principal) &&
        (filter.liveAt === undefined || (grant.revokedAt === null && grant.expiresAt > filter.liveAt)),
    );
  }

  async revokeGrant(id: string, at: number, by: string): Promise<boolean> {
    const grant = this.grants.get(id);
    if (!grant || grant.revokedAt !== null) return false;
    this.grants.set(id, updatedGrant(grant, { revokedAt: at, revokedBy: by }));
    return true;
  }

  async revokeSessionGrants(session: string, at: number, by: string): Promise<readonly string[]> {
    const revoked: string[] = [];
    for (const id of this.grantsBySession.get(session) ?? []) {
      const grant = this.grants.get(id);
      if (!grant || grant.revokedAt !== null) continue;
      this.grants.set(id, updatedGrant(grant, { revokedAt: at, revokedBy: by }));
      revoked.push(id);
    }
    return revoked;
  }

  async revokePrincipal(principal: EntityKey): Promise<void> {
    this.revokedPrincipals.add(principal);
  }

  async isPrincipalRevoked(principal: EntityKey): Promise<boolean> {
    return this.revokedPrincipals.has(principal);
  }

  async redeemContext(grantId: string): Promise<RedeemContext> {
    return this.contextOf(grantId);
  }

  async recordUse(grantId: string, at: number): Promise<boolean> {
    // Read, checked and written synchronously: nothing runs in between.
    const context = this.contextOf(grantId);
    if (!context.grant || !usable(context)) return false;
    this.grants.set(grantId, updatedGrant(context.grant, { uses: context.grant.uses + 1, lastUsedAt: at }));
    return true;
  }

  async saveReview(review: ReviewRecord): Promise<void> {
    this.reviews.set(review.id, frozen(review));
  }

  async updateReview(id: string, change: (current: ReviewRecord) => ReviewRecord | undefined): Promise<ReviewRecord | undefined> {
    const current = this.reviews.get(id);
    const next = current && changedRecord("review", current, change);
    if (next) this.reviews.set(id, frozen(next));
    return next || current;
  }

  async getReview(id: string): Promise<ReviewRecord | undefined> {
    return this.reviews.get(id);
  }

  async pendingReviews(): Promise<readonly ReviewRecord[]> {
    return [...this.reviews.values()].filter((review) => review.status === "pending");
  }

  async appendAudit(draft: AuditDraft): Promise<AuditEntry> {
    const entry = chainEntry(this.head.seq === 0 ? null : this.head, draft);
    this.audit.push(entry);
    this.head = { seq: entry.seq, hash: entry.hash };
    return entry;
  }

  async readAudit(afterSeq: number, limit: number): Promise<readonly AuditEntry[]> {
    // Entries are looked up by seq, not position, so a removed entry shows as a gap.
    let low = 0;
    let high = this.audit.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.audit[middle]?.seq ?? 0) <= afterSeq) low = middle + 1;
      else high = middle;
    }
    return this.audit.slice(low, low + limit);
  }

  async auditTail(n: number): Promise<readonly AuditEntry[]> {
    return n <= 0 ? [] : this.audit.slice(-n);
  }

  async auditHead(): Promise<{ seq: number; hash: string }> {
    return this.head;
  }

  async getMarker(name: string): Promise<number | undefined> {
    return this.markers.get(name);
  }

  async setMarker(name: string, value: number): Promise<void> {
    this.markers.set(name, value);
  }

  async close(): Promise<void> {}

  private contextOf(grantId: string): RedeemContext {
    const grant = this.grants.get(grantId);
    const session = grant && this.sessions.get(grant.session);
    const principalRevoked = grant !== undefined && this.revokedPrincipals.has(entityKey(grant.principal));
    return { grant, session, principalRevoked };
  }

  private putSession(session: SessionRecord): SessionRecord {
    this.sessions.set(session.id, frozen(session));
    let ids = this.sessionsByPrincipal.get(session.principalKey);
    if (!ids) this.sessionsByPrincipal.set(session.principalKey, (ids = new Set()));
    ids.add(session.id);
    return session;
  }

  private putGrant(grant: GrantRecord): void {
    // Frozen field by field (a grant's three references), not walked: this runs per request.
    Object.freeze(grant.principal);
    Object.freeze(grant.resource);
    if (grant.onBehalfOf) Object.freeze(grant.onBehalfOf);
    this.grants.set(grant.id, Object.freeze(grant));
    let ids = this.grantsBySession.get(grant.session);
    if (!ids) this.grantsBySession.set(grant.session, (ids = new Set()));
    ids.add(grant.id);
  }

  private index(seq: number, at: number, index: IndexEntries): void {
    for (const key of index.series) {
      let series = this.series.get(key);
      if (!series) this.series.set(key, (series = new Series()));
      series.add(at, seq);
    }
    for (const { key, member } of index.sets) {
      let set = this.sets.get(key);
      if (!set) this.sets.set(key, (set = new Set()));
      set.add(member);
    }
  }
}

/** A fresh in-memory store: the default, for tests, `agp test` and single-process services. */
export function memoryStore(): MemoryStore {
  return new MemoryStore();
}

/**
 * An event that keeps its request as JSON text, as SQLite does: the request holds the
 * caller's objects, which may change after the call. Only index rebuilds read it, so it is
 * parsed when read (a fresh copy each time), never per decision: `readEvents` hands out
 * plain copies with the request parsed, like SQLite's; the scans of `readFacts` hand out the
 * events themselves, whose `request` is a getter. A class, so that the getter is one on the
 * prototype: a getter in an object literal is an accessor pair per object, which V8
 * allocates in its old space, from where it kept every event's text alive through
 * young-generation collections.
 */
class StoredEvent implements CommittedEvent {
  readonly #requestText: string;

  constructor(
    readonly seq: number,
    readonly grant: string,
    readonly at: number,
    readonly event: HistoryEvent,
    readonly policy: string,
    requestText: string,
  ) {
    this.#requestText = requestText;
  }

  get request(): unknown {
    return JSON.parse(this.#requestText);
  }

  /** A plain copy, its request parsed. */
  withRequest(): CommittedEvent {
    return { seq: this.seq, grant: this.grant, at: this.at, event: this.event, request: this.request, policy: this.policy };
  }
}

/**
 * `record`, frozen through and through. The memory store hands out the records it keeps (a
 * session's state, a grant, a review); frozen, a caller that changes one gets an error
 * instead of silently changing what the runtime decides on, as with SQLite, which hands out
 * copies.
 */
function frozen<T>(record: T): T {
  if (record !== null && typeof record === "object" && !Object.isFrozen(record)) {
    Object.freeze(record);
    for (const value of Object.values(record)) frozen(value);
  }
  return record;
}
