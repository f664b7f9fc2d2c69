/**
 * Printing diagnostics: code frames for people, JSON for machines.
 */
import { diagnosticToJson, formatDiagnostic, type Diagnostic } from "../compiler/index.js";
import type { CliIO } from "./io.js";

/** The output formats of `agp check`. */
export const diagnosticFormats = ["pretty", "json"] as const;
export type DiagnosticFormat = (typeof diagnosticFormats)[number];

/** Prints diagnostics (to stderr for `pretty`, stdout for `json`) and a summary line. */
export function printDiagnostics(
  io: CliIO,
  diagnostics: readonly Diagnostic[],
  format: DiagnosticFormat,
  filesChecked: number,
): void {
  if (format === "json") {
    io.out(`${JSON.stringify({ files: filesChecked, diagnostics: diagnostics.map(diagnosticToJson) }, null, 2)}\n`);
    return;
  }
  for (const diagnostic of diagnostics) io.err(`${formatDiagnostic(diagnostic, { color: io.colorErr })}\n\n`);
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  const summary = `${filesChecked} file${filesChecked === 1 ? "" : "s"} checked: ${plural(errors, "error")}, ${plural(warnings, "warning")}`;
  io.err(`${summary}\n`);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
