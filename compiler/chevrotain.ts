/**
 * The Chevrotain API, from Chevrotain's one-file bundle, which the package ships beside its
 * entry but leaves out of its exports map: the entry loads hundreds of `lodash-es` modules,
 * about 0.6 s on every command. The bundled CLI (scripts/bundle-cli.mjs) replaces this module
 * with a static import of the same file, so that it has no top-level await.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import type * as Chevrotain from "chevrotain";

// INVARIANT: the lexer and the parser use this one copy, so token types match across them.
export const chevrotainBundleUrl = new URL("../chevrotain.mjs", pathToFileURL(createRequire(import.meta.url).resolve("chevrotain")));
/** The Chevrotain API, loaded from {@link chevrotainBundleUrl}. */
export const chevrotain = (await import(chevrotainBundleUrl.href)) as typeof Chevrotain;
