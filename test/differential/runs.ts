/**
 * How hard the hardening tests try: a few runs in `npm test`, many under `npm run fuzz`
 * (which sets AGP_FUZZ=1). AGP_FUZZ_SEED replays one fast-check seed.
 */

/** True under `npm run fuzz`. */
export const fuzzing: boolean = process.env.AGP_FUZZ === "1";

/** `quick` runs in `npm test`, `thorough` under `npm run fuzz`. */
export function runs(quick: number, thorough: number): number {
  return fuzzing ? thorough : quick;
}

/** The fast-check seed to replay, when AGP_FUZZ_SEED is set. */
export const fuzzSeed: number | undefined =
  process.env.AGP_FUZZ_SEED === undefined ? undefined : Number(process.env.AGP_FUZZ_SEED);
