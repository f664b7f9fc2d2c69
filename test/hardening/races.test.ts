/**
 * Separation of duties under racing requests: 1,000 concurrent submits and approves of one
 * expense report, from many sessions of several agents of the same human, never grant both
 * actions, on the memory store and on the SQLite store, through one runtime or two sharing
 * the store; and two OS processes sharing one SQLite file never do either (checked in what
 * they answered and in the file afterwards).
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
import { agentOf, alice, entities, officeHours, reportOf } from "../../runtime/__fixtures__/people.js";
import { virtualClock } from "../../runtime/clock.js";
import type { Runtime } from "../../runtime/runtime.js";
import { createRuntime } from "../../runtime/runtime.js";
import type { Session } from "../../runtime/session.js";
import { memoryStore } from "../../runtime/stores/memory.js";
import { sqliteStore } from "../../runtime/stores/sqlite.js";
import type { Store } from "../../runtime/stores/store.js";
import { fuzzing, runs } from "./runs.js";

const directory = mkdtempSync(path.join(tmpdir(), "agp-races-"));
let files = 0;
const freshFile = () => path.join(directory, `races-${++files}.db`);
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const REQUESTS = 1_000;
/** Why a racing request may be refused: the separation, or the retry budget of the compare-and-set. */
const RACE_DENIAL = /^(submit_approve|too many concurrent grants)/;

/** A store kind: how to make `n` stores sharing the same data (one memory object, or n connections to one file). */
const storeKinds: readonly [string, (n: number) => Store[]][] = [
  [
    "memory",
    (n) => {
      const store = memoryStore();
      return Array.from({ length: n }, () => store);
    },
  ],
  [
    "sqlite",
    (n) => {
      const file = freshFile();
      return Array.from({ length: n }, () => sqliteStore(file));
    },
  ],
];

/** `REQUESTS` racing submits and approves of one report from 40 sessions of 8 agents of alice, spread over `runtimes`. */
async function race(runtimes: readonly Runtime[], reportId: string) {
  const report = reportOf(reportId, alice);
  const sessions: Session[] = [];
  for (let i = 0; i < 40; i++) {
    const rt = runtimes[i % runtimes.length]!;
    sessions.push(
      await rt.openSession({
        principal: agentOf(`agent${i % 8}`, alice),
        intent: i % 2 === 0 ? "file_expenses" : "review_team",
      }),
    );
  }
  // A fixed but scrambled order, so that neither action leads.
  const outcomes = await Promise.all(
    Array.from({ length: REQUESTS }, (_, i) => {
      const session = sessions[(i * 17 + (i >> 3)) % sessions.length]!;
      const action = session.intent === "file_expenses" ? "submit" : "approve";
      return session
        .request({ action, resource: report, env: officeHours, entities })
        .then((outcome) => ({ action, outcome }));
    }),
  );
  return { report, outcomes };
}

describe.each(storeKinds)("1,000 racing requests on the %s store", (kind, makeStores) => {
  // One SQLite runtime is the memory case with slower I/O; two connections racing is the hard one.
  for (const runtimeCount of kind === "sqlite" && !fuzzing ? [2] : [1, 2]) {
    it(
      `never grant both submit and approve, through ${runtimeCount} runtime(s)`,
      { timeout: fuzzing ? 600_000 : 60_000 },
      async () => {
        const stores = makeStores(runtimeCount);
        const clock = virtualClock();
        const runtimes = stores.map((store) => createRuntime({ policy: expensesModule(), store, clock }));
        for (let round = 0; round < runs(1, 5); round++) {
          const { report, outcomes } = await race(runtimes, `contested-${runtimeCount}-${round}`);
          const granted = outcomes.filter(({ outcome }) => outcome.allowed);
          expect(granted.length).toBeGreaterThan(0);
          expect(new Set(granted.map(({ action }) => action)).size).toBe(1);
          for (const { outcome } of outcomes.filter(({ outcome }) => !outcome.allowed)) {
            expect(outcome.grant).toBeNull();
            expect([...outcome.decision.rules, ...outcome.decision.reasons].join(" ")).toMatch(RACE_DENIAL);
          }
          const recorded = (await stores[0]!.listGrants({})).filter((grant) => grant.resource.id === report.id);
          expect(recorded).toHaveLength(granted.length);
          expect(new Set(recorded.map((grant) => grant.action))).toEqual(new Set(granted.map(({ action }) => action)));
        }
        expect(await runtimes[0]!.audit.verify()).toMatchObject({ ok: true });
        for (const store of new Set(stores)) await store.close();
      },
    );
  }
});

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

type Child = ChildProcessByStdio<Writable, Readable, Readable>;

/** Spawns the race child on `file`; resolves once it has opened its sessions. */
async function startChild(file: string, reports: readonly string[], perReport: number, name: string) {
  const child: Child = spawn(
    process.execPath,
    [
      "--import",
      "./runtime/__fixtures__/ts-loader.mjs",
      "runtime/__fixtures__/race-child.ts",
      file,
      reports.join(","),
      String(perReport),
      name,
    ],
    { cwd: repositoryRoot, stdio: ["pipe", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.startsWith("ready\n")) resolve();
    });
    void exited.then(() => reject(new Error(`the race child exited before it was ready:\n${stderr}`)));
  });
  return {
    go: () => child.stdin.end("go\n"),
    /** Per report: how many submits and approves this child was granted. */
    finished: async () => {
      const code = await exited;
      if (code !== 0) throw new Error(`the race child failed (${code}):\n${stderr}`);
      const results = new Map<string, { submits: number; approves: number }>();
      for (const line of stdout.split("\n").filter((text) => text.startsWith("granted "))) {
        const [, id = "", submits = "0", approves = "0"] = line.split(" ");
        results.set(id, {
          submits: Number(submits),
          approves: Number(approves),
        });
      }
      return results;
    },
  };
}

describe("two processes sharing one SQLite file", () => {
  it(
    "never grant both submit and approve of a report between them",
    { timeout: fuzzing ? 600_000 : 60_000 },
    async () => {
      const file = freshFile();
      sqliteStore(file).close();
      const reports = Array.from({ length: runs(8, 40) }, (_, i) => `shared-${i}`);
      const perReport = runs(60, 200);
      const children = await Promise.all([
        startChild(file, reports, perReport, "p1"),
        startChild(file, reports, perReport, "p2"),
      ]);
      for (const child of children) child.go();
      const [first, second] = await Promise.all(children.map((child) => child.finished()));

      const store = sqliteStore(file);
      const recorded = await store.listGrants({});
      let grantedInBoth = 0;
      for (const id of reports) {
        const answers = [first!.get(id), second!.get(id)];
        const submits = answers.reduce((sum, answer) => sum + (answer?.submits ?? 0), 0);
        const approves = answers.reduce((sum, answer) => sum + (answer?.approves ?? 0), 0);
        expect(submits + approves, id).toBeGreaterThan(0);
        expect(submits === 0 || approves === 0, `${id}: ${submits} submits and ${approves} approves granted`).toBe(
          true,
        );
        const actions = new Set(recorded.filter((grant) => grant.resource.id === id).map((grant) => grant.action));
        expect(actions.size, id).toBe(1);
        expect(recorded.filter((grant) => grant.resource.id === id)).toHaveLength(submits + approves);
        if (answers.every((answer) => (answer?.submits ?? 0) + (answer?.approves ?? 0) > 0)) grantedInBoth++;
      }
      // The race is real: on some reports both processes were granted (the same action).
      expect(grantedInBoth).toBeGreaterThan(0);
      const rt = createRuntime({ policy: expensesModule(), store });
      expect(await rt.audit.verify()).toMatchObject({ ok: true });
      await rt.close();
    },
  );
});

describe("a principal revoked while one of its sessions opens", () => {
  it("never leaves a live session behind, whichever way the two interleave", async () => {
    const store = memoryStore();
    const rt = createRuntime({
      policy: expensesModule(),
      store,
      clock: virtualClock(),
    });
    await rt.ready();
    // The revocation runs entirely between the session's revocation check and its save.
    const isPrincipalRevoked = store.isPrincipalRevoked.bind(store);
    let revoking: Promise<unknown> | null = null;
    store.isPrincipalRevoked = async (principal) => {
      const revoked = await isPrincipalRevoked(principal);
      if (!revoking) {
        revoking = rt.revoke({ principal });
        await revoking;
      }
      return revoked;
    };
    await expect(
      rt.openSession({
        principal: agentOf("late", alice),
        intent: "file_expenses",
      }),
    ).rejects.toMatchObject({ code: "principal_revoked" });
    const sessions = await store.sessionsOfPrincipal("Assistant:late");
    expect(sessions.map((session) => session.state.status)).toEqual(["ended"]);
  });
});
