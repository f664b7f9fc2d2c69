import { describe, expect, it } from "vitest";
import { fixture, runTests } from "./__fixtures__/load.js";
import type { CaseResult } from "./results.js";

const header = `test docs
let ann = User { approver: true }
let bob = User { approver: false }
let anns_agent = Assistant { onBehalfOf: ann }
let bobs_agent = Assistant { onBehalfOf: bob }
let plan = Doc { owner: ann, label: internal }
let keys = Doc { owner: ann, label: secret }
let day = { hour: 10 }
`;

/** Runs cases written after the shared fixtures; returns the results by title. */
async function runCases(cases: string): Promise<Map<string, CaseResult>> {
  const result = await runTests(header + cases);
  return new Map(result.files.flatMap((file) => file.cases).map((kase) => [kase.title, kase]));
}

/** The failure message of the case titled `title` (undefined when it passed). */
function failureOf(results: Map<string, CaseResult>, title: string): string | undefined {
  const found = results.get(title);
  if (!found) throw new Error(`no case ${title}`);
  return found.failure?.message;
}

describe("runTestFile", () => {
  it("runs every step kind of the fixture suite and passes with full coverage", async () => {
    const result = await runTests(fixture("docs.test.agp"));
    const failures = result.files.flatMap((file) => file.cases.filter((kase) => !kase.passed).map((kase) => [kase.title, kase.failure?.message]));
    expect(failures).toEqual([]);
    expect(result.passed).toBe(9);
    expect(result.failed).toBe(0);
    expect(result.coverage.percent).toBe(100);
  });

  it("fails each step kind when what it checks does not hold", async () => {
    const results = await runCases(`
case "decision" { session anns_agent intent work env day
  expect deny read plan }
case "ttl" { session anns_agent intent work env day
  expect allow read plan grant 10m }
case "rules" { session anns_agent intent work env day
  expect deny read plan env { hour: 5 } by write_approve }
case "reason" { session anns_agent intent work env day
  expect deny read plan env { hour: 5 } reason "too late" }
case "redeem" { session anns_agent intent work env day
  expect allow read plan
  advance 2h
  redeem }
case "redeem refused" { session anns_agent intent work env day
  expect allow read plan
  redeem refused }
case "refusal code" { session anns_agent intent work env day
  expect allow read plan
  revoke grant
  redeem refused "expired" }
case "no grant" { session anns_agent intent work env day
  redeem }
case "session state" { session anns_agent intent work env day
  expect session suspended }
case "downgraded to" { session bobs_agent intent work env day
  expect allow publish plan
  expect allow publish plan
  expect deny publish plan
  expect session downgraded to write }
case "grant state" { session anns_agent intent work env day
  expect allow read plan
  expect grant revoked }
case "no review" { session anns_agent intent work env day
  resolve review approve }
case "stops at the first failure" { session anns_agent intent work env day
  expect deny read plan
  expect session ended }
`);
    expect(failureOf(results, "decision")).toBe("expected deny, got allow");
    expect(failureOf(results, "ttl")).toBe("expected a 10m grant, got 30m");
    expect(failureOf(results, "rules")).toBe("expected rules `write_approve`, got `night`");
    expect(failureOf(results, "reason")).toBe('expected reason "too late" among "too early"');
    expect(failureOf(results, "redeem")).toMatch(/^expected the grant to redeem, it was refused \(`expired`\)/);
    expect(failureOf(results, "redeem refused")).toBe("expected the redeem to be refused, it succeeded");
    expect(failureOf(results, "refusal code")).toMatch(/^expected refusal `expired`, got `grant_revoked`/);
    expect(failureOf(results, "no grant")).toBe("no grant to redeem: no request was allowed yet");
    expect(failureOf(results, "session state")).toBe("expected the session suspended, it is active");
    expect(failureOf(results, "downgraded to")).toBe("expected the session downgraded to write, it is downgraded to read");
    expect(failureOf(results, "grant state")).toBe("expected the last grant revoked, it is live");
    expect(failureOf(results, "no review")).toBe("no review is pending for the current session");
    expect(results.get("stops at the first failure")?.stepsRun).toBe(2);
  });

  it("locates a failing expectation and carries expected, actual and the explanation", async () => {
    const results = await runCases(`
case "the agent approves what it wrote" {
  session anns_agent intent work env day
  expect allow write plan
  expect allow approve plan by approve_as_approver
}
`);
    const failure = results.get("the agent approves what it wrote")?.failure;
    expect(failure?.message).toBe("expected allow, got deny; expected rules `approve_as_approver`, got `write_approve`");
    // The header is 8 lines, then a blank line, the case line, the session and the first expect.
    expect(failure?.at).toMatchObject({ file: "docs.test.agp", line: 13, column: 3 });
    expect(failure?.at.source.slice(failure.at.span)).toBe("expect allow approve plan by approve_as_approver");
    expect(failure?.expected).toEqual({ decision: "allow", rules: ["approve_as_approver"] });
    expect(failure?.actual).toMatchObject({ decision: "deny", rules: ["write_approve"], reasons: ["four eyes"] });
    const trace = new Map(failure?.explanation?.map((entry) => [entry.rule, entry.applied]));
    expect(trace.get("write_approve")).toBe(true);
    expect(trace.get("approve_as_approver")).toBe(true);
    expect(trace.get("night")).toBe(false);
  });

  it("explains each failing case by its own request while cases run concurrently", async () => {
    // Every case gets the module's one shared "no rule allowed" deny, by different actions.
    const cases = Array.from({ length: 8 }, (_, i) =>
      i % 2 === 0
        ? `case "write ${i}" { session anns_agent intent work env day\n  expect allow write keys_of_bob }`
        : `case "approve ${i}" { session bobs_agent intent work env day\n  expect allow approve plan }`,
    );
    const results = await runCases(`let keys_of_bob = Doc { owner: bob, label: internal }\n${cases.join("\n")}`);
    for (const [title, kase] of results) {
      const rules = kase.failure?.explanation?.map((entry) => entry.rule);
      expect(rules, title).toContain(title.startsWith("write") ? "write_own" : "approve_as_approver");
      expect(rules, title).not.toContain(title.startsWith("write") ? "approve_as_approver" : "write_own");
    }
    expect(results.size).toBe(8);
  });

  it("records coverage only for rules that decided", async () => {
    const result = await runTests(`${header}
case "one read" { session anns_agent intent work env day
  expect allow read plan }
`);
    const covered = result.coverage.entries.filter((entry) => entry.covered).map((entry) => entry.rule);
    expect(covered).toEqual(["read_any"]);
    expect(result.coverage.total).toBe(8);
    expect(result.coverage.percent).toBe(12.5);
    const night = result.coverage.entries.find((entry) => entry.rule === "night");
    expect(night?.at.source.slice(night.at.span)).toBe("night");
    expect(night).toMatchObject({ kind: "deny", covered: false, at: { file: "docs.agp", line: 21, column: 6 } });
  });

  it("runs only the cases the filter accepts", async () => {
    const result = await runTests(fixture("docs.test.agp"), { filter: (title) => title.includes("review") });
    expect(result.files[0]?.cases.map((kase) => kase.title)).toEqual([
      "a review suspends and approving resumes",
      "rejecting a review ends the session",
    ]);
  });
});
