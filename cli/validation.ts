/**
 * Reading JSON inputs (requests, histories) with messages that name the file and the field,
 * never a stack trace.
 */
import { readSource } from "./files.js";

/** Bad input a command was given: printed as one clear message, exit code 1. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

/** Reads and parses a JSON file; a syntax error names the file, line and column. */
export function readJsonFile(absolutePath: string, cwd: string): { value: unknown; displayPath: string } {
  const file = readSource(absolutePath, cwd);
  try {
    return { value: JSON.parse(file.text) as unknown, displayPath: file.displayPath };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new InputError(`${file.displayPath}: invalid JSON: ${locateJsonError(file.text, detail)}`);
  }
}

function locateJsonError(text: string, message: string): string {
  const match = /position (\d+)/.exec(message);
  if (!match) return message;
  const offset = Number(match[1]);
  const before = text.slice(0, offset).split(/\r\n|\r|\n/);
  const line = before.length;
  const column = (before[before.length - 1]?.length ?? 0) + 1;
  return `${message.replace(/\s*\(line \d+ column \d+\)/, "")} (line ${line}, column ${column})`;
}
