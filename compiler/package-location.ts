/**
 * Where this package is on disk: its root (the nearest directory above this file that holds
 * a package.json) and whether agp runs from its build (`dist/`, the bundled CLI in
 * `dist/cli/` included) or from its sources (vitest). Files the package reads of itself (its
 * version, the stdlib types for the type-check) are found from here.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The package's root directory, and whether this code runs from `dist/`. */
export interface PackageLocation {
  readonly root: string;
  readonly fromDist: boolean;
}

function locate(): PackageLocation {
  const here = path.dirname(fileURLToPath(import.meta.url));
  let root = here;
  while (!existsSync(path.join(root, "package.json")) && path.dirname(root) !== root) root = path.dirname(root);
  return { root, fromDist: path.relative(root, here).split(path.sep)[0] === "dist" };
}

/** This package's location, found once. */
export const packageLocation: PackageLocation = locate();
