/**
 * Reading JSON inputs (requests, histories) with messages that name the file and the field,
 * never a stack trace.
 */
import { codeFrame } from "../compiler/diagnostics.js";
import { Source } from "../compiler/source.js";
import { readSource } from "./files.js";
import { findJsonError } from "./json-position.js";

/** Bad input a command was given: printed as one clear message, exit code 1. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

/** Reads and parses a JSON file; a syntax error names the file, line and column, with a code frame. */
export function readJsonFile(absolutePath: string, cwd: string): { value: unknown; displayPath: string } {
  const file = readSource(absolutePath, cwd);
  try {
    return { value: JSON.parse(file.text) as unknown, displayPath: file.displayPath };
  } catch {
    const error = findJsonError(file.text) ?? { offset: 0, found: "something JSON does not allow" };
    const source = new Source(file.text, file.displayPath);
    const { line, column } = source.position(error.offset);
    const frame = codeFrame(source, { start: error.offset, end: error.offset + 1 });
    throw new InputError(`${file.displayPath}:${line}:${column}: invalid JSON: unexpected ${error.found}\n${frame}`);
  }
}
