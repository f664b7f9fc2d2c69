/**
 * `agp fmt [--check] [PATHS..]`: formats `.agp` and `*.test.agp` files canonically with the
 * agp Prettier plugin. Rewrites files in place and lists the changed ones; with `--check`,
 * lists the files that are not formatted and writes nothing. A file with syntax errors is
 * never rewritten: its diagnostics are printed and the exit code is 1.
 */
import { writeFileSync } from "node:fs";
import { formatDiagnostic, type Diagnostic } from "../../compiler/index.js";
import { formatAgp } from "../../compiler/prettier-plugin.js";
import { findAgpFiles, readSource } from "../files.js";
import { ExitCode, type CliIO } from "../io.js";

/** Arguments of `agp fmt`. */
export interface FmtArguments {
  readonly paths: readonly string[];
  /** List unformatted files and exit 1 instead of writing. */
  readonly check: boolean;
}

/** Formats (or checks) every `.agp` file under the paths; returns the exit code. */
export async function runFmt(io: CliIO, args: FmtArguments): Promise<ExitCode> {
  const files = findAgpFiles(args.paths, io.cwd);
  const unformatted: string[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const absolutePath of files) {
    const file = readSource(absolutePath, io.cwd);
    const result = await formatAgp(file.text, { path: file.displayPath });
    if (result.formatted === undefined) {
      diagnostics.push(...result.diagnostics);
      continue;
    }
    if (result.formatted === file.text) continue;
    unformatted.push(file.displayPath);
    if (!args.check) writeFileSync(absolutePath, result.formatted);
    io.out(`${file.displayPath}\n`);
  }
  for (const diagnostic of diagnostics) io.err(`${formatDiagnostic(diagnostic, { color: io.colorErr })}\n\n`);
  io.err(`${summary(files.length, unformatted.length, diagnostics, args.check)}\n`);
  return diagnostics.length > 0 || (args.check && unformatted.length > 0) ? ExitCode.failure : ExitCode.ok;
}

function summary(total: number, changed: number, diagnostics: readonly Diagnostic[], check: boolean): string {
  const unparsed = new Set(diagnostics.map((d) => d.source.path)).size;
  const parts = [
    check
      ? changed === 0
        ? `${plural(total, "file")} checked: all formatted`
        : `${plural(total, "file")} checked: ${plural(changed, "file")} not formatted (run \`agp fmt\` to fix)`
      : `${plural(total, "file")} checked: ${plural(changed, "file")} formatted`,
  ];
  if (unparsed > 0) parts.push(`${plural(unparsed, "file")} with syntax errors left as they are`);
  return parts.join("; ");
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
