/**
 * The test file shown in the README's "Testing policies" section runs, and passes, against
 * the expenses example it quotes, so the README cannot show a test that does not work.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runTests } from "./__fixtures__/load.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const policy = readFileSync(new URL("../examples/expenses/expenses.agp", import.meta.url), "utf8");

describe("README Testing policies", () => {
  it("shows a test file whose cases pass against the expenses example", async () => {
    const section = /## Testing policies\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? "";
    const testFile = /```\n(\/\/ examples\/expenses[\s\S]*?)```/.exec(section)?.[1];
    expect(testFile).toBeDefined();
    const result = await runTests(testFile ?? "", {}, policy);
    expect(result.failed).toBe(0);
    expect(result.passed).toBe(2);
  });

  it("shows a CI workflow that checks, tests with full coverage and compiles", () => {
    const section = /## Testing policies\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? "";
    const workflow = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
    expect(workflow).toContain("npx agp check");
    expect(workflow).toContain("npx agp test policies --coverage-min 100");
    expect(workflow).toContain("npx agp compile");
    expect(section).toContain("(docs/testing.md)");
  });
});
