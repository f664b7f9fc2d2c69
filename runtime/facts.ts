/**
 * History facts from incrementally maintained indexes. For one policy version
 * ({@link PolicyFacts}), this module decides which store keys an event is indexed under
 * when it is granted, and which keys a decision reads:
 * - every event counts in the series of its session, principal and resource (policy-free);
 *   a `where`-free query counts that series over its window;
 * - a query whose `where` reads only the event (`dependsOnRequest === false`) has its own
 *   series per source key, filled with the matching events as they are granted;
 * - a query whose `where` reads the request scans only that source key's events in the window;
 * - a separation has a set per (separation, resource, key) of the actions granted.
 * A decision therefore costs O(log n) per count, whatever the length of history.
 * Counts see the events at or before the request's time, as `listFacts` does; a separation
 * sees every recorded grant on the resource whatever its time, which agrees with `listFacts`
 * whenever history precedes the request and fails closed when instances' clocks disagree.
 *
 * Policy-dependent keys start with the policy's `sourceHash`, so a newly loaded version
 * gets its own indexes ({@link rebuildIndexes} fills them from the recorded events).
 */
import { eventOf } from "../stdlib/list-facts.js";
import type { Facts, HistoryEvent, HistoryQuery, PolicyModule, PolicyRequest } from "../stdlib/contract.js";
import type { EntityRef } from "../stdlib/contract.js";
import type { CommittedEvent, EventRecord, FactsPlan, FactsReading, IndexEntries, SetEntry, Store } from "./stores/store.js";
import { entityKey } from "./stores/store.js";

type Source = HistoryQuery["source"];

/** The policy-free series of a source: every granted event of that session, principal or resource. */
export function sourceSeries(source: Source, event: { readonly session: string; readonly principal: EntityRef; readonly resource: EntityRef }): string {
  switch (source) {
    case "session":
      return `src|session|${event.session}`;
    case "principal":
      return `src|principal|${entityKey(event.principal)}`;
    case "resource":
      return `src|resource|${entityKey(event.resource)}`;
  }
}

const SOURCES: readonly Source[] = ["session", "principal", "resource"];

/** A decision's plan: what to read, and how to answer `Facts` calls from the reading. */
export interface PreparedFacts {
  readonly plan: FactsPlan;
  /** Per separation: the position of its set in `plan.sets` and the key it was read for, or null. */
  readonly separations: readonly ({ readonly key: string; readonly set: number; readonly errors: number } | null)[];
  /** Per history query: how its count is read. */
  readonly queries: readonly QueryReading[];
}

type QueryReading =
  | { readonly kind: "count"; readonly count: number; readonly errors: number | null }
  | { readonly kind: "scan"; readonly scan: number };

/** The index keys and fact reads of one policy version. */
export class PolicyFacts {
  readonly namespace: string;

  /** The sources whose history some query counts or scans. */
  private readonly countedSources: readonly Source[];

  constructor(readonly module: PolicyModule) {
    this.namespace = module.sourceHash;
    this.countedSources = SOURCES.filter((source) => module.historyQueries.some((query) => query.source === source));
  }

  /**
   * What a decision on `request` reads and its grant writes, as lock keys: the resource (its
   * separation sets and scope version) and the history series its queries count, which the
   * grant extends. Requests holding these one at a time (in one process) read exact counts:
   * two requests of one session on different resources are not both under a rate limit
   * that only one of them fits.
   */
  lockKeys(request: PolicyRequest): string[] {
    const keys = [entityKey(request.resource)];
    for (const source of this.countedSources) keys.push(sourceSeries(source, request));
    return keys;
  }

  /** Every index entry of a newly granted request (policy-free and policy-dependent). */
  entriesFor(granted: PolicyRequest): IndexEntries {
    const own = this.policyEntriesFor(granted);
    const event = eventOf(granted);
    return { series: [...SOURCES.map((source) => sourceSeries(source, event)), ...own.series], sets: own.sets };
  }

  /**
   * The policy-dependent entries of a granted request. A condition or key that throws on
   * the event is recorded in an error key, and a later decision reading it is denied.
   */
  policyEntriesFor(granted: PolicyRequest): IndexEntries {
    const event = eventOf(granted);
    const series: string[] = [];
    this.module.historyQueries.forEach((query, index) => {
      if (query.where === null || query.dependsOnRequest) return;
      let matches: boolean;
      try {
        matches = query.where(event, granted);
      } catch {
        series.push(this.errorSeries(index, sourceSeries(query.source, event)));
        return;
      }
      if (matches) series.push(this.querySeries(index, sourceSeries(query.source, event)));
    });
    const sets: SetEntry[] = [];
    this.module.separations.forEach((separation, index) => {
      if (separation.resourceType !== granted.resource.type || !separation.actions.includes(granted.action)) return;
      try {
        sets.push({ key: this.separationSet(index, entityKey(granted.resource), separation.key(granted)), member: granted.action });
      } catch {
        sets.push({ key: this.separationErrors(index, entityKey(granted.resource)), member: granted.action });
      }
    });
    return { series, sets };
  }

  /** Entries for an event that the policy's schema no longer accepts: every policy key is poisoned. */
  unreadableEntriesFor(event: HistoryEvent): IndexEntries {
    const series = this.module.historyQueries.flatMap((query, index) =>
      query.where !== null && !query.dependsOnRequest ? [this.errorSeries(index, sourceSeries(query.source, event))] : [],
    );
    const sets = this.module.separations.flatMap((separation, index) =>
      separation.resourceType === event.resource.type && separation.actions.includes(event.action)
        ? [{ key: this.separationErrors(index, entityKey(event.resource)), member: event.action }]
        : [],
    );
    return { series, sets };
  }

  /** What a decision on `request` reads. */
  prepare(request: PolicyRequest): PreparedFacts {
    const event = eventOf(request);
    const counts: { series: string; fromExclusive: number | null }[] = [];
    const scans: { series: string; fromExclusive: number | null }[] = [];
    const queries = this.module.historyQueries.map((query, index): QueryReading => {
      const source = sourceSeries(query.source, event);
      const fromExclusive = query.withinMs === null ? null : request.at - query.withinMs;
      if (query.where !== null && query.dependsOnRequest) {
        scans.push({ series: source, fromExclusive });
        return { kind: "scan", scan: scans.length - 1 };
      }
      if (query.where === null) {
        counts.push({ series: source, fromExclusive });
        return { kind: "count", count: counts.length - 1, errors: null };
      }
      counts.push({ series: this.querySeries(index, source), fromExclusive });
      counts.push({ series: this.errorSeries(index, source), fromExclusive });
      return { kind: "count", count: counts.length - 2, errors: counts.length - 1 };
    });
    const sets: string[] = [];
    const separations = this.module.separations.map((separation, index) => {
      if (separation.resourceType !== request.resource.type) return null;
      let key: string;
      try {
        key = separation.key(request);
      } catch {
        return null;
      }
      sets.push(this.separationSet(index, entityKey(request.resource), key), this.separationErrors(index, entityKey(request.resource)));
      return { key, set: sets.length - 2, errors: sets.length - 1 };
    });
    return { plan: { scope: entityKey(request.resource), at: request.at, counts, scans, sets }, separations, queries };
  }

  /** The synchronous {@link Facts} a module's `decide` reads, answered from `reading`. */
  factsFrom(prepared: PreparedFacts, reading: FactsReading, request: PolicyRequest): Facts {
    const { module } = this;
    return {
      count(queryIndex) {
        const query = module.historyQueries[queryIndex];
        const how = prepared.queries[queryIndex];
        if (!query || !how) throw new RangeError(`no history query ${queryIndex}`);
        if (how.kind === "scan") {
          const where = query.where;
          const events = reading.scans[how.scan] ?? [];
          return where === null ? events.length : events.filter((stored) => where(stored.event, request)).length;
        }
        if (how.errors !== null && (reading.counts[how.errors] ?? 0) > 0) {
          throw new Error(`history query \`${query.text}\` failed on a recorded event`);
        }
        return reading.counts[how.count] ?? 0;
      },
      separatedActions(separationIndex, key) {
        const separation = module.separations[separationIndex];
        if (!separation) throw new RangeError(`no separation ${separationIndex}`);
        if (separation.resourceType !== request.resource.type) return [];
        const how = prepared.separations[separationIndex];
        if (!how || how.key !== key) throw new Error(`separation \`${separation.name}\` was not read for key \`${key}\``);
        if ((reading.sets[how.errors] ?? []).length > 0) {
          throw new Error(`separation \`${separation.name}\` could not index a recorded grant`);
        }
        return reading.sets[how.set] ?? [];
      },
    };
  }

  private querySeries(query: number, source: string): string {
    return `${this.namespace}|q${query}|${source}`;
  }

  private errorSeries(query: number, source: string): string {
    return `${this.namespace}|q${query}!|${source}`;
  }

  private separationSet(separation: number, resource: string, key: string): string {
    return `${this.namespace}|sep${separation}|${JSON.stringify([resource, key])}`;
  }

  private separationErrors(separation: number, resource: string): string {
    return `${this.namespace}|sep${separation}!|${resource}`;
  }
}

const REBUILD_PAGE = 1000;

/**
 * How far one runtime knows a policy version's indexes to be complete: every event up to
 * `through` is indexed under the version. Grants a runtime of the same version commits are
 * indexed with their commit; grants of another version (another process, mid-deploy) are
 * indexed by {@link catchUpIndexes} before a decision reads facts that could miss them.
 */
export class IndexProgress {
  through = 0;

  /** Records that this runtime committed event `seq` with its entries. */
  committed(seq: number): void {
    if (seq === this.through + 1) this.through = seq;
  }
}

/** The entries of a recorded event under `facts`' version (poisoned when its request no longer fits). */
function entriesOfEvent(facts: PolicyFacts, stored: EventRecord): { seq: number; at: number; index: IndexEntries } {
  const parsed = facts.module.requestSchema.safeParse(stored.request);
  const index = parsed.success ? facts.policyEntriesFor(parsed.data) : facts.unreadableEntriesFor(stored.event);
  return { seq: stored.seq, at: stored.at, index };
}

/**
 * Indexes, under `facts`' version, the recorded events after `after` that `include` accepts,
 * page by page; returns the last event read (or `after`) and how many it indexed.
 */
async function indexEventsAfter(
  store: Store,
  facts: PolicyFacts,
  after: number,
  include: (stored: CommittedEvent) => boolean,
): Promise<{ last: number; indexed: number }> {
  let last = after;
  let indexed = 0;
  for (;;) {
    const events = await store.readEvents(last, REBUILD_PAGE);
    const chosen = events.filter(include);
    if (chosen.length > 0) await store.addIndexEntries(chosen.map((stored) => entriesOfEvent(facts, stored)));
    indexed += chosen.length;
    last = events[events.length - 1]?.seq ?? last;
    if (events.length < REBUILD_PAGE) return { last, indexed };
  }
}

/**
 * Indexes, under `facts`' version, the events recorded after `progress.through` by
 * runtimes of other versions (a rolling deploy shares one store between two versions), and
 * advances `progress` past every event read; returns how many it indexed. Idempotent, like a
 * rebuild. Events of the same version were indexed by their own commits, atomically.
 */
export async function catchUpIndexes(store: Store, facts: PolicyFacts, progress: IndexProgress): Promise<number> {
  const { last, indexed } = await indexEventsAfter(store, facts, progress.through, (stored) => stored.policy !== facts.namespace);
  progress.through = Math.max(progress.through, last);
  return indexed;
}

/**
 * Brings a policy version's indexes up to date with the recorded events, from where the
 * last rebuild for that version stopped, and sets `progress` to the last event indexed.
 * Adding entries is idempotent, so a rebuild that overlaps grants already indexed under
 * this version is harmless.
 */
export async function rebuildIndexes(store: Store, facts: PolicyFacts, progress = new IndexProgress()): Promise<number> {
  const marker = `index:${facts.namespace}`;
  const { last: after, indexed } = await indexEventsAfter(store, facts, (await store.getMarker(marker)) ?? 0, () => true);
  await store.setMarker(marker, after);
  progress.through = Math.max(progress.through, after);
  return indexed;
}
