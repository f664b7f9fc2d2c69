import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { upperBound } from "./sorted.js";

const naive = (sorted: readonly number[], value: number): number => sorted.filter((x) => x <= value).length;

describe("upperBound", () => {
  it("finds the first position above the value, like counting, at every position of any sorted series", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 200 }), fc.integer({ min: -5, max: 55 }), (values, value) => {
        const sorted = [...values].sort((a, b) => a - b);
        expect(upperBound(sorted, value)).toBe(naive(sorted, value));
      }),
      { numRuns: 500 },
    );
  });

  it("handles the empty series and values beyond both ends", () => {
    expect(upperBound([], 3)).toBe(0);
    expect(upperBound([1, 2, 3], 0)).toBe(0);
    expect(upperBound([1, 2, 3], 3)).toBe(3);
    expect(upperBound([1, 1, 1, 2], 1)).toBe(3);
  });
});
