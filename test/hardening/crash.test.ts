/**
 * Crash safety of the SQLite store: 20 rounds of a child process writing grants and
 * revocations to ONE file, each killed with SIGKILL at a different point. After every round
 * the file is reopened: every grant and revocation acknowledged in this round or any
 * earlier one is there, and the audit chain verifies; the next round writes on. The next
 * child loads its code while the current one runs, so a round costs its writes, not a start.
 */
import type { ChildProcessByStdio } from "node:child_process";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { expensesModule } from "../../runtime/__fixtures__/expenses.js";
import { verifyAudit } from "../../runtime/audit.js";
import { createRuntime } from "../../runtime/runtime.js";
import { sqliteStore } from "../../runtime/stores/sqlite.js";
import type { SqliteStore } from "../../runtime/stores/sqlite.js";
import { fuzzing, runs } from "./runs.js";

const directory = mkdtempSync(path.join(tmpdir(), "agp-crash-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

type Child = ChildProcessByStdio<Writable, Readable, Readable>;

/** A SIGKILL child that has loaded its code and waits for `run` to open the store. */
function prepareChild(file: string) {
  const child: Child = spawn(
    process.execPath,
    [
      "--import",
      "./runtime/__fixtures__/ts-loader.mjs",
      "runtime/__fixtures__/sigkill-child.ts",
      file,
      "normal",
      "--wait",
    ],
    { cwd: repositoryRoot, stdio: ["pipe", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  const waiters = new Set<() => void>();
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const wake of waiters) wake();
  });
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
  const until = (done: () => boolean) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        if (!done()) return;
        waiters.delete(wake);
        resolve();
      };
      waiters.add(wake);
      void exited.then(() => {
        waiters.delete(wake);
        resolve();
      });
      wake();
    });
  const lines = () => stdout.split("\n").slice(0, -1);
  return {
    /** Lets the child write until it has acknowledged `kill.lines` lines or for `kill.afterMs`, kills it, and returns the complete lines. */
    async runAndKill(kill: KillPoint): Promise<string[]> {
      await until(() => lines()[0] === "loaded");
      child.stdin.end("go\n");
      if ("lines" in kill) await until(() => lines().length > kill.lines);
      else await new Promise((resolve) => setTimeout(resolve, kill.afterMs));
      child.kill("SIGKILL");
      const signal = await exited;
      if (signal !== "SIGKILL") throw new Error(`the child exited before it was killed:\n${stderr}`);
      // A line is acknowledged only when complete: the last one may have been cut by the kill.
      return lines().slice(1);
    },
    kill: () => child.kill("SIGKILL"),
  };
}

/** Checks that every acknowledged line is in the store. */
async function expectAcknowledged(store: SqliteStore, acknowledged: readonly string[]) {
  for (const line of acknowledged) {
    const [kind = "", id = ""] = line.split(" ");
    if (kind === "grant") expect(await store.getGrant(id), line).toMatchObject({ id });
    else if (kind === "revoked-grant") expect((await store.getGrant(id))?.revokedAt, line).not.toBeNull();
    else if (kind === "revoked-session")
      expect(await store.getSession(id), line).toMatchObject({
        revoked: true,
        state: { status: "ended" },
      });
    else throw new Error(`unexpected line from the child: ${line}`);
  }
}

/** When to kill a child: after it acknowledged some lines, or after some time (maybe while it still starts). */
type KillPoint = { readonly lines: number } | { readonly afterMs: number };

/** A small deterministic generator of kill points, so that a failing round can be replayed; one in four is timed. */
function killPoints(seed: number) {
  let state = seed >>> 0;
  return (): KillPoint => {
    // mulberry32: 32-bit integer arithmetic only, so every bit is random.
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const random = (t ^ (t >>> 14)) >>> 0;
    return random % 4 === 0 ? { afterMs: (random >>> 2) % 60 } : { lines: 2 + ((random >>> 2) % 30) };
  };
}

/** How many children load ahead of the round that runs. */
const PIPELINE = 3;

describe("SIGKILL against a process writing to one SQLite file", () => {
  const rounds = runs(20, 60);
  it(
    `loses nothing acknowledged and keeps the audit chain whole over ${rounds} rounds`,
    { timeout: fuzzing ? 600_000 : 60_000 },
    async () => {
      const file = path.join(directory, "crash.db");
      const nextKill = killPoints(Number(process.env.AGP_FUZZ_SEED ?? 20_260_105));
      const acknowledged: string[] = [];
      // Children load their code ahead, a few at a time, while earlier rounds run.
      const ahead = Array.from({ length: Math.min(PIPELINE, rounds) }, () => prepareChild(file));
      let auditEntries = 0;
      try {
        for (let round = 0; round < rounds; round++) {
          const current = ahead.shift()!;
          if (round + ahead.length + 1 < rounds) ahead.push(prepareChild(file));
          const kill = nextKill();
          const lines = await current.runAndKill(kill);
          if ("lines" in kill) expect(lines.length, `round ${round}`).toBeGreaterThanOrEqual(kill.lines);
          acknowledged.push(...lines);
          const store = sqliteStore(file);
          await expectAcknowledged(store, acknowledged);
          const verified = await verifyAudit(store);
          expect(verified, `round ${round}`).toMatchObject({ ok: true });
          expect(verified.entries, `round ${round}`).toBeGreaterThanOrEqual(auditEntries + (lines.length > 0 ? 1 : 0));
          auditEntries = verified.entries;
          await store.close();
        }
      } finally {
        for (const child of ahead) child.kill();
      }
      expect(acknowledged.filter((line) => line.startsWith("revoked-grant")).length).toBeGreaterThan(rounds / 2);
      expect(acknowledged.some((line) => line.startsWith("revoked-session"))).toBe(true);

      const rt = createRuntime({
        policy: expensesModule(),
        store: sqliteStore(file),
      });
      expect(await rt.audit.verify()).toMatchObject({ ok: true });
      // The store may hold more than was acknowledged (a commit whose answer the kill cut off), never less.
      const acknowledgedGrants = acknowledged.filter((line) => line.startsWith("grant "));
      expect((await rt.grants()).length).toBeGreaterThanOrEqual(acknowledgedGrants.length);
      await rt.close();
    },
  );
});
