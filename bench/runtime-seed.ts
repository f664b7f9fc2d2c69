/**
 * The people, requests and seeded histories of `npm run bench:runtime`. A history of N
 * granted requests is spread like a real deployment's: humans with two agents each, a
 * hundred requests per session, reports owned by the humans, six reads, three submits
 * and one approval of a colleague's report in ten, evenly over the last 30 days. It is
 * written straight into the store (the indexes a runtime would have built included), so
 * a million events take seconds, not the hours a million signed grants would. The module's
 * schema validates one request per (session, action, report owner); the others are that
 * request re-targeted at their report and time, as validation would have produced them.
 */
import type { PolicyModule, PolicyRequest } from "../stdlib/contract.js";
import { eventOf } from "../stdlib/list-facts.js";
import { PolicyFacts } from "../runtime/facts.js";
import { entityKey } from "../runtime/index.js";
import type { GrantCommit, GrantRecord, SessionRecord, Store } from "../runtime/index.js";
import { SqliteStore } from "../runtime/stores/sqlite.js";

/** The time every benchmark request is made at: after the whole seeded history. */
export const NOW = Date.parse("2026-03-02T10:00:00Z");
const HISTORY_SPAN_MS = 30 * 24 * 3600 * 1000;
export const OFFICE_HOURS = { hour: 10, country: "FR", device: { managed: true } };

/** A human the agents act for. */
export function human(index: number) {
  return { type: "User", id: `u${index}`, department: `dept${index % 5}`, approver: index % 3 === 0 };
}

/** Agent `n` of human `index`. */
export function agentOf(index: number, n: number) {
  return { type: "Assistant", id: `agent-${index}-${n}`, onBehalfOf: { type: "User", id: `u${index}` } };
}

/** Report `n` owned by human `index`. */
export function reportOf(index: number, n: number | string) {
  return { type: "ExpenseReport", id: `report-${index}-${n}`, owner: { type: "User", id: `u${index}` }, amount: 120, label: "internal" };
}

/** The shape of a seeded history of `events` events. */
export function historyShape(events: number) {
  const humans = Math.min(500, Math.max(2, Math.ceil(events / 2000)));
  const sessions = Math.min(10_000, Math.max(1, Math.ceil(events / 100)));
  const reportsPerHuman = Math.max(1, Math.ceil(events / 10 / humans));
  return { humans, sessions, reportsPerHuman };
}

/** The session record of seeded session `index`. */
export function seededSession(index: number, humans: number): SessionRecord {
  const owner = index % humans;
  const principal = agentOf(owner, index % 2);
  return {
    id: `session-${index}`,
    principal,
    principalKey: entityKey(principal),
    onBehalfOf: principal.onBehalfOf,
    intent: "file_expenses",
    openedAt: NOW - HISTORY_SPAN_MS,
    state: { status: "active" },
    revoked: false,
  };
}

/**
 * Writes `events` granted requests into `store`, with their sessions and the indexes of
 * `module`, and marks the indexes built so the runtime does not rebuild them.
 */
export async function seedHistory(store: Store, module: PolicyModule, events: number): Promise<void> {
  const facts = new PolicyFacts(module);
  const { humans, sessions, reportsPerHuman } = historyShape(events);
  const sessionRecords = Array.from({ length: sessions }, (_, index) => seededSession(index, humans));
  for (const record of sessionRecords) await store.saveSession(record);
  const humanRecords = Array.from({ length: humans }, (_, index) => human(index));
  const versions = new Map<string, number>();
  const templates = new Map<string, PolicyRequest>();
  const validated = (json: unknown, key: string): PolicyRequest => {
    let template = templates.get(key);
    if (!template) {
      const parsed = module.requestSchema.safeParse(json);
      if (!parsed.success) throw new Error(`a seeded request does not fit the policy: ${parsed.error.message}`);
      templates.set(key, (template = parsed.data));
    }
    return template;
  };
  const batch: GrantCommit[] = [];
  const flush = async () => {
    if (store instanceof SqliteStore) store.importGrants(batch);
    else for (const commit of batch) await store.commitGrant(commit);
    batch.length = 0;
  };
  for (let i = 0; i < events; i++) {
    const session = sessionRecords[i % sessions]!;
    const owner = Number(session.onBehalfOf?.id.slice(1));
    const kind = i % 10;
    const action = kind < 6 ? "read" : kind < 9 ? "submit" : "approve";
    const reportOwner = action === "approve" ? (owner + 5) % humans : owner;
    const resource = reportOf(reportOwner, Math.floor(i / sessions) % reportsPerHuman);
    const at = NOW - HISTORY_SPAN_MS + Math.floor((i * HISTORY_SPAN_MS) / events);
    const json = {
      principal: session.principal,
      action,
      resource,
      intent: action === "approve" ? "review_team" : "file_expenses",
      session: session.id,
      at: new Date(at).toISOString(),
      env: OFFICE_HOURS,
      entities: [humanRecords[owner], humanRecords[reportOwner]],
    };
    const request = retarget(validated(json, `${session.id}|${action}|${reportOwner}`), resource.id, at);
    const scope = entityKey(request.resource);
    const version = versions.get(scope) ?? 0;
    versions.set(scope, version + 1);
    const grant: GrantRecord = {
      id: `seed-${i}`,
      session: session.id,
      principal: { type: request.principal.type, id: request.principal.id },
      onBehalfOf: session.onBehalfOf,
      action,
      resource: { type: resource.type, id: resource.id },
      audience: "agp",
      policy: module.sourceHash,
      issuedAt: at,
      expiresAt: at + 300_000,
      revokedAt: null,
      revokedBy: null,
      uses: 1,
      lastUsedAt: at,
    };
    batch.push({
      grant,
      event: { grant: grant.id, at, event: eventOf(request), request: json },
      index: facts.entriesFor(request),
      scope,
      expectedVersion: version,
    });
    if (batch.length === 10_000) await flush();
  }
  await flush();
  await store.setMarker(`index:${facts.namespace}`, events);
}

/** `template` about another report of the same owner, at another time. */
function retarget(template: PolicyRequest, resourceId: string, at: number): PolicyRequest {
  return { ...template, resource: { ...template.resource, id: resourceId }, at };
}
