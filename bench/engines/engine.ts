/**
 * What every engine of the decision benchmark provides: a timed loop over its own,
 * pre-converted requests, and an answer per request for the agreement check.
 */

/** One engine's answer to one corpus request, for comparing engines. */
export interface Answer {
  readonly allow: boolean;
  /** The rules that decided, sorted; absent when the engine does not say. */
  readonly rules?: readonly string[];
  /** The grant's TTL in seconds (null on a deny); absent when the engine has no TTLs. */
  readonly ttlSeconds?: number | null;
}

/** An engine ready to decide the corpus, its requests already in its own shape. */
export interface Engine {
  readonly name: string;
  /** The package (or policy) version it runs. */
  readonly version: string;
  /**
   * Decides `count` corpus requests from `start` (wrapping around) and returns how many
   * were allowed. INVARIANT: the loop lives in each engine's own file, so the call to the
   * engine's decision function stays monomorphic; the harness calls this once per batch.
   */
  runBatch(start: number, count: number): number;
  /** The engine's inputs for corpus request `index`, which the harness may bring into the cache before timing. */
  input(index: number): unknown;
  /** The answer to corpus request `index` (untimed). */
  answer(index: number): Answer;
}

/** The answer of an engine that only says allow or deny. */
export function bareAnswer(allow: boolean): Answer {
  return { allow };
}
