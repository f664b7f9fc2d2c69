/**
 * `agp fmt` end to end, in-process: rewriting, `--check`, syntax errors, usage errors, and
 * the examples, which are committed formatted.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { agp } from "../e2e/cli-harness.js";

const unformatted = "policy p\naction   read on R\ndeny d : read when env.a reason \"r\"\n";
const formatted = 'policy p\naction read on R\ndeny d: read when env.a reason "r"\n';
const broken = "policy q\naction read on R\ndeny d: read when (env.a\n";

function workspace(files: Record<string, string>): string {
  const directory = mkdtempSync(path.join(tmpdir(), "agp-fmt-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(directory, name), text);
  return directory;
}

function read(directory: string, name: string): string {
  return readFileSync(path.join(directory, name), "utf8");
}

describe("agp fmt", () => {
  it("rewrites unformatted files in place and lists them", async () => {
    const directory = workspace({ "a.agp": unformatted, "b.agp": formatted });
    const run = await agp(["fmt", "."], directory);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("a.agp\n");
    expect(run.stderr).toContain("2 files checked: 1 file formatted");
    expect(read(directory, "a.agp")).toBe(formatted);
    expect(read(directory, "b.agp")).toBe(formatted);
  });

  it("with --check, lists unformatted files, exits 1 and writes nothing", async () => {
    const directory = workspace({ "a.agp": unformatted, "b.agp": formatted });
    const run = await agp(["fmt", "--check"], directory);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("a.agp\n");
    expect(run.stderr).toContain("1 file not formatted (run `agp fmt` to fix)");
    expect(read(directory, "a.agp")).toBe(unformatted);
  });

  it("with --check, exits 0 when every file is formatted", async () => {
    const directory = workspace({ "b.agp": formatted });
    const run = await agp(["fmt", "--check", "b.agp"], directory);
    expect(run).toMatchObject({ code: 0, stdout: "" });
  });

  it("leaves a file with syntax errors untouched, prints its diagnostics and exits 1", async () => {
    const directory = workspace({ "a.agp": unformatted, "bad.agp": broken });
    const run = await agp(["fmt"], directory);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^bad\.agp:3:\d+: error AGP1005: /m);
    expect(run.stderr).toContain("1 file with syntax errors left as they are");
    expect(read(directory, "bad.agp")).toBe(broken);
    expect(read(directory, "a.agp")).toBe(formatted);
  });

  it("exits 2 on a path that does not exist", async () => {
    const run = await agp(["fmt", "no-such-dir"], workspace({}));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("no such file or directory: no-such-dir");
  });

  it("finds the examples formatted", async () => {
    const run = await agp(["fmt", "--check", "examples"]);
    expect(run.stdout).toBe("");
    expect(run.code).toBe(0);
  });
});
