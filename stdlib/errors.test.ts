import { describe, expect, it } from "vitest";
import { EvaluationError, isEvaluationError, quoteUserText } from "./errors.js";

describe("EvaluationError", () => {
  it("is an Error with its own name", () => {
    const error = new EvaluationError("unknown time zone `Mars/Base`");
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("EvaluationError");
    expect(isEvaluationError(error)).toBe(true);
    expect(isEvaluationError(new RangeError("x"))).toBe(false);
  });
});

describe("quoteUserText", () => {
  it("keeps a message on one line whatever the user wrote", () => {
    expect(quoteUserText("a\nb`c\u2028")).toBe("`a\\u000ab\\`c\\u2028`");
    expect(quoteUserText("x".repeat(300))).toHaveLength(203);
  });
});
