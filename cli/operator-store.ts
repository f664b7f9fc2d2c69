/**
 * What the operator commands (`agp grants|reviews|audit`) share: opening the SQLite store a
 * service writes, printing rows as a table or JSON, and reading `Type:id` principals.
 */
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import type { OperatorView } from "../runtime/index.js";
import { AgpRuntimeError, openOperatorView, sqliteStore } from "../runtime/index.js";
import { ExitCode, UsageError, type CliIO } from "./io.js";

/** How operator commands print what they list. */
export const listFormats = ["table", "json"] as const;

/** `table` for people, `json` for scripts. */
export type ListFormat = (typeof listFormats)[number];

/**
 * Opens the store at `file` (relative to the CLI's cwd), runs `task` on its operator view
 * and closes it. A missing or unreadable file is a usage error, never a stack trace; a
 * refusal of the runtime (an unknown review, a store failure) is printed and exits 1.
 */
export async function withOperatorView(io: CliIO, file: string, task: (view: OperatorView) => Promise<ExitCode>): Promise<ExitCode> {
  const absolute = path.resolve(io.cwd, file);
  if (!existsSync(absolute) || !statSync(absolute).isFile()) {
    throw new UsageError(`no store at \`${file}\` (give the SQLite file a service writes with --store)`);
  }
  let store;
  try {
    // Never created nor migrated here: a wrong --store path must not become an agp store.
    store = sqliteStore(absolute, { fileMustExist: true, migrate: false });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // A store a service is busy writing is there, just not available now: not a usage error.
    if (isBusy(error)) {
      io.err(`agp: the store \`${file}\` is busy (another process holds its lock): ${message}\n`);
      return ExitCode.failure;
    }
    throw new UsageError(`cannot open the store \`${file}\`: ${message}`);
  }
  try {
    return await task(openOperatorView(store));
  } catch (error) {
    if (!(error instanceof AgpRuntimeError)) throw error;
    // What the command line asked for is malformed: a usage error, not a refusal of the store's state.
    if (error.code === "invalid_target" || error.code === "invalid_resolution") throw new UsageError(error.message);
    io.err(`agp: ${error.message}\n`);
    return ExitCode.failure;
  } finally {
    await store.close();
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "SQLITE_BUSY" || code === "SQLITE_LOCKED";
}

/** `Type:id` as given on the command line; anything else is a usage error. */
export function principalArgument(text: string): string {
  const split = text.indexOf(":");
  if (split <= 0 || split === text.length - 1) throw new UsageError(`a principal is \`Type:id\` (e.g. \`Assistant:a1\`), not \`${text}\``);
  return text;
}

/** Prints `rows` under `headers` as aligned columns, or a note when there are none. */
export function printTable(io: CliIO, headers: readonly string[], rows: readonly (readonly string[])[], empty: string): void {
  if (rows.length === 0) {
    io.out(`${empty}\n`);
    return;
  }
  // Ids and reasons come from agents: escaped, so none can move the cursor or fake a row.
  const shown = rows.map((row) => row.map(printable));
  const widths = headers.map((header, column) => Math.max(header.length, ...shown.map((row) => (row[column] ?? "").length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ").trimEnd();
  io.out(`${[line(headers), ...shown.map(line)].join("\n")}\n`);
}

/** Control, line-breaking and bidirectional-override characters, which a terminal acts on instead of showing. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every character a terminal would act on written as a `\uXXXX` escape. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (character) => `\\u${(character.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`);
}

/** Prints `value` as indented JSON. */
export function printJson(io: CliIO, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}

/** An epoch-millisecond time as ISO-8601, or `-`. */
export function isoTime(time: number | null): string {
  return time === null ? "-" : new Date(time).toISOString();
}
