/**
 * The package's `bin` as users run it: dist/cli/agp.js running the bundled CLI that `npm run
 * build` writes (dist/cli/agp.bundle.cjs and its code cache, see scripts/bundle-cli.mjs), in
 * its own process. The other e2e tests run the CLI in-process from sources; this one checks
 * that the bundle is complete: its commands run, it finds the packages it leaves external
 * (TypeScript for the type-check of `agp compile`, Prettier for `agp fmt`), it finds this
 * package's files from dist (the stdlib types, package.json), and the code cache fits it.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { repositoryRoot } from "./cli-harness.js";

const bin = path.join(repositoryRoot, "dist/cli/agp.js");
const out = mkdtempSync(path.join(tmpdir(), "agp-bin-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function run(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npm run build\` (npm ci does) before the tests`);
  const child = spawnSync(process.execPath, [bin, ...args], { cwd: repositoryRoot, encoding: "utf8" });
  return { code: child.status, stdout: child.stdout, stderr: child.stderr };
}

describe("the bundled agp bin", () => {
  it("prints the package's version", () => {
    const version = (JSON.parse(readFileSync(path.join(repositoryRoot, "package.json"), "utf8")) as { version: string }).version;
    expect(run("--version")).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it("checks, tests and formats the examples", () => {
    expect(run("check", "examples")).toMatchObject({ code: 0, stderr: expect.stringContaining("0 errors") });
    expect(run("test", "examples", "--coverage-min", "100")).toMatchObject({ code: 0, stdout: expect.stringMatching(/\d+ passed, 0 failed/) });
    expect(run("fmt", "--check", "examples")).toMatchObject({ code: 0 });
  }, 60_000);

  it("runs from the code cache the build made for it", () => {
    const loader = pathToFileURL(path.join(repositoryRoot, "dist/cli/bundle-loader.js")).href;
    const bundle = path.join(repositoryRoot, "dist/cli/agp.bundle.cjs");
    const script = `const { loadBundle } = await import(${JSON.stringify(loader)}); console.log(loadBundle(${JSON.stringify(bundle)}, ${JSON.stringify(`${bundle}.cache`)}).cache);`;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: repositoryRoot, encoding: "utf8" });
    expect({ code: child.status, stdout: child.stdout, stderr: child.stderr }).toEqual({ code: 0, stdout: "used\n", stderr: "" });
    // V8 drops a script's dynamic-import callback when it compiles from a cache: the build
    // turns every import() into require().
    expect(readFileSync(bundle, "utf8")).not.toMatch(/(?<![\w.$`])import\((?!\))/);
  });

  it("compiles with the type-check of the generated module, and reports usage errors as such", () => {
    const compiled = run("compile", "examples/expenses", "--out", out);
    expect(compiled.code, compiled.stderr).toBe(0);
    expect(existsSync(path.join(out, "expenses.js"))).toBe(true);
    expect(run("check", "--no-such-option")).toMatchObject({ code: 2 });
  }, 60_000);
});
