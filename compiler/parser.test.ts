/**
 * The shared parser and lexer skip Chevrotain's validations to start faster; these build
 * them with the validations on, so a change that makes the grammar ambiguous or
 * left-recursive, or a token pattern unreachable, fails here rather than parsing wrongly.
 */
import { describe, expect, it } from "vitest";
import { createLexer } from "./lexer.js";
import { AgpParser } from "./parser.js";

describe("the agp grammar", () => {
  it("has token definitions that pass Chevrotain's lexer validations", () => {
    // The lexer throws on a definition error (and keeps the list on the instance).
    const lexer = createLexer({ validateTokens: true });
    expect(lexer.lexerDefinitionErrors).toEqual([]);
  });

  it("passes Chevrotain's grammar validations", () => {
    // Chevrotain throws "Parser Definition Errors detected" when a validation fails.
    expect(() => new AgpParser({ validateGrammar: true })).not.toThrow();
  });
});
