import { describe, expect, it } from "vitest";
import { agp } from "./cli-harness.js";

describe("agp test", () => {
  it("runs the examples with full coverage", async () => {
    const run = await agp(["test", "examples", "--coverage-min", "100"]);
    console.log(run.stdout, run.stderr);
    expect(run.code).toBe(0);
  });
});
