import { describe, expect, it } from "vitest";
import { check } from "../../compiler/index.js";
import { fixture, runTests } from "../__fixtures__/load.js";
import { elementsNamed, parseXml } from "../__fixtures__/xml.js";
import type { SuiteResult } from "../results.js";
import { githubReporter, workflowCommand } from "./github.js";
import { jsonReporter } from "./json.js";
import { junitReporter } from "./junit.js";
import { prettyReporter } from "./pretty.js";
import type { TestReport } from "./reporter.js";

const cases = `test docs
let ann = User { approver: true }
let anns_agent = Assistant { onBehalfOf: ann }
let plan = Doc { owner: ann, label: internal }
let day = { hour: 10 }

case "reads <plans> & \\"notes\\"" {
  session anns_agent intent work env day
  expect allow read plan grant 30m by read_any
}

case "expects the wrong rule" {
  session anns_agent intent work env day
  expect allow read plan by write_own
}

case "expects a refusal" {
  session anns_agent intent work env day
  expect allow read plan
  redeem refused
}
`;

let suite: SuiteResult | undefined;
async function results(): Promise<SuiteResult> {
  suite ??= await runTests(cases);
  return suite;
}

function report(result: SuiteResult, overrides: Partial<TestReport> = {}): TestReport {
  return { result, diagnostics: [], coverage: { show: true, min: 100 }, ...overrides };
}

describe("reporters", () => {
  it("pretty: failures with location, code frame, diff and explanation, coverage, summary last", async () => {
    const { stdout } = prettyReporter(report(await results()), { color: false });
    expect(stdout).toContain("✗ docs.test.agp (docs, 3 cases, 2 failed");
    expect(stdout).toContain("docs.test.agp:14:3: expected rules `write_own`, got `read_any`");
    expect(stdout).toMatch(/> 14 \|\s+expect allow read plan by write_own\n\s+\|\s+\^+/);
    expect(stdout).toContain("- expected  allow by `write_own`");
    expect(stdout).toContain("+ actual    allow grant 30m by `read_any`");
    expect(stdout).toContain("● read_any (allow): applied");
    expect(stdout).toContain("docs.test.agp:20:3: expected the redeem to be refused, it succeeded");
    expect(stdout).toContain("coverage: 1/8 rules decided in some case (12.5%)");
    expect(stdout).toContain("uncovered deny `night` at docs.agp:21:6");
    expect(stdout).toContain("coverage 12.5% is below the minimum of 100%");
    expect(stdout.trimEnd().split("\n").at(-1)).toBe("1 passed, 2 failed");
    expect(stdout).not.toContain("\u001b[");
  });

  it("pretty: colour only when asked", async () => {
    expect(prettyReporter(report(await results()), { color: true }).stdout).toContain("\u001b[31m");
  });

  it("junit: well-formed XML with the right counts, escaped titles and failure bodies", async () => {
    const { stdout } = junitReporter(report(await results()), { color: false });
    const root = parseXml(stdout);
    expect(root.name).toBe("testsuites");
    expect(root.attributes).toMatchObject({ tests: "4", failures: "3", errors: "0" });
    const [file, coverage] = elementsNamed(root, "testsuite");
    expect(file?.attributes).toMatchObject({ name: "docs.test.agp", tests: "3", failures: "2", errors: "0" });
    const testcases = elementsNamed(file!, "testcase");
    expect(testcases.map((element) => element.attributes.name)).toEqual(['reads <plans> & "notes"', "expects the wrong rule", "expects a refusal"]);
    expect(testcases[1]?.attributes).toMatchObject({ classname: "docs", file: "docs.test.agp", line: "12" });
    const failure = elementsNamed(testcases[1]!, "failure")[0];
    expect(failure?.attributes.message).toBe("expected rules `write_own`, got `read_any`");
    expect(failure?.text).toContain("> 14 |");
    expect(coverage?.attributes).toMatchObject({ name: "coverage", tests: "1", failures: "1" });
  });

  it("junit: diagnostics are errors, and a clean run has no failures", async () => {
    const broken = check("policy broken\nallow x: nope", { path: "broken.agp" });
    const { stdout } = junitReporter({ result: undefined, diagnostics: broken.diagnostics, coverage: { show: false, min: undefined } }, { color: false });
    const root = parseXml(stdout);
    // Errors, one test each; the warning (no intent declared) is not a failed test.
    const errors = broken.diagnostics.filter((diagnostic) => diagnostic.severity === "error").length;
    expect(errors).toBeLessThan(broken.diagnostics.length);
    expect(root.attributes).toMatchObject({ tests: String(errors), failures: "0", errors: String(errors) });
    const clean = await runTests(fixture("docs.test.agp"));
    const cleanRoot = parseXml(junitReporter(report(clean), { color: false }).stdout);
    expect(cleanRoot.attributes).toMatchObject({ tests: "10", failures: "0", errors: "0" });
  });

  it("the XML reader used above refuses what is not well-formed", () => {
    for (const bad of ["<a><b></a></b>", '<a x="1" x="2"/>', "<a x=1/>", "<a>&nope;</a>", "<a/><b/>", "<a>", '<a x="<"/>', "text"]) {
      expect(() => parseXml(bad), bad).toThrow(/not well-formed/);
    }
  });

  it("json: totals, cases with locations and failures, coverage per rule", async () => {
    const document = JSON.parse(jsonReporter(report(await results()), { color: false }).stdout);
    expect(document).toMatchObject({ passed: 1, failed: 2, diagnostics: [] });
    expect(document.files[0].cases[1]).toMatchObject({
      title: "expects the wrong rule",
      line: 12,
      passed: false,
      failure: { message: "expected rules `write_own`, got `read_any`", error: false, line: 14, column: 3, expected: { decision: "allow", rules: ["write_own"] }, actual: { decision: "allow", rules: ["read_any"] } },
    });
    expect(document.files[0].cases[1].failure.explanation.length).toBeGreaterThan(0);
    expect(document.coverage).toMatchObject({ percent: 12.5, covered: 1, total: 8, min: 100, belowMinimum: true });
    expect(document.coverage.rules[0]).toMatchObject({ policy: "docs", rule: "read_any", kind: "allow", file: "docs.agp", covered: true });
  });

  it("github: one error annotation per failing case at its step, warnings for uncovered rules", async () => {
    const lines = githubReporter(report(await results()), { color: false }).stdout.trimEnd().split("\n");
    expect(lines.filter((line) => line.startsWith("::error file=docs.test.agp,line=14,col=3,title=docs%3A expects the wrong rule::expected rules `write_own`, got `read_any`%0A"))).toHaveLength(1);
    expect(lines.filter((line) => line.startsWith("::warning file=docs.agp,"))).toHaveLength(7);
    expect(lines).toContain("::error title=coverage::coverage 12.5%25 is below the minimum of 100%25");
    expect(lines.at(-1)).toBe("1 passed, 2 failed");
    expect(workflowCommand({ level: "error", file: "a,b:c.agp", message: "50%\nnext" })).toBe("::error file=a%2Cb%3Ac.agp::50%25%0Anext");
  });
});
