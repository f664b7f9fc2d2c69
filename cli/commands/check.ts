/**
 * `agp check [PATHS..]`: parse and check policies and their test files; exit 1 on errors.
 */
import { hasErrors } from "../../compiler/index.js";
import { ExitCode, type CliIO } from "../io.js";
import { diagnosticFormats, printDiagnostics, type DiagnosticFormat } from "../report.js";
import { loadWorkspace, workspaceDiagnostics } from "../workspace.js";

/** Arguments of `agp check`. */
export interface CheckArguments {
  readonly paths: readonly string[];
  readonly format: DiagnosticFormat;
  readonly warningsAsErrors: boolean;
}

/** Checks every `.agp` file under the paths; prints diagnostics; returns the exit code. */
export function runCheck(io: CliIO, args: CheckArguments): ExitCode {
  const workspace = loadWorkspace(args.paths, io.cwd);
  const diagnostics = workspaceDiagnostics(workspace);
  const files = workspace.policies.length + workspace.tests.length;
  printDiagnostics(io, diagnostics, args.format, files);
  const failed = hasErrors(diagnostics) || (args.warningsAsErrors && diagnostics.length > 0);
  return failed ? ExitCode.failure : ExitCode.ok;
}

export { diagnosticFormats };
