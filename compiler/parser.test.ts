/**
 * The shared parser skips Chevrotain's grammar validations to start faster; this builds one
 * with them on, so a grammar change that makes the grammar ambiguous, left-recursive or
 * otherwise invalid fails here rather than parsing wrongly.
 */
import { describe, expect, it } from "vitest";
import { AgpParser } from "./parser.js";

describe("the agp grammar", () => {
  it("passes Chevrotain's grammar validations", () => {
    let parser: AgpParser | undefined;
    expect(() => {
      parser = new AgpParser({ validateGrammar: true });
    }).not.toThrow();
    expect(parser?.definitionErrors).toEqual([]);
  });
});
