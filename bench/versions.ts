/** Versions of the packages the benchmarks run, read from their installed package.json. */
import { readFileSync } from "node:fs";

/** The repository root, from dist/bench or bench. */
export const REPO_ROOT = new URL(import.meta.url.includes("/dist/bench/") ? "../../" : "../", import.meta.url);

/** The installed version of package `name` (agp's own for "agp"), or "unknown". */
export function packageVersion(name: string): string {
  try {
    const path = name === "agp" ? "package.json" : `node_modules/${name}/package.json`;
    const text = readFileSync(new URL(path, REPO_ROOT), "utf8");
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null && "version" in parsed && typeof parsed.version === "string") return parsed.version;
  } catch {
    // Not installed where expected: reported as unknown.
  }
  return "unknown";
}
