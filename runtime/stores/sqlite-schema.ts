/**
 * The SQLite store's schema and its migrations. `PRAGMA user_version` records how many
 * migrations a file has had; opening a file applies the missing ones in one IMMEDIATE
 * transaction, so two processes opening a new file at once migrate it exactly once.
 */
import type Database from "better-sqlite3";

/**
 * The migrations, in order; migration `i` takes a file from version `i` to `i + 1`.
 * Append only: a migration that shipped is never edited.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    principal_key TEXT NOT NULL,
    record TEXT NOT NULL
  );
  CREATE INDEX sessions_by_principal ON sessions (principal_key);

  CREATE TABLE grants (
    id TEXT PRIMARY KEY,
    session TEXT NOT NULL,
    principal_type TEXT NOT NULL,
    principal_id TEXT NOT NULL,
    on_behalf_of_type TEXT,
    on_behalf_of_id TEXT,
    action TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    audience TEXT NOT NULL,
    policy TEXT NOT NULL,
    issued_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER,
    revoked_by TEXT,
    uses INTEGER NOT NULL DEFAULT 0,
    last_used_at INTEGER
  );
  CREATE INDEX grants_by_session ON grants (session);
  CREATE INDEX grants_by_principal ON grants (principal_type, principal_id);

  CREATE TABLE revoked_principals (
    principal TEXT PRIMARY KEY,
    revoked_at INTEGER NOT NULL,
    revoked_by TEXT NOT NULL
  );

  CREATE TABLE events (
    seq INTEGER PRIMARY KEY,
    grant_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    event TEXT NOT NULL,
    request TEXT NOT NULL
  );

  CREATE TABLE series_entries (
    key TEXT NOT NULL,
    at INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (key, at, seq)
  ) WITHOUT ROWID;

  CREATE TABLE set_members (
    key TEXT NOT NULL,
    member TEXT NOT NULL,
    PRIMARY KEY (key, member)
  ) WITHOUT ROWID;

  CREATE TABLE scope_versions (
    scope TEXT PRIMARY KEY,
    version INTEGER NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE reviews (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    record TEXT NOT NULL
  );
  CREATE INDEX reviews_by_status ON reviews (status, created_at);

  CREATE TABLE audit (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    prev TEXT NOT NULL,
    hash TEXT NOT NULL
  );

  -- INVARIANT: one row (id = 1), updated in the transaction that appends to audit.
  CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
  );

  CREATE TABLE markers (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
  );
  `,
];

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Refuses a file that is not an agp store at this build's schema version, reading only its
 * `user_version` (no lock beyond a read, nothing written).
 */
export function requireCurrentSchema(db: Database.Database, path: string): void {
  const version = Number(db.pragma("user_version", { simple: true }));
  if (version === SCHEMA_VERSION) return;
  if (version === 0) throw new Error(`\`${path}\` is not an agp store (it has no agp schema)`);
  if (version > SCHEMA_VERSION) throw new Error(`\`${path}\` has store schema version ${version}, newer than this agp's ${SCHEMA_VERSION}; upgrade agp`);
  throw new Error(`\`${path}\` has store schema version ${version}, older than this agp's ${SCHEMA_VERSION}; the service migrates it when it opens the store with this agp`);
}

/** Applies the migrations a file lacks; refuses a file written by a newer agp. */
export function migrate(db: Database.Database, path: string): void {
  const apply = db.transaction(() => {
    const version = Number(db.pragma("user_version", { simple: true }));
    if (version > SCHEMA_VERSION) {
      throw new Error(`\`${path}\` has store schema version ${version}, newer than this agp's ${SCHEMA_VERSION}; upgrade agp`);
    }
    for (let next = version; next < SCHEMA_VERSION; next++) db.exec(MIGRATIONS[next] ?? "");
    if (version !== SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
  });
  apply.immediate();
}
