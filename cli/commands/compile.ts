/**
 * `agp compile [PATHS..] --out DIR`: compile each policy to `.ts`, `.js` and `.d.ts`,
 * mirroring the policies' directories below their common root.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { compile, hasErrors, type Diagnostic } from "../../compiler/index.js";
import { ExitCode, type CliIO } from "../io.js";
import { displayPath } from "../files.js";
import { printDiagnostics, type DiagnosticFormat } from "../report.js";
import { loadWorkspace } from "../workspace.js";

/** Arguments of `agp compile`. */
export interface CompileArguments {
  readonly paths: readonly string[];
  readonly out: string;
  readonly format: DiagnosticFormat;
}

/** Compiles every policy under the paths; writes nothing for a policy with errors. */
export async function runCompile(io: CliIO, args: CompileArguments): Promise<ExitCode> {
  const workspace = loadWorkspace(args.paths, io.cwd, { tests: false });
  const outDirectory = path.resolve(io.cwd, args.out);
  const root = commonDirectory(workspace.policies.map((p) => path.dirname(p.file.absolutePath)));
  const diagnostics: Diagnostic[] = [];
  const written: string[] = [];
  for (const { file } of workspace.policies) {
    const { result, diagnostics: found } = await compile(file.text, { path: file.displayPath });
    diagnostics.push(...found);
    if (!result) continue;
    const relative = path.relative(root, file.absolutePath).replace(/\.agp$/, "");
    const base = path.join(outDirectory, relative);
    mkdirSync(path.dirname(base), { recursive: true });
    writeFileSync(`${base}.ts`, result.typescript);
    writeFileSync(`${base}.js`, result.javascript);
    writeFileSync(`${base}.d.ts`, result.declarations);
    written.push(displayPath(`${base}.js`, io.cwd));
  }
  printDiagnostics(io, diagnostics, args.format, workspace.policies.length);
  if (args.format === "pretty") for (const file of written) io.err(`wrote ${file} (.ts, .d.ts)\n`);
  return hasErrors(diagnostics) ? ExitCode.failure : ExitCode.ok;
}

function commonDirectory(directories: readonly string[]): string {
  if (directories.length === 0) return ".";
  let common = directories[0] ?? ".";
  for (const directory of directories) {
    while (directory !== common && !directory.startsWith(common + path.sep)) {
      const parent = path.dirname(common);
      if (parent === common) return common;
      common = parent;
    }
  }
  return common;
}
