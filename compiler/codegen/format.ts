/**
 * Formats generated modules with prettier under a configuration pinned inside the compiler,
 * never the user's, so the same policy gives byte-identical output on every machine.
 */
import * as prettier from "prettier";

/** The pinned prettier options of generated code. */
export const pinnedPrettierOptions: prettier.Options = {
  // babel-ts prints TypeScript like the typescript parser and parses it about twice as fast.
  parser: "babel-ts",
  printWidth: 120,
  tabWidth: 2,
  useTabs: false,
  semi: true,
  singleQuote: false,
  quoteProps: "as-needed",
  trailingComma: "all",
  bracketSpacing: true,
  arrowParens: "always",
  endOfLine: "lf",
};

/** Formats generated TypeScript. Throws on a syntax error (a compiler bug). */
export async function formatTypescript(code: string): Promise<string> {
  return prettier.format(code, pinnedPrettierOptions);
}
