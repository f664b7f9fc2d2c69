/**
 * The real process, not the in-process harness: a reader that closes its end of the pipe
 * early (`agp check | head -1`) must not crash the CLI with an EPIPE stack trace, and the
 * command's exit code must still be its own.
 */
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { repositoryRoot } from "./cli-harness.js";

function runWithClosedStdout(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "./runtime/__fixtures__/ts-loader.mjs", "cli/main.ts", ...args], {
    cwd: repositoryRoot,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.destroy();
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stderr })));
}

describe("agp writing to a closed pipe", () => {
  it("finishes quietly with its own exit code", async () => {
    const passing = await runWithClosedStdout(["test", "examples/expenses"]);
    expect(passing.stderr).not.toMatch(/EPIPE|at .*\(/);
    expect(passing.code).toBe(0);
    const failing = await runWithClosedStdout(["eval", "examples/expenses/expenses.agp", "--request", "no-such-file.json"]);
    expect(failing.stderr).not.toMatch(/EPIPE/);
    expect(failing.code).toBe(2);
  }, 30_000);
});
