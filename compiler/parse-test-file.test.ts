import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { exprText } from "./__fixtures__/ast-text.js";
import type { CaseDecl, TestFile, TestStep } from "./ast.js";
import { parseTestFile } from "./parse.js";
import { Source } from "./source.js";

const designTestText = readFileSync(new URL("./__fixtures__/design-example.test.agp", import.meta.url), "utf8");

function parseClean(text: string): { file: TestFile; source: Source } {
  const source = new Source(text, "x.test.agp");
  const result = parseTestFile(source);
  expect(result.diagnostics.map((d) => `${d.code} ${d.message} \`${source.slice(d.span)}\``)).toEqual([]);
  if (!result.ast) throw new Error("no AST");
  return { file: result.ast, source };
}

function steps(body: string): { steps: readonly TestStep[]; source: Source } {
  const { file, source } = parseClean(`test p\ncase "c" {\n${body}\n}`);
  const testCase = file.declarations[0];
  if (testCase?.kind !== "CaseDecl") throw new Error("no case");
  return { steps: testCase.steps, source };
}

describe("the DESIGN.md example test file", () => {
  const { file, source } = parseClean(designTestText);

  it("names the policy under test and keeps fixtures and cases in order", () => {
    expect(file.policyName.text).toBe("expenses");
    expect(file.declarations.map((d) => d.kind)).toEqual([
      "LetDecl",
      "LetDecl",
      "LetDecl",
      "LetDecl",
      "LetDecl",
      "CaseDecl",
      "CaseDecl",
    ]);
    const alice = file.declarations[0];
    if (alice?.kind !== "LetDecl") throw new Error("let");
    expect(alice.name.text).toBe("alice");
    expect(source.slice(alice.value.span)).toBe('User { department: "sales", approver: true }');
    expect(exprText(alice.value)).toBe('User{department: "sales", approver: true}');
  });

  it("reads the steps of each case", () => {
    const second = file.declarations[6] as CaseDecl;
    expect(second.title.value).toBe("the agent cannot approve the report it just submitted");
    expect(second.steps.map((s) => s.kind)).toEqual([
      "SessionStep",
      "ExpectDecisionStep",
      "SessionStep",
      "ExpectDecisionStep",
    ]);
    const [session, allow, , deny] = second.steps;
    if (
      session?.kind !== "SessionStep" ||
      allow?.kind !== "ExpectDecisionStep" ||
      deny?.kind !== "ExpectDecisionStep"
    ) {
      throw new Error("steps");
    }
    expect(source.slice(session.principal.span)).toBe("alices_agent");
    expect(session.intent.text).toBe("file_expenses");
    expect(session.env && source.slice(session.env.span)).toBe(
      '{ hour: 10, country: "FR", device: { managed: true } }',
    );
    expect(allow).toMatchObject({ effect: "allow", action: { text: "submit" }, by: [], grant: undefined });
    expect(source.slice(allow.span)).toBe("expect allow submit report");
    expect(deny.by.map((b) => b.text)).toEqual(["submit_approve"]);
    const first = file.declarations[5] as CaseDecl;
    const expectation = first.steps[1];
    expect(
      expectation?.kind === "ExpectDecisionStep" && [
        expectation.grant?.milliseconds,
        expectation.by.map((b) => b.text),
      ],
    ).toEqual([300_000, ["approve_reports"]]);
  });
});

describe("test steps", () => {
  it("parses every step form", () => {
    const { steps: parsed, source } = steps(`
      session bot intent filing env office
      expect deny read doc env { hour: 1 } grant 5m by a, b reason "why"
      expect session active
      expect session downgraded to read, list
      expect grant revoked
      expect grant live
      advance 10m
      redeem
      redeem refused
      redeem refused "expired"
      revoke grant
      revoke session
      revoke principal
      resolve review approve
      resolve review reject`);
    expect(parsed.map((s) => s.kind)).toEqual([
      "SessionStep",
      "ExpectDecisionStep",
      "ExpectStateStep",
      "ExpectStateStep",
      "ExpectStateStep",
      "ExpectStateStep",
      "AdvanceStep",
      "RedeemStep",
      "RedeemStep",
      "RedeemStep",
      "RevokeStep",
      "RevokeStep",
      "RevokeStep",
      "ResolveReviewStep",
      "ResolveReviewStep",
    ]);
    const decision = parsed[1];
    if (decision?.kind !== "ExpectDecisionStep") throw new Error("decision");
    expect(decision.env && exprText(decision.env)).toBe("{hour: 1}");
    expect(decision.reason?.value).toBe("why");
    expect(source.slice(decision.span)).toBe('expect deny read doc env { hour: 1 } grant 5m by a, b reason "why"');
    expect(parsed.slice(2, 6)).toMatchObject([
      { subject: "session", state: "active", downgradedTo: [] },
      { subject: "session", state: "downgraded", downgradedTo: [{ text: "read" }, { text: "list" }] },
      { subject: "grant", state: "revoked" },
      { subject: "grant", state: "live" },
    ]);
    expect(parsed[6]).toMatchObject({ duration: { milliseconds: 600_000 } });
    expect(parsed.slice(7, 10)).toMatchObject([
      { expectRefused: false, refusal: undefined },
      { expectRefused: true, refusal: undefined },
      { expectRefused: true, refusal: { value: "expired" } },
    ]);
    expect(
      parsed
        .slice(10)
        .map((s) => (s.kind === "RevokeStep" ? s.target : s.kind === "ResolveReviewStep" ? s.verdict : "")),
    ).toEqual(["grant", "session", "principal", "approve", "reject"]);
  });

  it("accepts keywords as record keys and `let`/`case` as field names", () => {
    const { file } = parseClean("test p\nlet x = { let: 1, case: 2, policy: 3 }\nlet y = x.case");
    expect(file.declarations.map((d) => d.kind === "LetDecl" && exprText(d.value))).toEqual([
      "{let: 1, case: 2, policy: 3}",
      "x.case",
    ]);
  });

  it("reports a wrong state word as AGP1005 and drops only that case", () => {
    const source = new Source(
      'test p\ncase "a" { expect session sleeping }\ncase "b" { resolve review maybe }\ncase "c" { redeem }',
      "t.test.agp",
    );
    const result = parseTestFile(source);
    expect(result.diagnostics.map((d) => [d.code, source.slice(d.span), d.message])).toEqual([
      [
        "AGP1005",
        "sleeping",
        "expected `active`, `suspended`, `ended` or `downgraded` after `expect session`, found `sleeping`",
      ],
      ["AGP1005", "maybe", "expected `approve` or `reject` after `resolve review`, found `maybe`"],
    ]);
    expect(result.ast?.declarations.map((d) => d.kind === "CaseDecl" && d.title.value)).toEqual(["c"]);
  });

  it("refuses `to` after a state other than `downgraded`", () => {
    const source = new Source('test p\ncase "a" { expect session active to read }', "t.test.agp");
    expect(parseTestFile(source).diagnostics.map((d) => [d.code, source.slice(d.span)])).toEqual([["AGP1005", "to"]]);
  });

  it("reports a missing `test NAME` header (AGP1006)", () => {
    const source = new Source("policy p\nlet x = 1", "t.test.agp");
    const result = parseTestFile(source);
    expect(result.ast).toBeUndefined();
    expect(result.diagnostics.map((d) => [d.code, source.slice(d.span), d.message])).toEqual([
      ["AGP1006", "policy", "missing `test NAME` header, found `policy`"],
    ]);
  });
});

describe("expect ... matches FILE.json", () => {
  it("keeps the file of the whole expected decision, after every other clause", () => {
    const { steps: parsed, source } = steps('expect deny read doc by night reason "too early" matches "decisions/night.json"');
    const step = parsed[0];
    if (step?.kind !== "ExpectDecisionStep") throw new Error("not an expect step");
    expect(step.matches?.value).toBe("decisions/night.json");
    expect(source.slice(step.matches?.span ?? step.span)).toBe('"decisions/night.json"');
    expect(step.reason?.value).toBe("too early");
  });

  it("is a contextual word: a step without it has none, and a misplaced one is a parse error", () => {
    const { steps: parsed } = steps("expect allow read doc");
    expect(parsed[0]?.kind === "ExpectDecisionStep" && parsed[0].matches).toBeUndefined();
    const source = new Source('test p\ncase "c" {\nexpect allow read doc matching "x.json"\n}', "x.test.agp");
    expect(parseTestFile(source).diagnostics.length).toBeGreaterThan(0);
  });
});
