/**
 * How hard the hardening suites try: a quick pass in `npm test`, a longer one under
 * `npm run fuzz` (which sets AGP_FUZZ=1). AGP_FUZZ_SEED replays one fast-check seed.
 */

/** True under `npm run fuzz`. */
export const fuzzing: boolean = process.env.AGP_FUZZ === "1";

/** `quick` in `npm test`, `thorough` under `npm run fuzz`. */
export function runs(quick: number, thorough: number): number {
  return fuzzing ? thorough : quick;
}

/** fast-check parameters for `runs(quick, thorough)` runs, replaying AGP_FUZZ_SEED when set. */
export function checkParameters(quick: number, thorough: number): { numRuns: number; seed?: number } {
  const seed = process.env.AGP_FUZZ_SEED === undefined ? undefined : Number(process.env.AGP_FUZZ_SEED);
  return {
    numRuns: runs(quick, thorough),
    ...(seed === undefined ? {} : { seed }),
  };
}
