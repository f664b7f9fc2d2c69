#!/usr/bin/env node
/**
 * The `agp` command line. Thin by design: yargs parses the arguments, each command calls
 * the public APIs and returns an exit code (0 clean, 1 diagnostics or failures, 2 usage).
 */
import { existsSync, readFileSync, realpathSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import yargs, { type Argv } from "yargs";
import { packageLocation } from "../compiler/package-location.js";
import type { ReporterName } from "../harness/reporters/index.js";
import type { ListFormat } from "./operator-store.js";
import { ExitCode, processIO, UsageError, type CliIO } from "./io.js";
import type { DiagnosticFormat } from "./report.js";

// INVARIANT: commands are imported when they run, never at start-up: each pulls in its own
// heavy dependencies (the compiler and TypeScript, prettier, better-sqlite3), and `agp test`
// or `agp --help` must not pay for the others. The option choices are repeated here for the
// same reason; `satisfies` keeps them within the commands' own types.
const diagnosticFormats = ["pretty", "json"] as const satisfies readonly DiagnosticFormat[];
const reporterNames = ["pretty", "json", "junit", "github"] as const satisfies readonly ReporterName[];
const listFormats = ["table", "json"] as const satisfies readonly ListFormat[];

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
    .command("test [paths..]", "run the *.test.agp cases of policies, with rule coverage", (y) =>
      y
        .positional("paths", { type: "string", array: true, default: ["."], describe: "test files, policies or directories" })
        .option("reporter", { choices: reporterNames, default: "pretty" as ReporterName, describe: "output format" })
        .option("coverage", { type: "boolean", default: false, describe: "report which rules some case made decide" })
        .option("coverage-min", { type: "number", describe: "fail below this rule coverage percentage (implies --coverage)" })
        .option("filter", { type: "string", describe: "only cases whose title contains this text, or matches /regex/" }),
    )
    .command("eval <policy>", "decide one JSON request against a policy and print the decision", (y) =>
      y
        .positional("policy", { type: "string", demandOption: true, describe: "the .agp policy file" })
        .option("request", { type: "string", demandOption: true, describe: "the request JSON file" })
        .option("history", { type: "string", describe: "a JSON array of earlier granted requests" })
        .option("explain", { type: "boolean", default: false, describe: "add how each rule of the action fared" }),
    )
    .command("fmt [paths..]", "format .agp and .test.agp files canonically (rewrites them; --check only lists)", (y) =>
      y
        .positional("paths", { type: "string", array: true, default: ["."], describe: "files or directories" })
        .option("check", { type: "boolean", default: false, describe: "list unformatted files and exit 1; write nothing" }),
    )
    .command("grants", "list and revoke the grants in a runtime's SQLite store", (y) =>
      y
        .command("list", "list grants with their status now", (z) =>
          storeOption(z)
            .option("session", { type: "string", describe: "only this session's grants" })
            .option("principal", { type: "string", describe: "only this principal's grants (Type:id)" })
            .option("live", { type: "boolean", default: false, describe: "only grants that would redeem now" })
            .option("format", { choices: listFormats, default: "table" as ListFormat, describe: "output format" }),
        )
        .command("revoke", "revoke a grant, a session or a principal at once", (z) =>
          storeOption(z)
            .option("grant", { type: "string", describe: "the grant id" })
            .option("session", { type: "string", describe: "the session id" })
            .option("principal", { type: "string", describe: "the principal (Type:id)" })
            .option("by", { type: "string", default: "operator", describe: "who revokes, for the audit log" }),
        )
        .demandCommand(1, "name a grants command: list or revoke"),
    )
    .command("reviews", "list and resolve the reviews monitors opened", (y) =>
      y
        .command("list", "list pending reviews", (z) =>
          storeOption(z).option("format", { choices: listFormats, default: "table" as ListFormat, describe: "output format" }),
        )
        .command(["approve <id>", "reject <id>"], "approve (resume the session) or reject (end it) a review", (z) =>
          storeOption(z)
            .positional("id", { type: "string", demandOption: true, describe: "the review id" })
            .option("by", { type: "string", demandOption: true, describe: "who resolves it, for the audit log" })
            .option("note", { type: "string", describe: "why" }),
        )
        .demandCommand(1, "name a reviews command: list, approve or reject"),
    )
    .command("audit", "check and read the audit log of a runtime's SQLite store", (y) =>
      y
        .command("verify", "check the hash chain; exit 1 at the first changed or missing entry", (z) =>
          storeOption(z).option("anchor", {
            type: "string",
            describe: "SEQ:HASH of an entry recorded earlier (a verify prints its head): the log must still hold it",
          }),
        )
        .command("tail", "print the last entries", (z) =>
          storeOption(z)
            .option("n", { alias: "lines", type: "number", default: 20, describe: "how many entries" })
            .option("format", { choices: listFormats, default: "table" as ListFormat, describe: "output format" }),
        )
        .demandCommand(1, "name an audit command: verify or tail"),
    )
    .demandCommand(1, "name a command: check, test, compile, eval, grants, reviews or audit")
    // An option given twice takes its last value, as in most CLIs: yargs makes it an array,
    // which every single-valued option would misread (the only lists are the positional paths).
    .middleware((argv) => {
      for (const [key, value] of Object.entries(argv)) {
        if (key !== "_" && key !== "paths" && Array.isArray(value)) argv[key] = value.at(-1);
      }
    }, true)
    .strict()
    .help()
    .version(packageVersion())
    .exitProcess(false)
    .wrap(Math.min(100, process.stdout.columns ?? 100));
}

/** This package's version, from its package.json (sources, dist or the bundled bin). */
function packageVersion(): string {
  const file = path.join(packageLocation.root, "package.json");
  return existsSync(file) ? String((JSON.parse(readFileSync(file, "utf8")) as { version?: unknown }).version ?? "unknown") : "unknown";
}

/** The `--store FILE` option of the operator commands. */
function storeOption<T>(y: Argv<T>) {
  return y.option("store", { type: "string", demandOption: true, describe: "the SQLite store file" });
}

function toInvocation(argv: Record<string, unknown>): Invocation {
  const [command, subcommand] = (argv._ as unknown[]) ?? [];
  const paths = (argv.paths as string[] | undefined) ?? ["."];
  const format = argv.format as DiagnosticFormat;
  switch (command) {
    case "check":
      return async (io) => (await import("./commands/check.js")).runCheck(io, { paths, format, warningsAsErrors: Boolean(argv.warningsAsErrors) });
    case "compile":
      return async (io) => (await import("./commands/compile.js")).runCompile(io, { paths, out: String(argv.out), format });
    case "test":
      return async (io) =>
        (await import("./commands/test.js")).runTest(io, {
          paths,
          reporter: argv.reporter as ReporterName,
          coverage: Boolean(argv.coverage),
          coverageMin: typeof argv.coverageMin === "number" ? argv.coverageMin : undefined,
          filter: typeof argv.filter === "string" ? argv.filter : undefined,
        });
    case "eval":
      return async (io) =>
        (await import("./commands/eval.js")).runEval(io, {
          policy: String(argv.policy),
          request: String(argv.request),
          history: typeof argv.history === "string" ? argv.history : undefined,
          explain: Boolean(argv.explain),
        });
    case "fmt":
      return async (io) => (await import("./commands/fmt.js")).runFmt(io, { paths, check: Boolean(argv.check) });
    case "grants":
    case "reviews":
    case "audit":
      return operatorInvocation(`${command} ${String(subcommand)}`, argv);
    default:
      throw new UsageError(`unknown command: ${String(command)}`);
  }
}

/** `--by`: who acts, as the audit log records it; a blank name records nobody. */
function actor(value: unknown): string {
  if (typeof value !== "string" || value.trim() === "") throw new UsageError("--by names who acts, for the audit log; it cannot be blank");
  return value;
}

/** `-n` of `agp audit tail`: a whole number of entries, 0 or more. */
function entryCount(value: unknown): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new UsageError(`-n must be a whole number of entries, 0 or more, not ${String(value)}`);
  }
  return value;
}

function operatorInvocation(command: string, argv: Record<string, unknown>): Invocation {
  const store = String(argv.store);
  const text = (name: string) => (typeof argv[name] === "string" ? (argv[name] as string) : undefined);
  const format = argv.format as ListFormat;
  switch (command) {
    case "grants list":
      return async (io) => (await import("./commands/grants.js")).runGrantsList(io, { store, session: text("session"), principal: text("principal"), live: Boolean(argv.live), format });
    case "grants revoke":
      return async (io) => (await import("./commands/grants.js")).runGrantsRevoke(io, { store, grant: text("grant"), session: text("session"), principal: text("principal"), by: actor(argv.by) });
    case "reviews list":
      return async (io) => (await import("./commands/reviews.js")).runReviewsList(io, { store, format });
    case "reviews approve":
    case "reviews reject":
      return async (io) =>
        (await import("./commands/reviews.js")).runReviewsResolve(io, { store, id: String(argv.id), verdict: command === "reviews approve" ? "approve" : "reject", by: actor(argv.by), note: text("note") });
    case "audit verify":
      return async (io) => (await import("./commands/audit.js")).runAuditVerify(io, { store, anchor: text("anchor") });
    case "audit tail":
      return async (io) => (await import("./commands/audit.js")).runAuditTail(io, { store, lines: entryCount(argv.n), format });
    default:
      throw new UsageError(`unknown command: ${command}`);
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

// No top-level await: the bundled bin is this module compiled to CommonJS (see scripts/bundle-cli.mjs).
if (invokedDirectly) {
  void runCli(process.argv.slice(2), processIO()).then((code) => {
    process.exitCode = code;
  });
}
