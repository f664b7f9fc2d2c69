/**
 * A simple incremental history index, the kind a service keeps so that a decision's cost
 * does not grow with history: per session the sorted times of its granted requests (a
 * window count is two binary searches), and per resource and delegation chain the actions
 * of a separation it was granted. The benchmark uses it to precompute the corpus's
 * history-derived facts, and to time agp's `decide` against histories of growing length.
 */
import { upperBound } from "../runtime/stores/sorted.js";
import type { Facts, PolicyModule, PolicyRequest } from "../stdlib/contract.js";

/** One granted request, as the index records it. */
export interface IndexedEvent {
  readonly session: string;
  readonly at: number;
  readonly action: string;
  readonly resourceId: string;
  /** The separation key of the chain (`entityKey` of `principal.onBehalfOf`). */
  readonly chainKey: string;
}

/** Session windows and separation sets, maintained as events are granted. */
export class HistoryIndex {
  private readonly timesBySession = new Map<string, number[]>();
  private readonly actionsByResource = new Map<string, Map<string, string[]>>();
  private events = 0;

  /** @param separatedActions the actions a separation groups; other actions are not indexed by chain. */
  constructor(private readonly separatedActions: readonly string[]) {}

  /** The number of events recorded. */
  get size(): number {
    return this.events;
  }

  /** Records a granted request. INVARIANT: a session's events arrive in time order. */
  record(event: IndexedEvent): void {
    let times = this.timesBySession.get(event.session);
    if (!times) {
      times = [];
      this.timesBySession.set(event.session, times);
    }
    const last = times[times.length - 1];
    if (last !== undefined && last > event.at) throw new RangeError("events of a session must arrive in time order");
    times.push(event.at);
    this.events++;
    if (!this.separatedActions.includes(event.action)) return;
    let byChain = this.actionsByResource.get(event.resourceId);
    if (!byChain) {
      byChain = new Map();
      this.actionsByResource.set(event.resourceId, byChain);
    }
    const actions = byChain.get(event.chainKey);
    if (!actions) byChain.set(event.chainKey, [event.action]);
    else if (!actions.includes(event.action)) actions.push(event.action);
  }

  /** The session's events in the half-open window `(at - windowMs, at]`; all up to `at` when `windowMs` is null. */
  countInSession(session: string, at: number, windowMs: number | null): number {
    const times = this.timesBySession.get(session);
    if (!times) return 0;
    const upTo = upperBound(times, at);
    return windowMs === null ? upTo : upTo - upperBound(times, at - windowMs);
  }

  /** The separated actions the chain was granted on the resource. */
  chainActions(resourceId: string, chainKey: string): readonly string[] {
    return this.actionsByResource.get(resourceId)?.get(chainKey) ?? NO_ACTIONS;
  }
}

const NO_ACTIONS: readonly string[] = Object.freeze([]);

/**
 * agp {@link Facts} answered from `index` at decision time. Only `where`-free queries over
 * `session` are supported: the benchmark policy has no other.
 */
export function indexFacts(module: Pick<PolicyModule, "historyQueries">, index: HistoryIndex): Facts {
  const windows = module.historyQueries.map((query) => {
    if (query.source !== "session" || query.where !== null) throw new Error(`the bench index cannot answer \`${query.text}\``);
    return query.withinMs;
  });
  return {
    count(query: number, request: PolicyRequest): number {
      const windowMs = windows[query];
      if (windowMs === undefined) throw new RangeError(`no history query ${query}`);
      return index.countInSession(request.session, request.at, windowMs);
    },
    separatedActions(_separation: number, key: string, request: PolicyRequest): readonly string[] {
      return index.chainActions(request.resource.id, key);
    },
  };
}
