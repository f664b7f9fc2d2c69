#!/usr/bin/env node
/**
 * The `agp` command line. Thin by design: yargs parses the arguments, each command calls
 * the public APIs and returns an exit code (0 clean, 1 diagnostics or failures, 2 usage).
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import yargs from "yargs";
import { runCheck, diagnosticFormats } from "./commands/check.js";
import { runCompile } from "./commands/compile.js";
import { runEval } from "./commands/eval.js";
import { ExitCode, processIO, UsageError, type CliIO } from "./io.js";
import type { DiagnosticFormat } from "./report.js";

/** A parsed command, ready to run. */
type Invocation = (io: CliIO) => Promise<ExitCode> | ExitCode;

function buildParser() {
  return yargs()
    .scriptName("agp")
    .usage("$0 <command> [options]\n\nPolicy-as-code for AI agents: check, compile and evaluate .agp policies.")
    .command("check [paths..]", "parse and check policies and their tests", (y) =>
      y
        .positional("paths", { type: "string", array: true, default: ["."], describe: "files or directories" })
        .option("format", { choices: diagnosticFormats, default: "pretty" as DiagnosticFormat, describe: "output format" })
        .option("warnings-as-errors", { type: "boolean", default: false, describe: "exit 1 on warnings too" }),
    )
    .command("compile [paths..]", "compile policies to TypeScript decision modules (.ts, .js, .d.ts)", (y) =>
      y
        .positional("paths", { type: "string", array: true, default: ["."], describe: "files or directories" })
        .option("out", { type: "string", demandOption: true, describe: "output directory" })
        .option("format", { choices: diagnosticFormats, default: "pretty" as DiagnosticFormat, describe: "diagnostic format" }),
    )
    .command("eval <policy>", "decide one JSON request against a policy and print the decision", (y) =>
      y
        .positional("policy", { type: "string", demandOption: true, describe: "the .agp policy file" })
        .option("request", { type: "string", demandOption: true, describe: "the request JSON file" })
        .option("history", { type: "string", describe: "a JSON array of earlier granted requests" })
        .option("explain", { type: "boolean", default: false, describe: "add how each rule of the action fared" }),
    )
    .demandCommand(1, "name a command: check, compile or eval")
    .strict()
    .help()
    .version(false)
    .exitProcess(false)
    .wrap(Math.min(100, process.stdout.columns ?? 100));
}

function toInvocation(argv: Record<string, unknown>): Invocation {
  const [command] = (argv._ as unknown[]) ?? [];
  const paths = (argv.paths as string[] | undefined) ?? ["."];
  const format = argv.format as DiagnosticFormat;
  switch (command) {
    case "check":
      return (io) => runCheck(io, { paths, format, warningsAsErrors: Boolean(argv.warningsAsErrors) });
    case "compile":
      return (io) => runCompile(io, { paths, out: String(argv.out), format });
    case "eval":
      return (io) =>
        runEval(io, {
          policy: String(argv.policy),
          request: String(argv.request),
          history: typeof argv.history === "string" ? argv.history : undefined,
          explain: Boolean(argv.explain),
        });
    default:
      throw new UsageError(`unknown command: ${String(command)}`);
  }
}

/** Runs the CLI on `args` (without `node agp`) and returns the exit code. Never throws. */
export async function runCli(args: readonly string[], io: CliIO): Promise<ExitCode> {
  let parseError: Error | undefined;
  let output = "";
  const argv = await buildParser().parseAsync([...args], {}, (error, _argv, text) => {
    parseError = error ?? undefined;
    output = text;
  });
  if (parseError) {
    // yargs puts the help and the message into `output`; add the message only if it is not there.
    const message = output.includes(parseError.message) ? "" : `agp: ${parseError.message}\n`;
    io.err(`${output ? `${output}\n` : ""}${message}`);
    return ExitCode.usage;
  }
  if (output) {
    io.out(`${output}\n`);
    return ExitCode.ok;
  }
  try {
    return await toInvocation(argv as Record<string, unknown>)(io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`agp: ${error.message}\n`);
      return ExitCode.usage;
    }
    // A bug in agp, not bad input: one line by default, the stack only when asked for.
    const detail = error instanceof Error ? (process.env.AGP_DEBUG ? (error.stack ?? error.message) : error.message) : String(error);
    io.err(`agp: internal error (a bug in agp; rerun with AGP_DEBUG=1 for details): ${detail}\n`);
    return ExitCode.failure;
  }
}

const invokedDirectly = (() => {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
})();

if (invokedDirectly) {
  process.exitCode = await runCli(process.argv.slice(2), processIO());
}
