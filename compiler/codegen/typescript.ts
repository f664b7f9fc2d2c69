/**
 * The TypeScript compiler, loaded on first use. Only type-checking and `.js`/`.d.ts` output
 * need it; `agp check`, `agp test` and in-memory compiles never do, and loading its 9 MB of
 * JavaScript costs about 0.4 s.
 */
import { createRequire } from "node:module";
import type * as TypeScript from "typescript";

let loaded: typeof TypeScript | undefined;

/** The `typescript` package. */
export function typescript(): typeof TypeScript {
  // Required, not imported: importing TypeScript as an ES module makes Node scan all of its
  // CommonJS source for export names, about 0.9 s of CPU.
  loaded ??= createRequire(import.meta.url)("typescript") as typeof TypeScript;
  return loaded;
}
