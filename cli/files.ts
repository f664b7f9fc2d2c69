/**
 * Finding and reading the `.agp` files a command is given: files as named, directories
 * searched recursively (skipping `node_modules` and hidden directories), in a stable order.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { UsageError } from "./io.js";

/** A source file found on disk: its absolute path, the path to print, and its text. */
export interface SourceFile {
  readonly absolutePath: string;
  readonly displayPath: string;
  readonly text: string;
}

/** True for test files (`*.test.agp`), which are checked against the policy they name. */
export function isTestFile(file: string): boolean {
  return file.endsWith(".test.agp");
}

/**
 * Every `.agp` file under the given paths, sorted by path. A path that does not exist is a
 * usage error; a directory without policies yields nothing.
 */
export function findAgpFiles(paths: readonly string[], cwd: string): string[] {
  const found = new Set<string>();
  for (const given of paths) {
    const absolute = path.resolve(cwd, given);
    let stats;
    try {
      stats = statSync(absolute);
    } catch {
      throw new UsageError(`no such file or directory: ${given}`);
    }
    if (stats.isDirectory()) collect(absolute, found);
    else found.add(absolute);
  }
  return [...found].sort();
}

function collect(directory: string, found: Set<string>): void {
  const entries = readdirSync(directory, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) collect(full, found);
    else if (entry.isFile() && entry.name.endsWith(".agp")) found.add(full);
  }
}

/** Reads a file for a command; an unreadable file is a usage error naming it. */
export function readSource(absolutePath: string, cwd: string): SourceFile {
  try {
    return { absolutePath, displayPath: displayPath(absolutePath, cwd), text: readFileSync(absolutePath, "utf8") };
  } catch (error) {
    const reason = error instanceof Error && "code" in error ? String(error.code) : "unreadable";
    throw new UsageError(`cannot read ${displayPath(absolutePath, cwd)} (${reason})`);
  }
}

/** A path as printed: relative to the working directory when inside it, with `/` separators. */
export function displayPath(absolutePath: string, cwd: string): string {
  const relative = path.relative(cwd, absolutePath);
  const shown = relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : absolutePath;
  return shown.split(path.sep).join("/");
}
