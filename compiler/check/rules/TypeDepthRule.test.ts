import { describe, expect, it } from "vitest";
import { diagnose } from "../testSupport.js";
import { maxTypeDepth } from "./TypeDepthRule.js";

const lists = (depth: number): string => `${"[".repeat(depth)}number${"]".repeat(depth)}`;
const optionalRecords = (depth: number): string => `${"{ x: ".repeat(depth)}number${" }?".repeat(depth)}`;

describe("TypeDepthRule", () => {
  it("accepts lists and records nested up to the limit", () => {
    expect(diagnose(`entity Deep { a: ${lists(maxTypeDepth)}, b: ${optionalRecords(maxTypeDepth)} }`)).toEqual([]);
  });

  it("underlines the first list or record past the limit, once per declaration", () => {
    expect(diagnose(`entity Deep { a: ${lists(maxTypeDepth + 1)}, b: ${lists(maxTypeDepth + 5)} }`)).toEqual([
      { code: "AGP3014", text: "[number]" },
    ]);
    expect(diagnose(`entity Deep { a: [${optionalRecords(maxTypeDepth)}] }`)).toEqual([
      { code: "AGP3014", text: "{ x: number }" },
    ]);
  });
});
