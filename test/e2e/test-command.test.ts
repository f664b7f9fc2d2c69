import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { elementsNamed, parseXml } from "../../harness/__fixtures__/xml.js";
import { agp, repositoryRoot } from "./cli-harness.js";

let directory: string;

beforeAll(() => {
  directory = mkdtempSync(path.join(tmpdir(), "agp-test-command-"));
  const fixtures = path.join(repositoryRoot, "harness/__fixtures__");
  cpSync(path.join(fixtures, "docs.agp"), path.join(directory, "docs/docs.agp"));
  cpSync(path.join(fixtures, "docs.test.agp"), path.join(directory, "docs/docs.test.agp"));
});

afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Writes a file in the temporary directory and returns its path relative to it. */
function write(relative: string, text: string): string {
  const file = path.join(directory, relative);
  cpSync(path.join(directory, "docs/docs.agp"), path.join(path.dirname(file), "docs.agp"));
  writeFileSync(file, text);
  return relative;
}

const lastLine = (text: string) => text.trimEnd().split("\n").at(-1);

/** The first four lines of a test file of the `docs` policy: its header and fixtures. */
const docsTestHeader = `test docs
let ann = User { approver: true }
let anns_agent = Assistant { onBehalfOf: ann }
let plan = Doc { owner: ann, label: internal }
`;

describe("agp test", () => {
  it("passes on the examples with 100% rule coverage", async () => {
    const run = await agp(["test", "examples", "--coverage-min", "100"]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain("rules decided in some case (100%)");
    expect(lastLine(run.stdout)).toMatch(/^\d+ passed, 0 failed$/);
    expect(run.code).toBe(0);
  });

  it("runs the tests beside a policy given by name, and every step kind passes", async () => {
    const run = await agp(["test", "docs/docs.agp", "--coverage"], directory);
    expect(run.stdout).toContain("✓ docs/docs.test.agp (docs, 9 cases");
    expect(lastLine(run.stdout)).toBe("9 passed, 0 failed");
    expect(run.code).toBe(0);
  });

  it("reports a test naming an unknown rule as a diagnostic with a code frame, not a failing case", async () => {
    write(
      "unknown/docs.test.agp",
      `${docsTestHeader}case "x" {
  session anns_agent intent work env { hour: 10 }
  expect allow read plan by read_everything
}
`,
    );
    const run = await agp(["test", "unknown"], directory);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/unknown\/docs\.test\.agp:7:\d+: error AGP\d{4}: .*`read_everything`/);
    expect(run.stderr).toMatch(/> 7 \|/);
    expect(run.stdout).not.toMatch(/passed/);
  });

  it("fails a case with its location, code frame, expected vs actual and explanation", async () => {
    write(
      "failing/docs.test.agp",
      `${docsTestHeader}case "night reads" {
  session anns_agent intent work env { hour: 3 }
  expect allow read plan grant 30m
}
`,
    );
    const run = await agp(["test", "failing"], directory);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("✗ night reads");
    expect(run.stdout).toContain("failing/docs.test.agp:7:3: expected allow, got deny");
    expect(run.stdout).toMatch(/> 7 \|\s+expect allow read plan grant 30m/);
    expect(run.stdout).toContain("- expected  allow grant 30m");
    expect(run.stdout).toContain("+ actual    deny by `night`");
    expect(run.stdout).toContain('reasons: "too early"');
    expect(run.stdout).toContain("● night (deny): applied");
    expect(lastLine(run.stdout)).toBe("0 passed, 1 failed");
  });

  it("fails below --coverage-min and lists the uncovered rules", async () => {
    const run = await agp(["test", "docs", "--filter", "separation", "--coverage-min", "50"], directory);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("coverage: 2/8 rules decided in some case (25%)");
    expect(run.stdout).toContain("uncovered deny `night` at docs/docs.agp:21:6");
    expect(run.stdout).toContain("coverage 25% is below the minimum of 50%");
    expect(lastLine(run.stdout)).toBe("1 passed, 0 failed");
    expect((await agp(["test", "docs", "--filter", "separation", "--coverage-min", "25"], directory)).code).toBe(0);
  });

  it("filters cases by substring or /regex/", async () => {
    expect(lastLine((await agp(["test", "docs", "--filter", "review"], directory)).stdout)).toBe("2 passed, 0 failed");
    expect(lastLine((await agp(["test", "docs", "--filter", "/^revok(ing|e) a/i"], directory)).stdout)).toBe("2 passed, 0 failed");
    const none = await agp(["test", "docs", "--filter", "no such case"], directory);
    expect(none.code).toBe(1);
    expect(none.stdout).toContain("no case title matches --filter no such case");
  });

  it("runs a test against the policy beside it when two policies share a name", async () => {
    // Both are `policy docs`; only the one beside each test file is its policy.
    mkdirSync(path.join(directory, "early"), { recursive: true });
    const early = readFileSync(path.join(directory, "docs/docs.agp"), "utf8").replace("env.hour < 6", "env.hour < 12");
    writeFileSync(path.join(directory, "early/docs.agp"), early);
    writeFileSync(
      path.join(directory, "early/docs.test.agp"),
      `${docsTestHeader}case "reads at nine are too early here" {
  session anns_agent intent work env { hour: 9 }
  expect deny read plan by night
}
`,
    );
    const run = await agp(["test", "docs", "early"], directory);
    expect(run.stdout).toContain("✓ early/docs.test.agp (docs, 1 case");
    expect(lastLine(run.stdout)).toBe("10 passed, 0 failed");
    expect(run.code).toBe(0);
  });

  it("takes the last value of an option given twice", async () => {
    const run = await agp(["test", "docs", "--coverage-min", "100", "--coverage-min", "50", "--reporter", "junit", "--reporter", "json"], directory);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ passed: 9, failed: 0 });
  });

  it("fails a run whose test files have no case, and says so", async () => {
    write("empty/docs.test.agp", "test docs\n");
    const run = await agp(["test", "empty"], directory);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("agp test: the test files have no cases");
  });

  it("shows the errors of the policy beside a test file given alone", async () => {
    const broken = readFileSync(path.join(directory, "docs/docs.agp"), "utf8").replace("deny night: * when env.hour < 6", "deny night: * when env.hour >=");
    mkdirSync(path.join(directory, "broken"), { recursive: true });
    writeFileSync(path.join(directory, "broken/docs.agp"), broken);
    writeFileSync(path.join(directory, "broken/docs.test.agp"), readFileSync(path.join(directory, "docs/docs.test.agp"), "utf8"));
    const run = await agp(["test", "broken/docs.test.agp"], directory);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/broken\/docs\.agp:\d+:\d+: error AGP1005/);
  });

  it("colours what goes to a terminal only: the report on standard output, diagnostics on standard error", async () => {
    const colour = "\u001b[";
    expect((await agp(["test", "failing"], directory, { stdout: true })).stdout).toContain(colour);
    expect((await agp(["test", "failing"], directory, { stderr: true })).stdout).not.toContain(colour);
  });

  it("writes junit XML with the right counts", async () => {
    const run = await agp(["test", "docs", "failing", "--reporter", "junit"], directory);
    expect(run.code).toBe(1);
    const root = parseXml(run.stdout);
    expect(root.attributes).toMatchObject({ tests: "10", failures: "1", errors: "0" });
    expect(elementsNamed(root, "testsuite").map((suite) => suite.attributes.name)).toEqual(["docs/docs.test.agp", "failing/docs.test.agp"]);
  });

  it("writes github annotations and json", async () => {
    const github = await agp(["test", "failing", "--reporter", "github"], directory);
    expect(github.stdout).toMatch(/^::error file=failing\/docs\.test\.agp,line=7,col=3,title=docs%3A night reads::expected allow, got deny%0A/m);
    const json = JSON.parse((await agp(["test", "failing", "--reporter", "json"], directory)).stdout);
    expect(json).toMatchObject({ passed: 0, failed: 1 });
  });

  it("exits 2 on usage errors", async () => {
    expect((await agp(["test", "docs", "--filter", "/(/"], directory)).code).toBe(2);
    expect((await agp(["test", "docs", "--coverage-min", "150"], directory)).code).toBe(2);
    expect((await agp(["test", "docs", "--reporter", "tap"], directory)).code).toBe(2);
    expect((await agp(["test", "no-such-dir"], directory)).code).toBe(2);
  });

  it("exits 1 when there is nothing to test", async () => {
    writeFileSync(path.join(directory, "lonely.agp"), "policy lonely\n");
    const lonely = await agp(["test", "lonely.agp"], directory);
    expect(lonely.code).toBe(1);
    expect(lonely.stdout).toContain("no `*.test.agp` files found under lonely.agp");
  });
});
