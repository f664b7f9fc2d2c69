/**
 * Lets a plain `node` child process run the runtime's TypeScript sources, so tests that
 * spawn processes (the SIGKILL test) exercise the code under test, not a stale build:
 * `node --import ./runtime/__fixtures__/ts-loader.mjs child.ts`. It transpiles each `.ts`
 * file with the TypeScript compiler (no type-check) and resolves `./x.js` to `./x.ts`.
 */
import { register } from "node:module";

register("./ts-loader-hooks.mjs", import.meta.url);
