/**
 * The SQLite store: the embedded, durable {@link Store}, shared by every process that opens
 * the same file. Built on better-sqlite3, whose calls are synchronous; each method runs one
 * statement or one transaction inside a single synchronous call and returns a settled promise.
 *
 * Durability. The file is in WAL mode with `synchronous = NORMAL` by default: before a call
 * returns, its commit is written (write(2)) to the WAL file, i.e. handed to the kernel, so
 * what a call acknowledged survives the process being killed (SIGKILL, a crash, an OOM kill):
 * the kernel still writes the page cache out and the next open replays the WAL. What NORMAL
 * does not survive is a power loss or kernel panic between a commit and the next checkpoint's
 * fsync; the last commits may then roll back (the file is never corrupted). Pass
 * `synchronous: "full"` to fsync the WAL at every commit and survive power loss too, at the
 * price of one fsync per store write (tens of milliseconds on some virtual disks).
 *
 * Concurrency. Every multi-statement step is one transaction: writes are IMMEDIATE (the
 * write lock is taken at BEGIN, so a compare-and-set never reads stale data and never
 * deadlocks on lock upgrade), reads are deferred (a WAL snapshot). `busy_timeout` makes a
 * process wait for another's write lock instead of failing.
 */
import Database from "better-sqlite3";
import { chainEntry, GENESIS_HASH } from "../audit.js";
import { migrate, requireCurrentSchema } from "./sqlite-schema.js";
import type {
  AuditDraft,
  AuditEntry,
  AuditEntryType,
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
import { changedRecord, entityKey, usable } from "./store.js";

/** How to open a SQLite store. */
export interface SqliteStoreOptions {
  /** `normal` (default): acknowledged writes survive process crashes; `full`: they survive power loss too. See the module comment. */
  readonly synchronous?: "full" | "normal";
  /** How long to wait for another process's write lock, in milliseconds (5000). */
  readonly busyTimeoutMs?: number;
  /** Refuse to create the file (operator tools open existing stores only). */
  readonly fileMustExist?: boolean;
  /**
   * Create and migrate the schema as needed (the default, for services). `false` (operator
   * tools): open only a store already at this agp's schema version, changing nothing in any
   * other file: not an agp store, or one of another version, is refused before anything is
   * written, and no write lock is taken to open it.
   */
  readonly migrate?: boolean;
}

interface GrantRow {
  id: string;
  session: string;
  principal_type: string;
  principal_id: string;
  on_behalf_of_type: string | null;
  on_behalf_of_id: string | null;
  action: string;
  resource_type: string;
  resource_id: string;
  audience: string;
  policy: string;
  issued_at: number;
  expires_at: number;
  revoked_at: number | null;
  revoked_by: string | null;
  uses: number;
  last_used_at: number | null;
}

interface EventRow {
  seq: number;
  grant_id: string;
  at: number;
  event: string;
  request: string;
}

interface AuditRow {
  seq: number;
  at: number;
  type: string;
  data: string;
  prev: string;
  hash: string;
}

const GRANT_COLUMNS = `id, session, principal_type, principal_id, on_behalf_of_type, on_behalf_of_id, action,
  resource_type, resource_id, audience, policy, issued_at, expires_at, revoked_at, revoked_by, uses, last_used_at`;

/** The SQLite {@link Store}; see {@link sqliteStore}. */
export class SqliteStore implements Store {
  readonly kind = "sqlite";
  /** The open connection, for tests and tools that inspect the file. */
  readonly db: Database.Database;
  private readonly statements;
  private readonly transactions;
  private closed = false;

  constructor(
    readonly path: string,
    options: SqliteStoreOptions = {},
  ) {
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    this.db = new Database(path, { fileMustExist: options.fileMustExist ?? false, timeout: busyTimeoutMs });
    try {
      this.db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
      // Checked before any pragma that writes (journal_mode), so a foreign file stays as it was.
      if (options.migrate === false) requireCurrentSchema(this.db, path);
      // Setting the journal mode writes the file: only a store that may migrate does it (an
      // agp store a service opened is in WAL mode already).
      else this.db.pragma("journal_mode = WAL");
      this.db.pragma(`synchronous = ${options.synchronous === "full" ? "FULL" : "NORMAL"}`);
      this.db.pragma("foreign_keys = ON");
      if (options.migrate !== false) migrate(this.db, path);
    } catch (error) {
      this.db.close();
      throw error;
    }
    this.statements = prepareStatements(this.db);
    this.transactions = this.prepareTransactions();
  }

  async saveSession(session: SessionRecord): Promise<void> {
    this.statements.saveSession.run(session.id, session.principalKey, JSON.stringify(session));
  }

  async updateSession(id: string, change: (current: SessionRecord) => SessionRecord | undefined): Promise<SessionRecord | undefined> {
    return this.transactions.updateSession.immediate(id, change);
  }

  async getSession(id: string): Promise<SessionRecord | undefined> {
    return this.sessionById(id);
  }

  async sessionsOfPrincipal(principal: EntityKey): Promise<readonly SessionRecord[]> {
    return (this.statements.sessionsOfPrincipal.all(principal) as string[]).map((record) => JSON.parse(record) as SessionRecord);
  }

  async readFacts(plan: FactsPlan): Promise<FactsReading> {
    return this.transactions.readFacts.deferred(plan);
  }

  async commitGrant(commit: GrantCommit): Promise<CommitResult> {
    return this.transactions.commitGrant.immediate(commit);
  }

  async addIndexEntries(entries: readonly { readonly seq: number; readonly at: number; readonly index: IndexEntries }[]): Promise<void> {
    this.transactions.addIndexEntries.immediate(entries);
  }

  /**
   * Commits many grants in one transaction, without the scope compare-and-set: for seeding
   * benchmarks and importing history, never for live requests. Returns the events' seqs.
   */
  importGrants(commits: readonly Omit<GrantCommit, "expectedVersion">[]): readonly number[] {
    return this.transactions.importGrants.immediate(commits);
  }

  async readEvents(afterSeq: number, limit: number): Promise<readonly CommittedEvent[]> {
    return (this.statements.readEvents.all(afterSeq, limit) as (EventRow & { policy: string })[]).map((row) => ({ ...eventOfRow(row), policy: row.policy }));
  }

  async getGrant(id: string): Promise<GrantRecord | undefined> {
    return this.grantById(id);
  }

  async listGrants(filter: GrantFilter): Promise<readonly GrantRecord[]> {
    const conditions: string[] = [];
    const parameters: (string | number)[] = [];
    if (filter.session !== undefined) {
      conditions.push("session = ?");
      parameters.push(filter.session);
    }
    if (filter.principal !== undefined) {
      const split = filter.principal.indexOf(":");
      conditions.push("principal_type = ? AND principal_id = ?");
      parameters.push(split < 0 ? filter.principal : filter.principal.slice(0, split), split < 0 ? "" : filter.principal.slice(split + 1));
    }
    if (filter.liveAt !== undefined) {
      conditions.push("revoked_at IS NULL AND expires_at > ?");
      parameters.push(filter.liveAt);
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : "";
    const rows = this.db.prepare(`SELECT ${GRANT_COLUMNS} FROM grants ${where} ORDER BY rowid`).all(...parameters) as GrantRow[];
    return rows.map(grantOfRow);
  }

  async revokeGrant(id: string, at: number, by: string): Promise<boolean> {
    return this.statements.revokeGrant.run(at, by, id).changes > 0;
  }

  async revokeSessionGrants(session: string, at: number, by: string): Promise<readonly string[]> {
    return this.transactions.revokeSessionGrants.immediate(session, at, by);
  }

  async revokePrincipal(principal: EntityKey, at: number, by: string): Promise<void> {
    this.statements.revokePrincipal.run(principal, at, by);
  }

  async isPrincipalRevoked(principal: EntityKey): Promise<boolean> {
    return this.statements.principalRevoked.get(principal) !== undefined;
  }

  async redeemContext(grantId: string): Promise<RedeemContext> {
    return this.transactions.redeemContext.deferred(grantId);
  }

  async recordUse(grantId: string, at: number): Promise<boolean> {
    return this.transactions.recordUse.immediate(grantId, at);
  }

  async saveReview(review: ReviewRecord): Promise<void> {
    this.statements.saveReview.run(review.id, review.status, review.createdAt, JSON.stringify(review));
  }

  async updateReview(id: string, change: (current: ReviewRecord) => ReviewRecord | undefined): Promise<ReviewRecord | undefined> {
    return this.transactions.updateReview.immediate(id, change);
  }

  async getReview(id: string): Promise<ReviewRecord | undefined> {
    const record = this.statements.getReview.get(id) as string | undefined;
    return record === undefined ? undefined : (JSON.parse(record) as ReviewRecord);
  }

  async pendingReviews(): Promise<readonly ReviewRecord[]> {
    return (this.statements.pendingReviews.all() as string[]).map((record) => JSON.parse(record) as ReviewRecord);
  }

  async appendAudit(draft: AuditDraft): Promise<AuditEntry> {
    // The hash covers the data as stored (JSON), so what `verify` reads back hashes the same.
    const data = JSON.parse(JSON.stringify(draft.data)) as Record<string, unknown>;
    return this.transactions.appendAudit.immediate({ at: draft.at, type: draft.type, data });
  }

  async readAudit(afterSeq: number, limit: number): Promise<readonly AuditEntry[]> {
    return (this.statements.readAudit.all(afterSeq, limit) as AuditRow[]).map(auditOfRow);
  }

  async auditTail(n: number): Promise<readonly AuditEntry[]> {
    if (n <= 0) return [];
    return (this.statements.auditTail.all(n) as AuditRow[]).map(auditOfRow).reverse();
  }

  async auditHead(): Promise<{ readonly seq: number; readonly hash: string }> {
    return this.head();
  }

  async getMarker(name: string): Promise<number | undefined> {
    return this.statements.getMarker.get(name) as number | undefined;
  }

  async setMarker(name: string, value: number): Promise<void> {
    this.statements.setMarker.run(name, value);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private sessionById(id: string): SessionRecord | undefined {
    const record = this.statements.getSession.get(id) as string | undefined;
    return record === undefined ? undefined : (JSON.parse(record) as SessionRecord);
  }

  private redeemContextOf(grantId: string): RedeemContext {
    const grant = this.grantById(grantId);
    const session = grant && this.sessionById(grant.session);
    const principalRevoked =
      grant !== undefined && this.statements.principalRevoked.get(entityKey(grant.principal)) !== undefined;
    return { grant, session, principalRevoked };
  }

  private grantById(id: string): GrantRecord | undefined {
    const row = this.statements.getGrant.get(id) as GrantRow | undefined;
    return row && grantOfRow(row);
  }

  private head(): { seq: number; hash: string } {
    const row = this.statements.auditHead.get() as { seq: number; hash: string } | undefined;
    return row ?? { seq: 0, hash: GENESIS_HASH };
  }

  private index(seq: number, at: number, index: IndexEntries): void {
    for (const key of index.series) this.statements.addSeriesEntry.run(key, at, seq);
    for (const { key, member } of index.sets) this.statements.addSetMember.run(key, member);
  }

  private insertGrantAndEvent(commit: Omit<GrantCommit, "expectedVersion">): number {
    const { grant, event } = commit;
    this.statements.insertGrant.run(
      grant.id,
      grant.session,
      grant.principal.type,
      grant.principal.id,
      grant.onBehalfOf?.type ?? null,
      grant.onBehalfOf?.id ?? null,
      grant.action,
      grant.resource.type,
      grant.resource.id,
      grant.audience,
      grant.policy,
      grant.issuedAt,
      grant.expiresAt,
      grant.revokedAt,
      grant.revokedBy,
      grant.uses,
      grant.lastUsedAt,
    );
    const seq = Number(this.statements.insertEvent.run(event.grant, event.at, JSON.stringify(event.event), JSON.stringify(event.request)).lastInsertRowid);
    this.index(seq, event.at, commit.index);
    return seq;
  }

  private prepareTransactions() {
    const { db, statements } = this;
    return {
      readFacts: db.transaction((plan: FactsPlan): FactsReading => {
        const version = (statements.scopeVersion.get(plan.scope) as number | undefined) ?? 0;
        const counts = plan.counts.map(({ series, fromExclusive }) =>
          fromExclusive === null
            ? (statements.countSeriesUpTo.get(series, plan.at) as number)
            : (statements.countSeriesBetween.get(series, fromExclusive, plan.at) as number),
        );
        const scans = plan.scans.map(({ series, fromExclusive }) =>
          (statements.scanSeries.all(series, fromExclusive ?? Number.MIN_SAFE_INTEGER, plan.at) as EventRow[]).map(eventOfRow),
        );
        const sets = plan.sets.map((key) => statements.setMembers.all(key) as string[]);
        return { version, lastSeq: statements.lastSeq.get() as number, counts, scans, sets };
      }),
      commitGrant: db.transaction((commit: GrantCommit): CommitResult => {
        const version = (statements.scopeVersion.get(commit.scope) as number | undefined) ?? 0;
        if (version !== commit.expectedVersion) return { ok: false, reason: "conflict" };
        const seq = this.insertGrantAndEvent(commit);
        statements.setScopeVersion.run(commit.scope, version + 1);
        return { ok: true, seq };
      }),
      importGrants: db.transaction((commits: readonly Omit<GrantCommit, "expectedVersion">[]): number[] =>
        commits.map((commit) => {
          const seq = this.insertGrantAndEvent(commit);
          statements.bumpScopeVersion.run(commit.scope);
          return seq;
        }),
      ),
      addIndexEntries: db.transaction((entries: readonly { readonly seq: number; readonly at: number; readonly index: IndexEntries }[]) => {
        for (const { seq, at, index } of entries) this.index(seq, at, index);
      }),
      // INVARIANT: the change is read and written inside one IMMEDIATE transaction, so no other
      // process writes the session (or review) in between.
      updateSession: db.transaction((id: string, change: (current: SessionRecord) => SessionRecord | undefined) => {
        const current = this.sessionById(id);
        const next = current && changedRecord("session", current, change);
        if (next) statements.saveSession.run(next.id, next.principalKey, JSON.stringify(next));
        return next || current;
      }),
      updateReview: db.transaction((id: string, change: (current: ReviewRecord) => ReviewRecord | undefined) => {
        const record = statements.getReview.get(id) as string | undefined;
        const current = record === undefined ? undefined : (JSON.parse(record) as ReviewRecord);
        const next = current && changedRecord("review", current, change);
        if (next) statements.saveReview.run(next.id, next.status, next.createdAt, JSON.stringify(next));
        return next || current;
      }),
      revokeSessionGrants: db.transaction((session: string, at: number, by: string): string[] => {
        const ids = statements.unrevokedGrantsOfSession.all(session) as string[];
        for (const id of ids) statements.revokeGrant.run(at, by, id);
        return ids;
      }),
      redeemContext: db.transaction((grantId: string): RedeemContext => this.redeemContextOf(grantId)),
      // INVARIANT: checked and counted inside one IMMEDIATE transaction, so no revocation,
      // review or session change of another process lands between the check and the count.
      recordUse: db.transaction((grantId: string, at: number): boolean => {
        if (!usable(this.redeemContextOf(grantId))) return false;
        return statements.recordUse.run(at, grantId).changes === 1;
      }),
      // INVARIANT: the chain is extended from the head read inside this IMMEDIATE transaction,
      // so two processes appending at once serialize and never fork the chain.
      appendAudit: db.transaction((draft: AuditDraft): AuditEntry => {
        const head = this.head();
        const entry = chainEntry(head.seq === 0 ? null : head, draft);
        statements.insertAudit.run(entry.seq, entry.at, entry.type, JSON.stringify(entry.data), entry.prev, entry.hash);
        statements.setAuditHead.run(entry.seq, entry.hash);
        return entry;
      }),
    };
  }
}

/** Every statement the store runs more than once, prepared once per connection. */
function prepareStatements(db: Database.Database) {
  const pluck = (sql: string) => db.prepare(sql).pluck();
  return {
    saveSession: db.prepare(
      "INSERT INTO sessions (id, principal_key, record) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET principal_key = excluded.principal_key, record = excluded.record",
    ),
    getSession: pluck("SELECT record FROM sessions WHERE id = ?"),
    sessionsOfPrincipal: pluck("SELECT record FROM sessions WHERE principal_key = ? ORDER BY rowid"),
    scopeVersion: pluck("SELECT version FROM scope_versions WHERE scope = ?"),
    setScopeVersion: db.prepare(
      "INSERT INTO scope_versions (scope, version) VALUES (?, ?) ON CONFLICT (scope) DO UPDATE SET version = excluded.version",
    ),
    bumpScopeVersion: db.prepare(
      "INSERT INTO scope_versions (scope, version) VALUES (?, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1",
    ),
    countSeriesUpTo: pluck("SELECT count(*) FROM series_entries WHERE key = ? AND at <= ?"),
    countSeriesBetween: pluck("SELECT count(*) FROM series_entries WHERE key = ? AND at > ? AND at <= ?"),
    scanSeries: db.prepare(
      `SELECT events.seq, events.grant_id, events.at, events.event, events.request
       FROM series_entries JOIN events ON events.seq = series_entries.seq
       WHERE series_entries.key = ? AND series_entries.at > ? AND series_entries.at <= ?
       ORDER BY series_entries.at, series_entries.seq`,
    ),
    setMembers: pluck("SELECT member FROM set_members WHERE key = ? ORDER BY member"),
    addSeriesEntry: db.prepare("INSERT OR IGNORE INTO series_entries (key, at, seq) VALUES (?, ?, ?)"),
    addSetMember: db.prepare("INSERT OR IGNORE INTO set_members (key, member) VALUES (?, ?)"),
    insertGrant: db.prepare(`INSERT INTO grants (${GRANT_COLUMNS}) VALUES (${Array(17).fill("?").join(", ")})`),
    insertEvent: db.prepare("INSERT INTO events (grant_id, at, event, request) VALUES (?, ?, ?, ?)"),
    readEvents: db.prepare(
      "SELECT events.seq, events.grant_id, events.at, events.event, events.request, grants.policy FROM events JOIN grants ON grants.id = events.grant_id WHERE events.seq > ? ORDER BY events.seq LIMIT ?",
    ),
    lastSeq: pluck("SELECT coalesce(max(seq), 0) FROM events"),
    getGrant: db.prepare(`SELECT ${GRANT_COLUMNS} FROM grants WHERE id = ?`),
    revokeGrant: db.prepare("UPDATE grants SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL"),
    unrevokedGrantsOfSession: pluck("SELECT id FROM grants WHERE session = ? AND revoked_at IS NULL ORDER BY rowid"),
    revokePrincipal: db.prepare("INSERT OR IGNORE INTO revoked_principals (principal, revoked_at, revoked_by) VALUES (?, ?, ?)"),
    principalRevoked: pluck("SELECT 1 FROM revoked_principals WHERE principal = ?"),
    recordUse: db.prepare("UPDATE grants SET uses = uses + 1, last_used_at = ? WHERE id = ? AND revoked_at IS NULL"),
    saveReview: db.prepare(
      "INSERT INTO reviews (id, status, created_at, record) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET status = excluded.status, record = excluded.record",
    ),
    getReview: pluck("SELECT record FROM reviews WHERE id = ?"),
    pendingReviews: pluck("SELECT record FROM reviews WHERE status = 'pending' ORDER BY created_at, rowid"),
    insertAudit: db.prepare("INSERT INTO audit (seq, at, type, data, prev, hash) VALUES (?, ?, ?, ?, ?, ?)"),
    setAuditHead: db.prepare(
      "INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
    ),
    auditHead: db.prepare("SELECT seq, hash FROM audit_head WHERE id = 1"),
    readAudit: db.prepare("SELECT seq, at, type, data, prev, hash FROM audit WHERE seq > ? ORDER BY seq LIMIT ?"),
    auditTail: db.prepare("SELECT seq, at, type, data, prev, hash FROM audit ORDER BY seq DESC LIMIT ?"),
    getMarker: pluck("SELECT value FROM markers WHERE name = ?"),
    setMarker: db.prepare("INSERT INTO markers (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value"),
  };
}

function grantOfRow(row: GrantRow): GrantRecord {
  return {
    id: row.id,
    session: row.session,
    principal: { type: row.principal_type, id: row.principal_id },
    onBehalfOf: row.on_behalf_of_type === null || row.on_behalf_of_id === null ? null : { type: row.on_behalf_of_type, id: row.on_behalf_of_id },
    action: row.action,
    resource: { type: row.resource_type, id: row.resource_id },
    audience: row.audience,
    policy: row.policy,
    issuedAt: row.issued_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    revokedBy: row.revoked_by,
    uses: row.uses,
    lastUsedAt: row.last_used_at,
  };
}

function eventOfRow(row: EventRow): EventRecord {
  return { seq: row.seq, grant: row.grant_id, at: row.at, event: JSON.parse(row.event) as EventRecord["event"], request: JSON.parse(row.request) as unknown };
}

function auditOfRow(row: AuditRow): AuditEntry {
  const entry = { seq: row.seq, at: row.at, type: row.type as AuditEntryType, prev: row.prev, hash: row.hash };
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(row.data) as Record<string, unknown>;
  } catch {
    return { ...entry, data: {}, damage: "its data is not JSON" };
  }
  // The store writes JSON.stringify of the data, which reads back to the same text: any other
  // text (a repeated key, which SQL's json_extract reads differently) was edited.
  if (typeof data !== "object" || data === null || JSON.stringify(data) !== row.data) {
    return { ...entry, data: typeof data === "object" && data !== null ? data : {}, damage: "its stored text was edited" };
  }
  return { ...entry, data };
}

/**
 * Opens (creating and migrating when needed) the SQLite store at `path`: the durable store
 * of one host, shared by every process that opens the file.
 */
export function sqliteStore(path: string, options: SqliteStoreOptions = {}): SqliteStore {
  return new SqliteStore(path, options);
}
