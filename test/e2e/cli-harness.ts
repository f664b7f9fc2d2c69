/**
 * Runs the CLI in-process with captured output, as the e2e tests' one way in.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { CliIO } from "../../cli/io.js";
import { runCli } from "../../cli/main.js";

/** The repository root, so tests can point the CLI at `examples/`. */
export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** What one CLI run printed and returned. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `agp ...args` with `cwd` as the working directory (the repository root by default), standard output and error not terminals unless said. */
export async function agp(args: readonly string[], cwd = repositoryRoot, terminals: { readonly stdout?: boolean; readonly stderr?: boolean } = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const io: CliIO = {
    out: (text) => {
      stdout += text;
    },
    err: (text) => {
      stderr += text;
    },
    cwd,
    colorOut: terminals.stdout ?? false,
    colorErr: terminals.stderr ?? false,
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}
