/**
 * The audit log: an append-only, hash-chained record of every decision, grant, redeem,
 * refusal, revocation, monitor consequence and review resolution. Each entry's hash covers
 * the previous entry's hash, so changing or removing any entry breaks the chain, and the
 * store's separately kept head detects a cut tail.
 */
import { hash } from "node:crypto";
import type { AuditDraft, AuditEntry, Store } from "./stores/store.js";

/** The `prev` of the first entry. */
export const GENESIS_HASH = "0".repeat(64);

/** JSON with object keys sorted at every level, `undefined` members dropped: what is hashed. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    const text = JSON.stringify(value);
    return text === undefined ? "null" : text;
  }
  // Built by concatenation, not arrays of parts: this runs twice per request (audit hashing).
  if (Array.isArray(value)) {
    let text = "[";
    for (let i = 0; i < value.length; i++) text += (i === 0 ? "" : ",") + canonicalJson(value[i]);
    return `${text}]`;
  }
  const record = value as Record<string, unknown>;
  let text = "{";
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    if (member === undefined) continue;
    text += `${text.length === 1 ? "" : ","}${JSON.stringify(key)}:${canonicalJson(member)}`;
  }
  return `${text}}`;
}

/** The hash of an entry given the previous entry's hash. Stores call it when appending. */
export function chainHash(prev: string, seq: number, draft: AuditDraft): string {
  const body = canonicalJson({ seq, at: draft.at, type: draft.type, data: draft.data });
  // One-shot: the same digest as update(prev).update(body), without a Hash object per entry.
  return hash("sha256", prev + body, "hex");
}

/** Builds the entry that follows `previous` (null for the first); stores use it inside their atomic append. */
export function chainEntry(previous: { readonly seq: number; readonly hash: string } | null, draft: AuditDraft): AuditEntry {
  const seq = (previous?.seq ?? 0) + 1;
  const prev = previous?.hash ?? GENESIS_HASH;
  return { seq, at: draft.at, type: draft.type, data: draft.data, prev, hash: chainHash(prev, seq, draft) };
}

/** The verdict of {@link verifyAudit}: where the chain first breaks, if it does. */
export type AuditVerification =
  | { readonly ok: true; readonly entries: number }
  | { readonly ok: false; readonly entries: number; readonly brokenAt: number; readonly problem: string };

const PAGE = 1000;

/** Walks the whole log and checks numbering, links, hashes and the recorded head. */
export async function verifyAudit(store: Store): Promise<AuditVerification> {
  let previous: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH };
  let checked = 0;
  for (;;) {
    const page = await store.readAudit(previous.seq, PAGE);
    for (const entry of page) {
      const broken = (problem: string): AuditVerification => ({ ok: false, entries: checked, brokenAt: entry.seq, problem });
      if (entry.seq !== previous.seq + 1) return broken(`entry ${previous.seq + 1} is missing`);
      if (entry.prev !== previous.hash) return broken(`entry ${entry.seq} does not link to entry ${previous.seq}`);
      if (chainHash(entry.prev, entry.seq, entry) !== entry.hash) return broken(`entry ${entry.seq} was changed`);
      previous = { seq: entry.seq, hash: entry.hash };
      checked++;
    }
    if (page.length < PAGE) break;
  }
  const head = await store.auditHead();
  if (head.seq !== previous.seq || head.hash !== previous.hash) {
    return { ok: false, entries: checked, brokenAt: previous.seq + 1, problem: `the log ends at entry ${previous.seq} but ${head.seq} were written` };
  }
  return { ok: true, entries: checked };
}

/** The runtime's view of the audit log (`rt.audit`). */
export interface AuditLog {
  /** Checks the whole chain; `ok: false` names the first entry that was changed or removed. */
  verify(): Promise<AuditVerification>;
  /** The last `n` entries, oldest first. */
  tail(n: number): Promise<readonly AuditEntry[]>;
}

/** The {@link AuditLog} over a store. */
export function auditLogOf(store: Store): AuditLog {
  return {
    verify: () => verifyAudit(store),
    tail: (n) => store.auditTail(n),
  };
}
