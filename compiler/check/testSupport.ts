/**
 * Helpers for the checker's unit tests: parse and check `.agp` snippets and list their
 * diagnostics as code plus underlined source text (Cedar's habit), never raw offsets.
 */
import type { Diagnostic } from "../diagnostics.js";
import { parsePolicy, parseTestFile } from "../parse.js";
import { Source } from "../source.js";
import { checkPolicy, checkTestFile } from "./index.js";
import type { CheckedPolicy } from "./model.js";
import type { CheckedTestFile } from "./model-test.js";

/** A small policy that rule tests extend with the declarations they exercise. */
export const basePolicy = `policy base
sensitivity public < internal < secret
entity User { manager: User?, department: string, approver: bool, groups: [string] }
agent Assistant { onBehalfOf: User }
resource Report { owner: User, amount: number, label: sensitivity, tags: [string], created: time }
context { hour: number, now: time, ip: string, device: { managed: bool }, badge: string? }
action submit, approve, read on Report
intent filing "File reports" { actions submit, read }
intent reviewing "Review reports" { actions approve, read }
`;

/** A diagnostic as tests assert it. */
export interface Reported {
  readonly code: string;
  readonly text: string;
}

function summarize(diagnostics: readonly Diagnostic[]): Reported[] {
  return diagnostics.map((d) => ({
    code: d.code,
    text: d.source.slice(d.span),
  }));
}

/** Parses and checks a policy; throws when it does not parse (a broken test, not a checker result). */
export function checkText(text: string): {
  policy: CheckedPolicy;
  diagnostics: Diagnostic[];
} {
  const source = new Source(text, "test.agp");
  const parsed = parsePolicy(source);
  if (!parsed.ast || parsed.diagnostics.length > 0) {
    throw new Error(
      `snippet does not parse: ${parsed.diagnostics.map((d) => d.message).join("; ")}`,
    );
  }
  return checkPolicy(parsed.ast, source);
}

/** The diagnostics of the base policy followed by `declarations`. */
export function diagnose(declarations: string, base = basePolicy): Reported[] {
  return summarize(checkText(`${base}${declarations}\n`).diagnostics);
}

/** Checks a test file against a policy (by default the base policy with `policyExtra` added). */
export function checkTestText(
  testText: string,
  policyText = basePolicy,
): { test: CheckedTestFile; diagnostics: Diagnostic[] } {
  const { policy, diagnostics } = checkText(policyText);
  if (diagnostics.some((d) => d.severity === "error"))
    throw new Error(`policy has errors: ${diagnostics[0]?.message}`);
  const source = new Source(testText, "test.test.agp");
  const parsed = parseTestFile(source);
  if (!parsed.ast || parsed.diagnostics.length > 0) {
    throw new Error(
      `test snippet does not parse: ${parsed.diagnostics.map((d) => d.message).join("; ")}`,
    );
  }
  return checkTestFile(parsed.ast, source, policy);
}

/** The fixtures most test-file snippets start from. */
export const baseFixtures = `test base
let alice = User { department: "sales", approver: true, groups: [] }
let bob = User { manager: alice, department: "sales", approver: false, groups: ["a"] }
let bot = Assistant { onBehalfOf: alice }
let report = Report { owner: bob, amount: 10, label: internal, tags: [], created: time("2026-01-05T10:00:00Z") }
`;

/** The diagnostics of a test file made of the base fixtures followed by `text`. */
export function diagnoseTest(
  text: string,
  fixtures = baseFixtures,
): Reported[] {
  return summarize(checkTestText(`${fixtures}${text}\n`).diagnostics);
}
