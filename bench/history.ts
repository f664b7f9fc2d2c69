/**
 * Decision time against history length: agp's `decide` with its facts read at decision
 * time from a {@link HistoryIndex} holding 10, 10,000 or 1,000,000 earlier granted
 * requests, spread over the corpus's sessions, reports and employees, beside the
 * hand-written function reading the same index: a larger index costs more to read (more
 * cache misses, longer searches), whoever reads it, so agp's ratio to the hand-written
 * function at each length shows whether agp itself grows with history. The indexes live side
 * by side and the engines are timed interleaved, like the decision benchmark.
 */
import type { Facts, PolicyModule, PolicyRequest } from "../stdlib/contract.js";
import type { Corpus } from "./corpus.js";
import { CORPUS_START, SEPARATED_ACTIONS } from "./corpus.js";
import { checkAgreement } from "./agreement.js";
import { agpEngine } from "./engines/agp.js";
import { handIndexedEngine } from "./engines/hand.js";
import { HistoryIndex, indexFacts } from "./history-index.js";
import { Prng } from "./prng.js";
import { entityKey } from "../stdlib/entities.js";
import type { EngineTiming, TimingOptions } from "./timing.js";
import { timeInterleaved } from "./timing.js";

/** The figures for one history length: agp's, and the hand-written function's on the same index. */
export interface HistoryResult extends EngineTiming {
  readonly events: number;
  readonly buildMs: number;
  /** The hand-written function on the same index (it agreed with agp on every request, or the run stops). */
  readonly hand: EngineTiming;
}

const WEEK_MS = 7 * 24 * 3600 * 1000;

/**
 * An index of `events` granted requests, from a week before the corpus to its last request,
 * in the corpus's sessions and on its reports, by 300 employees who are not in the corpus:
 * counts and separation sets grow with history while the corpus's decisions stay the same,
 * so the figures show the cost of a larger index, not of another mix of decisions.
 */
export function syntheticHistory(corpus: Corpus, events: number, seed: number): HistoryIndex {
  const random = new Prng(seed);
  const sessions = [...new Set(corpus.requests.map((request) => request.session))];
  const chains = Array.from({ length: 300 }, (_, k) => entityKey({ type: "User", id: `history-user-${k}` }));
  const last = corpus.requests[corpus.requests.length - 1]?.at ?? CORPUS_START;
  const start = CORPUS_START - WEEK_MS;
  const index = new HistoryIndex(SEPARATED_ACTIONS);
  for (let k = 0; k < events; k++) {
    index.record({
      session: random.pick(sessions),
      // INVARIANT: times grow with k, so every session's events arrive in time order.
      at: start + Math.floor(((last - start) * k) / events),
      action: random.pick(["submit", "approve", "read"]),
      resourceId: random.pick(corpus.reports).id,
      chainKey: random.pick(chains),
    });
  }
  return index;
}

/** Times agp over the corpus with facts from indexes of each of `lengths`. */
export function runHistory(
  module: PolicyModule,
  corpus: Corpus,
  requests: readonly PolicyRequest[],
  lengths: readonly number[],
  options: TimingOptions,
): HistoryResult[] {
  const built = lengths.map((events) => {
    const started = performance.now();
    const index = syntheticHistory(corpus, events, 7 + events);
    const facts: Facts = indexFacts(module, index);
    return { events, index, facts, buildMs: performance.now() - started };
  });
  const agp = built.map(({ events, facts }) =>
    agpEngine(module, requests, requests.map(() => facts), `agp, ${events.toLocaleString("en-US")} events`),
  );
  const hand = built.map(({ events, index }) => handIndexedEngine(requests, index, `hand-written, ${events.toLocaleString("en-US")} events`));
  built.forEach(({ events }, i) => {
    const [agreement] = checkAgreement(hand[i]!, [agp[i]!], requests.length);
    if (agreement && agreement.mismatches > 0) {
      throw new Error(`agp and the hand-written function disagree with ${events} events of history: ${agreement.examples.join("; ")}`);
    }
  });
  const timings = timeInterleaved([...agp, ...hand], requests.length, options);
  return built.map(({ events, buildMs }, i) => ({
    ...timings[i]!,
    events,
    buildMs,
    hand: timings[built.length + i]!,
  }));
}
