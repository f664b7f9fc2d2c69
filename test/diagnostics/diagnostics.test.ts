/**
 * One sample per diagnostic code. Each file in `samples/` starts with lines
 * `// expect AGPxxxx \`underlined text\`` and must report exactly those codes, each
 * underlining exactly that text (Cedar's habit: assert the source text, not offsets).
 * Test-file samples (`*.test.agp`) are checked against `samples/_base.agp`, then have the
 * decision files of their `expect ... matches` steps read, as `agp test` does.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { check, checkTest, diagnosticCodes, type Diagnostic } from "../../compiler/index.js";
import { loadExpectedDecisions } from "../../harness/expected-decisions.js";

const samplesDirectory = path.join(path.dirname(fileURLToPath(import.meta.url)), "samples");
const sampleFiles = readdirSync(samplesDirectory)
  .filter((name) => name.endsWith(".agp") && !name.startsWith("_"))
  .sort();

const basePolicy = check(readFileSync(path.join(samplesDirectory, "_base.agp"), "utf8"), { path: "_base.agp" });

function expectations(text: string): { code: string; underlined: string }[] {
  return [...text.matchAll(/^\/\/ expect (AGP\d{4}) `(.*)`$/gm)].map((m) => ({ code: m[1] ?? "", underlined: m[2] ?? "" }));
}

function diagnose(name: string, text: string): readonly Diagnostic[] {
  if (name.endsWith(".test.agp")) {
    const checked = checkTest(text, { path: name }, (policyName) => (policyName === "base" ? basePolicy.policy : undefined), [
      "base",
    ]);
    // `agp test` reads the files that `expect ... matches` names once the test checks cleanly.
    if (!checked.test || checked.diagnostics.length > 0) return checked.diagnostics;
    return loadExpectedDecisions(checked.test, samplesDirectory).diagnostics;
  }
  return check(text, { path: name }).diagnostics;
}

describe("diagnostic samples", () => {
  it("the base policy of the test-file samples is clean", () => {
    expect(basePolicy.diagnostics).toEqual([]);
  });

  it.each(sampleFiles)("%s reports exactly its expected diagnostics", (name) => {
    const text = readFileSync(path.join(samplesDirectory, name), "utf8");
    const expected = expectations(text);
    expect(expected.length).toBeGreaterThan(0);
    const reported = diagnose(name, text).map((d) => ({ code: d.code, underlined: d.source.slice(d.span) }));
    expect(reported).toEqual(expected);
  });

  it("every diagnostic code except internal errors has a sample", () => {
    const sampled = new Set(sampleFiles.map((name) => name.replace(/\..*$/, "")));
    const missing = Object.keys(diagnosticCodes).filter((code) => !code.startsWith("AGP9") && !sampled.has(code));
    expect(missing).toEqual([]);
  });
});
