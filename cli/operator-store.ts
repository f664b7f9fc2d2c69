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
    store = sqliteStore(absolute, { fileMustExist: true });
  } catch (error) {
    throw new UsageError(`cannot open the store \`${file}\`: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return await task(openOperatorView(store));
  } catch (error) {
    if (!(error instanceof AgpRuntimeError)) throw error;
    io.err(`agp: ${error.message}\n`);
    return ExitCode.failure;
  } finally {
    await store.close();
  }
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
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? "").length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ").trimEnd();
  io.out(`${[line(headers), ...rows.map(line)].join("\n")}\n`);
}

/** Prints `value` as indented JSON. */
export function printJson(io: CliIO, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}

/** An epoch-millisecond time as ISO-8601, or `-`. */
export function isoTime(time: number | null): string {
  return time === null ? "-" : new Date(time).toISOString();
}
