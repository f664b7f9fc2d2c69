/**
 * {@link Facts} answered by scanning a list of granted requests. This is the reference
 * reading of DESIGN.md's "History" section: `agp eval --history` and tests use it, and the
 * runtime's incremental indexes must agree with it. Its cost grows with the list, so
 * services use the runtime instead.
 */
import type { Facts, HistoryEvent, PolicyModule, PolicyRequest } from "./contract.js";

/** A history event built from a request that was granted. */
export function eventOf(request: PolicyRequest): HistoryEvent {
  return {
    action: request.action,
    principal: request.principal,
    resource: request.resource,
    session: request.session,
    at: request.at,
  };
}

/**
 * Facts over `history`, a list of earlier granted requests (validated with the module's
 * request schema). Only events at or before the current request's time count; `within D`
 * keeps those in the half-open window `(at - D, at]`.
 */
export function listFacts(
  module: Pick<PolicyModule, "historyQueries" | "separations">,
  history: readonly PolicyRequest[],
): Facts {
  const events = history.map((granted) => ({ granted, event: eventOf(granted) }));
  return {
    count(queryIndex, request) {
      const query = module.historyQueries[queryIndex];
      if (!query) throw new RangeError(`no history query ${queryIndex}`);
      let matches = 0;
      for (const { event } of events) {
        if (event.at > request.at) continue;
        if (query.withinMs !== null && event.at <= request.at - query.withinMs) continue;
        if (!inSource(query.source, event, request)) continue;
        if (query.where && !query.where(event, request)) continue;
        matches++;
      }
      return matches;
    },
    separatedActions(separationIndex, key, request) {
      const separation = module.separations[separationIndex];
      if (!separation) throw new RangeError(`no separation ${separationIndex}`);
      const actions = new Set<string>();
      for (const { granted } of events) {
        if (granted.at > request.at) continue;
        if (!sameResource(granted, request) || !separation.actions.includes(granted.action)) continue;
        if (separation.key(granted) === key) actions.add(granted.action);
      }
      return [...actions];
    },
  };
}

function inSource(source: "session" | "principal" | "resource", event: HistoryEvent, request: PolicyRequest): boolean {
  switch (source) {
    case "session":
      return event.session === request.session;
    case "principal":
      return event.principal.type === request.principal.type && event.principal.id === request.principal.id;
    case "resource":
      return event.resource.type === request.resource.type && event.resource.id === request.resource.id;
  }
}

function sameResource(a: PolicyRequest, b: PolicyRequest): boolean {
  return a.resource.type === b.resource.type && a.resource.id === b.resource.id;
}
