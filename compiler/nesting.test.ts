import { describe, expect, it } from "vitest";
import { tokenize } from "./lexer.js";
import { findExcessiveNesting, maxNestingDepth, maxTreeDepth } from "./nesting.js";
import { Source } from "./source.js";

/** The limit a condition passes, or undefined when it stays within both. */
function limitPassed(condition: string): number | undefined {
  const { tokens } = tokenize(new Source(`allow r: read when ${condition}`, "n.agp"));
  return findExcessiveNesting(tokens)?.limit;
}

const chain = (count: number, operand: string, operator: string): string =>
  Array.from({ length: count }, () => operand).join(` ${operator} `);

describe("findExcessiveNesting", () => {
  it("counts each `.` of a member chain as a level", () => {
    expect(limitPassed(`env${".n".repeat(maxTreeDepth - 1)} > 0`)).toBeUndefined();
    expect(limitPassed(`env${".n".repeat(maxTreeDepth + 1)} > 0`)).toBe(maxTreeDepth);
    expect(limitPassed(`env${".n".repeat(10_000)} > 0`)).toBe(maxTreeDepth);
    expect(limitPassed(`has env${".n".repeat(10_000)}`)).toBe(maxTreeDepth);
  });

  it("counts a chain of N operators as N levels, whatever its operands", () => {
    expect(limitPassed(chain(maxTreeDepth, "x", "or"))).toBeUndefined();
    expect(limitPassed(chain(maxTreeDepth + 2, "x", "or"))).toBe(maxTreeDepth);
    // Comparisons under an `or` add one level, not one per operand (the chain is left-deep).
    expect(limitPassed(chain(maxTreeDepth - 5, "env.n > 1", "or"))).toBeUndefined();
    expect(limitPassed(chain(5_000, "env.n > 1", "or"))).toBe(maxTreeDepth);
    expect(limitPassed(`${chain(maxTreeDepth - 5, "env.n", "+")} > 0`)).toBeUndefined();
    expect(limitPassed(`${chain(maxTreeDepth + 5, "env.n", "-")} > 0`)).toBe(maxTreeDepth);
  });

  it("adds the chains inside brackets, calls and lists to the levels around them", () => {
    const half = Math.floor(maxTreeDepth / 2);
    expect(limitPassed(`(${chain(half, "x", "and")}) or (${chain(half, "x", "and")})`)).toBeUndefined();
    expect(limitPassed(`${chain(half, "x", "or")} or (${chain(half + 5, "x", "and")})`)).toBe(maxTreeDepth);
    expect(limitPassed(`length([${chain(maxTreeDepth + 5, "1", "+")}]) > 0`)).toBe(maxTreeDepth);
    // Elements of a list are side by side, not nested.
    expect(limitPassed(`x in [${chain(maxTreeDepth * 3, "1", ",")}]`)).toBeUndefined();
  });

  it("bounds brackets and prefix operators separately, for the parser's recursion", () => {
    expect(limitPassed(`${"(".repeat(maxNestingDepth)}x${")".repeat(maxNestingDepth)}`)).toBeUndefined();
    expect(limitPassed(`${"(".repeat(maxNestingDepth + 1)}x${")".repeat(maxNestingDepth + 1)}`)).toBe(maxNestingDepth);
    expect(limitPassed(`${"not ".repeat(10_000)}x`)).toBe(maxNestingDepth);
    expect(limitPassed(`${"- ".repeat(10_000)}1 > 0`)).toBe(maxNestingDepth);
  });
});
