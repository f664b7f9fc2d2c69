import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../compiler/index.js";
import { checkedTest, fixture } from "./__fixtures__/load.js";
import { failureLines } from "./failure-text.js";
import { jsonDiff } from "./json-diff.js";
import { runSuite } from "./suite.js";

const nightDeny = {
  decision: "deny",
  grant: null,
  rules: ["night"],
  reasons: ["too early"],
  consequences: [],
};

/** Writes `files` into a fresh directory and runs `cases` (a test file there) against the fixture policy. */
async function runWithFiles(cases: string, files: Record<string, string>) {
  const directory = mkdtempSync(path.join(tmpdir(), "agp-matches-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(directory, name), text);
  const text = `test docs
let ann = User { approver: true }
let anns_agent = Assistant { onBehalfOf: ann }
let plan = Doc { owner: ann, label: internal }
let day = { hour: 10 }
${cases}`;
  return runSuite({ tests: [checkedTest(fixture("docs.agp"), text, path.join(directory, "docs.test.agp"))] });
}

const lateRead = `case "late read" { session anns_agent intent work env day
  expect deny read plan env { hour: 5 } matches "late.json" }`;

describe("expect ... matches FILE.json", () => {
  it("passes when the whole decision JSON is the file's", async () => {
    const outcome = await runWithFiles(lateRead, { "late.json": JSON.stringify(nightDeny) });
    expect(outcome.diagnostics).toEqual([]);
    expect(outcome.result?.passed).toBe(1);
  });

  it("fails with the step's location and a line diff of expected and actual JSON", async () => {
    const outcome = await runWithFiles(lateRead, { "late.json": JSON.stringify({ ...nightDeny, reasons: ["too late"] }) });
    const failure = outcome.result?.files[0]?.cases[0]?.failure;
    expect(failure?.message).toBe("the decision JSON differs from `late.json`");
    expect(failure?.at.line).toBe(7);
    const text = failureLines(failure!).join("\n");
    expect(text).toContain('-     "too late"');
    expect(text).toContain('+     "too early"');
    expect(text).toContain("how each rule for the action fared");
  });

  it("reports a missing file as a diagnostic at the step, and runs no case", async () => {
    const outcome = await runWithFiles(lateRead, {});
    expect(outcome.result).toBeUndefined();
    expect(outcome.diagnostics.map((d) => [d.code, d.source.slice(d.span)])).toEqual([["AGP2023", '"late.json"']]);
    expect(outcome.diagnostics[0]?.message).toMatch(/late\.json` does not exist$/);
  });

  it("reports invalid JSON with a code frame in the JSON file", async () => {
    const outcome = await runWithFiles(lateRead, { "late.json": '{\n  "decision": "deny",\n  "grant": nul\n}' });
    const [diagnostic] = outcome.diagnostics;
    expect(diagnostic?.code).toBe("AGP2023");
    expect(diagnostic?.source.path).toMatch(/late\.json$/);
    expect(diagnostic?.source.position(diagnostic.span.start)).toEqual({ line: 3, column: 12 });
    expect(formatDiagnostic(diagnostic!)).toContain('> 3 |   "grant": nul');
  });

  it("reports what is not a decision, with did-you-mean on a misspelt key", async () => {
    const { reasons: _reasons, ...withoutReasons } = nightDeny;
    const misspelt = await runWithFiles(lateRead, { "late.json": JSON.stringify({ ...withoutReasons, reason: ["too early"] }) });
    expect(misspelt.diagnostics[0]?.message).toBe("unknown key `reason` in a decision");
    expect(misspelt.diagnostics[0]?.help).toContain("reasons");
    const missing = await runWithFiles(lateRead, { "late.json": JSON.stringify(withoutReasons) });
    expect(missing.diagnostics[0]?.message).toBe("the decision lacks `reasons`");
    const wrong = await runWithFiles(lateRead, { "late.json": JSON.stringify({ ...nightDeny, decision: "maybe" }) });
    expect(wrong.diagnostics[0]?.message).toBe('`decision` must be "allow" or "deny"');
  });
});

describe("jsonDiff", () => {
  it("is empty for the same JSON and marks removed and added lines", () => {
    expect(jsonDiff({ a: [1, 2] }, { a: [1, 2] })).toEqual([]);
    // Members in another order are the same JSON (a file sorted by `jq -S`); lists are not.
    expect(jsonDiff({ rules: ["a"], grant: null, decision: "deny" }, { decision: "deny", grant: null, rules: ["a"] })).toEqual([]);
    expect(jsonDiff({ rules: ["a", "b"] }, { rules: ["b", "a"] })).not.toEqual([]);
    expect(jsonDiff({ a: 1, b: 2 }, { a: 1, b: 3 })).toEqual(["  {", '    "a": 1,', '-   "b": 2', '+   "b": 3', "  }"]);
  });
});
