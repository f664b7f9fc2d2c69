/**
 * Diagnostics: what the compiler tells a policy author. Each has a stable code, a severity,
 * a one-line lowercase message with user text in backticks (Cedar's style), a primary span,
 * optional related spans and an optional `help` that says how to fix it.
 */
import { codeFrameColumns } from "@babel/code-frame";
import { diagnosticCodes, type DiagnosticCode } from "./codes.js";
import type { Source, Span } from "./source.js";

export type Severity = "error" | "warning";

/** A secondary location that explains a diagnostic, e.g. "first declared here". */
export interface RelatedLocation {
  readonly message: string;
  readonly source: Source;
  readonly span: Span;
}

/** One problem found in a source file. */
export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  readonly source: Source;
  readonly span: Span;
  readonly related: readonly RelatedLocation[];
  readonly help: string | undefined;
}

/** Options for {@link createDiagnostic} beyond code, message and location. */
export interface DiagnosticOptions {
  readonly help?: string | undefined;
  readonly related?: readonly RelatedLocation[];
}

/** Builds a diagnostic whose severity comes from the code's registry entry. */
export function createDiagnostic(
  code: DiagnosticCode,
  message: string,
  source: Source,
  span: Span,
  options: DiagnosticOptions = {},
): Diagnostic {
  return {
    code,
    severity: diagnosticCodes[code].severity,
    message,
    source,
    span,
    related: options.related ?? [],
    help: options.help,
  };
}

/** True when any diagnostic is an error (warnings alone do not stop compilation). */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Diagnostics in source order: by file, then start offset, then code. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      compareStrings(a.source.path, b.source.path) ||
      a.span.start - b.span.start ||
      compareStrings(a.code, b.code),
  );
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Options for printing a diagnostic for a terminal. */
export interface FormatOptions {
  /** Highlight the code frame with ANSI colours (only on a TTY). */
  readonly color?: boolean;
}

/**
 * The human-readable form: `path:line:col: error AGP2003: message`, a code frame that
 * underlines the span, related locations and the help line.
 */
export function formatDiagnostic(diagnostic: Diagnostic, options: FormatOptions = {}): string {
  const { source, span } = diagnostic;
  const start = source.position(span.start);
  const lines = [
    `${source.path}:${start.line}:${start.column}: ${diagnostic.severity} ${diagnostic.code}: ${diagnostic.message}`,
    codeFrame(source, span, options.color ?? false),
  ];
  for (const related of diagnostic.related) {
    const at = related.source.position(related.span.start);
    lines.push(`  note: ${related.message} (${related.source.path}:${at.line}:${at.column})`);
    lines.push(codeFrame(related.source, related.span, options.color ?? false));
  }
  if (diagnostic.help) lines.push(`  help: ${diagnostic.help}`);
  return lines.join("\n");
}

/** A code frame of the source around a span, underlining it. */
export function codeFrame(source: Source, span: Span, color = false): string {
  const start = source.position(span.start);
  // An empty span (e.g. "expected X" at end of file) still gets a one-character marker.
  const end = source.position(Math.max(span.end, span.start + 1));
  // @babel/code-frame also breaks lines at U+2028 and U+2029, which agp does not count as
  // line breaks (Source.position); as spaces, the frame's lines are the diagnostic's.
  // Without a leading byte-order mark, which Source.position does not count as a column.
  const text = source.text.replace(/^\uFEFF/, "").replace(/[\u2028\u2029]/g, " ");
  return codeFrameColumns(
    text,
    { start, end: end.line === start.line ? end : { line: start.line, column: lineEnd(text, start.line) } },
    { highlightCode: color, forceColor: color, linesAbove: 1, linesBelow: 1 },
  );
}

/** The column just past the end of `line` (from 1) of `text`. */
function lineEnd(text: string, line: number): number {
  return (text.split(/\r\n|\r|\n/)[line - 1] ?? "").length + 1;
}

/** The machine-readable form printed by `agp check --format json`. */
export interface DiagnosticJson {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly text: string;
  readonly help: string | null;
  readonly related: readonly { message: string; file: string; line: number; column: number }[];
}

/** Converts a diagnostic to its JSON form, with 1-based positions and the underlined text. */
export function diagnosticToJson(diagnostic: Diagnostic): DiagnosticJson {
  const { source, span } = diagnostic;
  const start = source.position(span.start);
  const end = source.position(span.end);
  return {
    code: diagnostic.code,
    severity: diagnostic.severity,
    message: diagnostic.message,
    file: source.path,
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: end.column,
    text: source.slice(span),
    help: diagnostic.help ?? null,
    related: diagnostic.related.map((r) => {
      const at = r.source.position(r.span.start);
      return { message: r.message, file: r.source.path, line: at.line, column: at.column };
    }),
  };
}

/** Thrown only for broken invariants inside the compiler, never for bad user input. */
export class InternalCompilerError extends Error {
  constructor(
    message: string,
    readonly span?: Span,
  ) {
    super(message);
    this.name = "InternalCompilerError";
  }
}
