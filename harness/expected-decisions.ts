/**
 * The files of `expect allow|deny ... matches "FILE.json"` steps: each holds a whole
 * decision JSON (DESIGN.md's format, as `agp eval` prints it), read relative to the test
 * file before any case runs. A file that is missing, not JSON, or not a decision is a
 * diagnostic with a code frame (AGP2023), so a typo never shows up as a failing case.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { CheckedTestFile } from "../compiler/check/model-test.js";
import { createDiagnostic, type Diagnostic } from "../compiler/diagnostics.js";
import { Source, type Span } from "../compiler/source.js";
import { didYouMean } from "../compiler/suggest.js";
import type { Decision } from "../stdlib/contract.js";
import { findJsonError } from "../cli/json-position.js";

/** The decisions of a file's `matches` steps, by the file name as written in the step. */
export type ExpectedDecisions = ReadonlyMap<string, Decision>;

const DECISION_KEYS = ["decision", "grant", "rules", "reasons", "consequences"] as const;

/**
 * Where a `matches` path of `test` is, as shown in messages: beside the test file. The test
 * file's path is its display path, relative to the directory the run started in.
 */
export function expectedDecisionPath(test: CheckedTestFile, written: string): string {
  return path.join(path.dirname(test.source.path), written);
}

/**
 * Reads and validates every `matches` file of `test`, resolving display paths against
 * `cwd` (the directory they are relative to; the process's by default); never throws.
 */
export function loadExpectedDecisions(test: CheckedTestFile, cwd = process.cwd()): { decisions: ExpectedDecisions; diagnostics: Diagnostic[] } {
  const decisions = new Map<string, Decision>();
  const diagnostics: Diagnostic[] = [];
  for (const kase of test.cases) {
    for (const step of kase.steps) {
      if (step.kind !== "expectDecision" || step.matches === undefined || decisions.has(step.matches)) continue;
      const where = step.step.matches?.span ?? step.step.span;
      const shown = expectedDecisionPath(test, step.matches);
      const loaded = loadDecisionFile(path.resolve(cwd, shown), shown, test.source, where);
      if ("decision" in loaded) decisions.set(step.matches, loaded.decision);
      else if (!diagnostics.some((known) => known.message === loaded.diagnostic.message)) diagnostics.push(loaded.diagnostic);
    }
  }
  return { decisions, diagnostics };
}

function loadDecisionFile(file: string, shown: string, testSource: Source, stepSpan: Span): { decision: Decision } | { diagnostic: Diagnostic } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? "error"})`;
    return {
      diagnostic: createDiagnostic("AGP2023", `expected decision file \`${shown}\` ${why}`, testSource, stepSpan, {
        help: "paths are relative to the test file; write the file with `agp eval POLICY --request REQUEST.json > FILE.json`",
      }),
    };
  }
  const source = new Source(text, shown);
  const jsonError = findJsonError(text);
  if (jsonError) {
    const span = { start: jsonError.offset, end: Math.min(text.length, jsonError.offset + Math.max(1, jsonError.found.length)) };
    return { diagnostic: createDiagnostic("AGP2023", `invalid JSON: unexpected ${jsonError.found}`, source, span, { help: "the file must hold one decision JSON object" }) };
  }
  const value: unknown = JSON.parse(text);
  const problem = decisionProblem(value, text);
  if (problem) return { diagnostic: createDiagnostic("AGP2023", problem.message, source, problem.span, problem.help ? { help: problem.help } : {}) };
  return { decision: value as Decision };
}

/** Why `value` is not a decision JSON, located in `text`; undefined when it is one. */
function decisionProblem(value: unknown, text: string): { message: string; span: Span; help?: string } | undefined {
  const opening = text.indexOf("{");
  const whole = { start: Math.max(0, opening), end: Math.max(0, opening) + 1 };
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { message: "a decision is a JSON object", span: { start: 0, end: Math.max(1, text.trimEnd().length) } };
  }
  const record = value as Record<string, unknown>;
  const keyAt = (key: string): Span => {
    const at = text.indexOf(JSON.stringify(key));
    return at < 0 ? whole : { start: at, end: at + JSON.stringify(key).length };
  };
  for (const key of Object.keys(record)) {
    if (!(DECISION_KEYS as readonly string[]).includes(key)) {
      return { message: `unknown key \`${key}\` in a decision`, span: keyAt(key), help: didYouMean(key, DECISION_KEYS) ?? `a decision has ${DECISION_KEYS.join(", ")}` };
    }
  }
  const missing = DECISION_KEYS.filter((key) => !(key in record));
  if (missing.length > 0) {
    return { message: `the decision lacks ${missing.map((key) => `\`${key}\``).join(", ")}`, span: whole, help: "write the whole decision, as `agp eval` prints it" };
  }
  const strings = (list: unknown) => Array.isArray(list) && list.every((item) => typeof item === "string");
  const grant = record.grant;
  if (record.decision !== "allow" && record.decision !== "deny") return { message: "`decision` must be \"allow\" or \"deny\"", span: keyAt("decision") };
  if (grant !== null && !(typeof grant === "object" && typeof (grant as Record<string, unknown>).ttl_seconds === "number")) {
    return { message: "`grant` must be null or { \"ttl_seconds\": NUMBER }", span: keyAt("grant") };
  }
  if (!strings(record.rules)) return { message: "`rules` must be a list of rule names", span: keyAt("rules") };
  if (!strings(record.reasons)) return { message: "`reasons` must be a list of strings", span: keyAt("reasons") };
  if (!Array.isArray(record.consequences)) return { message: "`consequences` must be a list", span: keyAt("consequences") };
  return undefined;
}
