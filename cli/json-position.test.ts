import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findJsonError } from "./json-position.js";

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe("findJsonError", () => {
  it("points at the offending token", () => {
    expect(findJsonError('{\n  "principal": ,\n}')).toEqual({ offset: 17, found: "`,`" });
    expect(findJsonError('{"a": 1')).toEqual({ offset: 7, found: "end of file" });
    expect(findJsonError('{"a": 1} x')).toEqual({ offset: 9, found: "`x`" });
    expect(findJsonError('["\\q"]')).toEqual({ offset: 2, found: "`\\`" });
    expect(findJsonError("[01]")).toEqual({ offset: 2, found: "`1`" });
  });

  it("agrees with JSON.parse on every valid document", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, pretty) => {
        expect(findJsonError(JSON.stringify(value, null, pretty ? 2 : 0))).toBeUndefined();
      }),
    );
  });

  it("agrees with JSON.parse on mutated documents", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(), fc.constantFrom("", ",", "}", "]", '"', ":", "x", "\\", "\n"), (value, at, insert) => {
        const text = JSON.stringify(value);
        const position = at % (text.length + 1);
        const mutated = text.slice(0, position) + insert + text.slice(position + (insert === "" ? 1 : 0));
        expect(findJsonError(mutated) === undefined).toBe(parses(mutated));
      }),
      { numRuns: 500 },
    );
  });
});
