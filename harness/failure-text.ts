/**
 * A failing step as text, the same in every reporter and in `agp/testing`'s matchers:
 * `file:line:col: message`, the code frame of the step, expected vs actual decision, and
 * how every rule for the action fared (the explanation of `agp eval --explain`).
 */
import { codeFrame } from "../compiler/diagnostics.js";
import type { Decision, RuleTrace } from "../stdlib/contract.js";
import { describeActual, describeExpected } from "./expectations.js";
import type { StepFailure } from "./results.js";

/** ANSI styling, or none. */
export interface Palette {
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const ansi = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

/** The palette for a terminal (`color`) or for plain text. */
export function paletteFor(color: boolean): Palette {
  if (!color) {
    const plain = (text: string) => text;
    return { red: plain, green: plain, yellow: plain, dim: plain, bold: plain };
  }
  return { red: ansi(31, 39), green: ansi(32, 39), yellow: ansi(33, 39), dim: ansi(2, 22), bold: ansi(1, 22) };
}

/** The lines describing `failure` (without the case title). */
export function failureLines(failure: StepFailure, palette: Palette = paletteFor(false), color = false): string[] {
  const lines = [`${failure.at.file}:${failure.at.line}:${failure.at.column}: ${palette.red(failure.message)}`];
  lines.push(codeFrame(failure.at.source, failure.at.span, color));
  if (failure.jsonDiff) {
    lines.push(`  decision JSON (${palette.green("- expected")}, ${palette.red("+ actual")}):`);
    for (const line of failure.jsonDiff) {
      lines.push(`    ${line.startsWith("-") ? palette.green(line) : line.startsWith("+") ? palette.red(line) : palette.dim(line)}`);
    }
  } else if (failure.expected && failure.actual) lines.push(...decisionDiff(failure.expected, failure.actual, palette));
  for (const note of failure.notes ?? []) lines.push(`  note: ${note}`);
  if (failure.explanation && failure.actual) lines.push(...explanationLines(failure.explanation, palette));
  return lines;
}

/** Expected and actual decision, aligned, with the actual reasons and consequences. */
function decisionDiff(expected: NonNullable<StepFailure["expected"]>, actual: Decision, palette: Palette): string[] {
  const lines = [
    `  ${palette.green("- expected")}  ${describeExpected(expected)}`,
    `  ${palette.red("+ actual")}    ${describeActual(actual)}`,
  ];
  if (actual.reasons.length > 0) lines.push(`              reasons: ${actual.reasons.map((reason) => JSON.stringify(reason)).join(", ")}`);
  if (actual.consequences.length > 0) {
    const consequences = actual.consequences.map((consequence) => `${consequence.type} (${consequence.monitor})`);
    lines.push(`              consequences: ${consequences.join(", ")}`);
  }
  return lines;
}

/** Every rule for the request's action: applied or not, each condition's value or error. */
export function explanationLines(trace: readonly RuleTrace[], palette: Palette = paletteFor(false)): string[] {
  if (trace.length === 0) return ["  no rule of the policy is about this action"];
  const lines = ["  how each rule for the action fared:"];
  for (const entry of trace) {
    const verdict = entry.error !== null ? palette.red("error") : entry.applied ? palette.yellow("applied") : palette.dim("did not apply");
    lines.push(`    ${entry.applied ? "●" : "○"} ${entry.rule} (${entry.kind}): ${verdict}${entry.error !== null ? `: ${entry.error}` : ""}`);
    for (const condition of entry.conditions) {
      lines.push(`        ${palette.dim(String(condition.value).padEnd(5))} ${condition.text}`);
    }
  }
  return lines;
}
