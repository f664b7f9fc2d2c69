/**
 * The audit log: an append-only, hash-chained record of every decision, grant, redeem,
 * refusal, revocation, monitor consequence and review resolution. Each entry's hash covers
 * the previous entry's hash, so changing or removing any entry breaks the chain, and the
 * store's separately kept head detects a cut tail.
 */
import { hash } from "node:crypto";
import { AgpRuntimeError } from "./errors.js";
import type { AuditDraft, AuditEntry, Store } from "./stores/store.js";

/** The `prev` of the first entry. */
export const GENESIS_HASH = "0".repeat(64);

/**
 * The text JSON.stringify writes for `value`, with object keys sorted at every level: what
 * is hashed. It is therefore also the text of the value stored as JSON and read back.
 */
export function canonicalJson(value: unknown): string {
  // Native JSON.stringify of a copy with sorted keys is several times faster than building the
  // text here, and this runs twice per request. The runtime writes its own entries with sorted
  // keys, so most of each entry is stringified as it is, uncopied.
  const form = canonicalForm(value, "");
  return (form === UNREPRESENTABLE ? builtCanonicalJson(value, "") : JSON.stringify(form)) ?? "null";
}

/** Marks a value that no plain object can serialize in canonical order (see {@link canonicalForm}). */
const UNREPRESENTABLE = Symbol("unrepresentable");

const ARRAY_INDEX = /^(?:0|[1-9]\d{0,9})$/;

/** `value.toJSON(key)` when `value` has one (as JSON.stringify calls it, once), else `value`. */
function withToJson(value: unknown, key: string): unknown {
  if (value === null || typeof value !== "object") return value;
  const toJson = (value as { toJSON?: unknown }).toJSON;
  return typeof toJson === "function" ? (toJson as (key: string) => unknown).call(value, key) : value;
}

/** What JSON.stringify leaves out of objects (and writes as null in arrays). */
function isOmitted(value: unknown): boolean {
  return value === undefined || typeof value === "function" || typeof value === "symbol";
}

/**
 * `value` itself when JSON.stringify already writes it canonically; else a copy with sorted
 * keys (`toJSON` applied, omitted members dropped); or UNREPRESENTABLE for a bigint (which
 * JSON.stringify refuses) and for an object that needs copying and has an integer-like key:
 * objects list those first, in numeric order, whatever the insertion order.
 */
function canonicalForm(given: unknown, key: string): unknown {
  const value = withToJson(given, key);
  if (value === null || typeof value !== "object") return typeof value === "bigint" ? UNREPRESENTABLE : value;
  const record = value as Record<string, unknown>;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const element: unknown = value[i];
      const form = isOmitted(element) ? null : canonicalForm(element, String(i));
      if (form === UNREPRESENTABLE) return UNREPRESENTABLE;
      if (form !== element && element !== undefined && copy === undefined) copy = value.slice(0, i);
      copy?.push(form);
    }
    return copy ?? value;
  }
  const keys = Object.keys(record);
  let forms: unknown[] | undefined;
  let sorted = true;
  for (let i = 0; i < keys.length; i++) {
    const name = keys[i] as string;
    const member = record[name];
    const form = isOmitted(member) ? undefined : canonicalForm(member, name);
    if (form === UNREPRESENTABLE) return UNREPRESENTABLE;
    if (i > 0 && (keys[i - 1] as string) > name) sorted = false;
    if ((form !== member || member === undefined) && forms === undefined) forms = keys.slice(0, i).map((earlier) => record[earlier]);
    forms?.push(form);
  }
  if (sorted && forms === undefined) return value === given ? value : { ...record };
  const order = keys.map((name, i) => ({ name, form: forms === undefined ? record[name] : forms[i] }));
  if (!sorted) order.sort((a, b) => (a.name < b.name ? -1 : 1));
  const copy: Record<string, unknown> = {};
  for (const { name, form } of order) {
    if (ARRAY_INDEX.test(name)) return UNREPRESENTABLE;
    if (form !== undefined) copy[name] = form;
  }
  return copy;
}

/** The canonical text built piece by piece, for what {@link canonicalForm} cannot copy; undefined where JSON.stringify omits the value. */
function builtCanonicalJson(given: unknown, key: string): string | undefined {
  const value = withToJson(given, key);
  if (value === null || typeof value !== "object") return isOmitted(value) ? undefined : JSON.stringify(value);
  if (Array.isArray(value)) {
    let text = "[";
    for (let i = 0; i < value.length; i++) text += (i === 0 ? "" : ",") + (builtCanonicalJson(value[i], String(i)) ?? "null");
    return `${text}]`;
  }
  const record = value as Record<string, unknown>;
  let text = "{";
  for (const name of Object.keys(record).sort()) {
    const member = builtCanonicalJson(record[name], name);
    if (member !== undefined) text += `${text.length === 1 ? "" : ","}${JSON.stringify(name)}:${member}`;
  }
  return `${text}}`;
}

/** The hash of an entry given the previous entry's hash. Stores call it when appending. */
export function chainHash(prev: string, seq: number, draft: AuditDraft): string {
  const body = canonicalJson({ at: draft.at, data: draft.data, seq, type: draft.type });
  // One-shot: the same digest as update(prev).update(body), without a Hash object per entry.
  return hash("sha256", prev + body, "hex");
}

/** Builds the entry that follows `previous` (null for the first); stores use it inside their atomic append. */
export function chainEntry(previous: { readonly seq: number; readonly hash: string } | null, draft: AuditDraft): AuditEntry {
  const seq = (previous?.seq ?? 0) + 1;
  const prev = previous?.hash ?? GENESIS_HASH;
  return { seq, at: draft.at, type: draft.type, data: draft.data, prev, hash: chainHash(prev, seq, draft) };
}

/** An entry of the log as an operator recorded it elsewhere, to detect a later cut or rewrite: its seq and hash. */
export interface AuditAnchor {
  readonly seq: number;
  readonly hash: string;
}

/**
 * The verdict of {@link verifyAudit}: the entries verified and the last of them (`head`, the
 * anchor to record elsewhere), or where the chain first breaks.
 */
export type AuditVerification =
  | { readonly ok: true; readonly entries: number; readonly head: AuditAnchor }
  | { readonly ok: false; readonly entries: number; readonly brokenAt: number; readonly problem: string };

/** Options of {@link verifyAudit}. */
export interface AuditVerifyOptions {
  /**
   * An entry recorded outside the store (a previous verification's `head`): the log must
   * still hold it, unchanged. The store's own head only catches a cut that left it alone;
   * someone able to rewrite the store can rewrite the head too, not this.
   */
  readonly anchor?: AuditAnchor;
}

const PAGE = 1000;

/**
 * Walks the whole log and checks numbering, links and hashes, that it reaches the head the
 * store recorded (read first, so entries appended during the walk are verified, not mistaken
 * for a cut), and that it holds the anchor if one is given.
 */
export async function verifyAudit(store: Store, options: AuditVerifyOptions = {}): Promise<AuditVerification> {
  const { anchor } = options;
  if (anchor !== undefined && !isAnchor(anchor)) {
    throw new AgpRuntimeError("invalid_anchor", "an anchor is `{ seq, hash }` as a verification's `head` gives it: seq a whole number from 1, hash 64 hex digits");
  }
  const recorded = await store.auditHead();
  const expected = [
    { seq: recorded.seq, hash: recorded.hash, what: "the head the store recorded" },
    ...(anchor ? [{ ...anchor, what: "the anchor" }] : []),
  ].filter((point) => point.seq > 0);
  let previous: AuditAnchor = { seq: 0, hash: GENESIS_HASH };
  let checked = 0;
  for (;;) {
    const page = await store.readAudit(previous.seq, PAGE);
    for (const entry of page) {
      const broken = (problem: string): AuditVerification => ({ ok: false, entries: checked, brokenAt: entry.seq, problem });
      if (entry.seq !== previous.seq + 1) return broken(`entry ${previous.seq + 1} is missing`);
      if (entry.damage !== undefined) return broken(`entry ${entry.seq} was changed: ${entry.damage}`);
      if (entry.prev !== previous.hash) return broken(`entry ${entry.seq} does not link to entry ${previous.seq}`);
      if (chainHash(entry.prev, entry.seq, entry) !== entry.hash) return broken(`entry ${entry.seq} was changed`);
      for (const point of expected) {
        if (point.seq === entry.seq && point.hash !== entry.hash) return broken(`entry ${entry.seq} is not ${point.what}: its hash differs`);
      }
      previous = { seq: entry.seq, hash: entry.hash };
      checked++;
    }
    if (page.length < PAGE) break;
  }
  for (const point of expected) {
    if (point.seq > previous.seq) {
      return { ok: false, entries: checked, brokenAt: previous.seq + 1, problem: `the log ends at entry ${previous.seq}, before ${point.what} (entry ${point.seq})` };
    }
  }
  // Entries but no head: recorded before the first append (then there is one now), or removed.
  if (recorded.seq === 0 && checked > 0 && (await store.auditHead()).seq === 0) {
    return { ok: false, entries: checked, brokenAt: 1, problem: `the store records no head, yet the log holds ${checked} entries` };
  }
  return { ok: true, entries: checked, head: previous };
}

function isAnchor(anchor: AuditAnchor): boolean {
  return Number.isSafeInteger(anchor?.seq) && anchor.seq >= 1 && typeof anchor.hash === "string" && /^[0-9a-f]{64}$/.test(anchor.hash);
}

/** The runtime's view of the audit log (`rt.audit`). */
export interface AuditLog {
  /** Checks the whole chain; `ok: false` names the first entry that was changed or removed. */
  verify(options?: AuditVerifyOptions): Promise<AuditVerification>;
  /** The last `n` entries, oldest first. */
  tail(n: number): Promise<readonly AuditEntry[]>;
}

/** The {@link AuditLog} over a store. */
export function auditLogOf(store: Store): AuditLog {
  return {
    verify: (options) => verifyAudit(store, options),
    tail: (n) => store.auditTail(n),
  };
}
