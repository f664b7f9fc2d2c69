import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { expensesModule } from "../__fixtures__/expenses.js";
import { agentOf, alice, entities, officeHours, reportOf } from "../__fixtures__/people.js";
import { virtualClock } from "../clock.js";
import type { Runtime } from "../runtime.js";
import { createRuntime } from "../runtime.js";
import type { Session } from "../session.js";
import { generateSigner } from "../tokens.js";
import { SCHEMA_VERSION } from "./sqlite-schema.js";
import { sqliteStore } from "./sqlite.js";
import { describeStore } from "./store-suite.js";

const directory = mkdtempSync(path.join(tmpdir(), "agp-sqlite-"));
let files = 0;
const freshPath = () => path.join(directory, `store-${++files}.db`);
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describeStore("sqlite", () => sqliteStore(freshPath()));

describe("sqlite store", () => {
  it("keeps everything across a reopen: grants, revocations, sessions, reviews, history and the audit chain", async () => {
    const file = freshPath();
    const signer = await generateSigner();
    const clock = virtualClock();
    const first = createRuntime({ policy: expensesModule(), store: sqliteStore(file), signer, clock });
    const filing = await first.openSession({ principal: agentOf("a1", alice), intent: "file_expenses" });
    const report = reportOf("r1", alice);
    const kept = await filing.request({ action: "submit", resource: report, env: officeHours, entities });
    const taken = await filing.request({ action: "read", resource: report, env: officeHours, entities });
    await first.revoke({ grant: taken.grant!.id });
    const summarizing = await first.openSession({ principal: agentOf("a2", alice), intent: "summarize" });
    await summarizing.request({ action: "read", resource: reportOf("r9", alice, "secret"), env: officeHours, entities });
    const auditBefore = await first.audit.verify();
    await first.close();

    const second = createRuntime({ policy: expensesModule(), store: sqliteStore(file), signer, clock });
    expect((await second.redeem(kept.grant!.token, { action: "submit", resource: report })).ok).toBe(true);
    expect(await second.redeem(taken.grant!.token, { action: "read", resource: report })).toMatchObject({ reason: "grant_revoked" });
    const reviewing = await second.openSession({ principal: agentOf("a3", alice), intent: "review_team" });
    const approval = await reviewing.request({ action: "approve", resource: report, env: officeHours, entities });
    expect(approval.decision.rules).toEqual(["submit_approve"]);
    expect((await second.reviews.pending()).map((review) => review.session)).toEqual([summarizing.id]);
    expect((await second.session(filing.id))?.intent).toBe("file_expenses");
    const auditAfter = await second.audit.verify();
    expect(auditBefore).toMatchObject({ ok: true });
    expect(auditAfter.ok).toBe(true);
    expect(auditAfter.entries).toBeGreaterThan(auditBefore.entries);
    await second.close();
  });

  it("records its schema version and refuses a file written by a newer agp", async () => {
    const file = freshPath();
    const store = sqliteStore(file);
    expect(store.db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    expect(store.db.pragma("journal_mode", { simple: true })).toBe("wal");
    store.db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    await store.close();
    expect(() => sqliteStore(file)).toThrow(/newer than this agp/);
    expect(() => sqliteStore(path.join(directory, "absent.db"), { fileMustExist: true })).toThrow();
  });

  it("detects an audit entry changed or removed behind the store's back", async () => {
    const file = freshPath();
    const rt = createRuntime({ policy: expensesModule(), store: sqliteStore(file), clock: virtualClock() });
    const session = await rt.openSession({ principal: agentOf("a1", alice), intent: "file_expenses" });
    await session.request({ action: "submit", resource: reportOf("r1", alice), env: officeHours, entities });
    const intact = await rt.audit.verify();
    expect(intact).toMatchObject({ ok: true, entries: 4 });
    const attacker = new Database(file);
    const original = attacker.prepare("SELECT data FROM audit WHERE seq = 4").pluck().get() as string;
    attacker.prepare("UPDATE audit SET data = replace(data, 'submit', 'approve') WHERE seq = 4").run();
    expect(await rt.audit.verify()).toMatchObject({ ok: false, brokenAt: 4, problem: "entry 4 was changed" });
    // A repeated key: JSON.parse keeps the last (the hash still matches), SQL's json_extract reads the first.
    attacker.prepare("UPDATE audit SET data = ? WHERE seq = 4").run(`{"action":"approve",${original.slice(1)}`);
    expect(attacker.prepare("SELECT json_extract(data, '$.action') FROM audit WHERE seq = 4").pluck().get()).toBe("approve");
    expect(await rt.audit.verify()).toMatchObject({ ok: false, brokenAt: 4, problem: "entry 4 was changed: its stored text was edited" });
    attacker.prepare("UPDATE audit SET data = '{not json' WHERE seq = 4").run();
    expect(await rt.audit.verify()).toMatchObject({ ok: false, brokenAt: 4, problem: "entry 4 was changed: its data is not JSON" });
    attacker.prepare("DELETE FROM audit WHERE seq = 4").run();
    expect(await rt.audit.verify()).toMatchObject({ ok: false, problem: "the log ends at entry 3, before the head the store recorded (entry 4)" });
    // Rewriting the head too hides the cut from the store's own check, not from an anchor kept elsewhere.
    const third = attacker.prepare("SELECT hash FROM audit WHERE seq = 3").pluck().get() as string;
    attacker.prepare("UPDATE audit_head SET seq = 3, hash = ?").run(third);
    expect(await rt.audit.verify()).toMatchObject({ ok: true, entries: 3 });
    if (!intact.ok) throw new Error("unreachable");
    expect(await rt.audit.verify({ anchor: intact.head })).toMatchObject({
      ok: false,
      brokenAt: 4,
      problem: "the log ends at entry 3, before the anchor (entry 4)",
    });
    // With the head's row removed too, entries without a recorded head are broken.
    attacker.prepare("DELETE FROM audit_head").run();
    expect(await rt.audit.verify()).toMatchObject({ ok: false, brokenAt: 1, problem: "the store records no head, yet the log holds 3 entries" });
    attacker.close();
    await rt.close();
  });

  it("never breaks a separation when two stores on one file race 200 requests through two runtimes", async () => {
    const file = freshPath();
    const stores = [sqliteStore(file), sqliteStore(file)];
    let conflicts = 0;
    for (const store of stores) {
      const commit = store.commitGrant.bind(store);
      store.commitGrant = async (grant) => {
        const result = await commit(grant);
        if (!result.ok) conflicts++;
        return result;
      };
    }
    const clock = virtualClock();
    const runtimes = stores.map((store) => createRuntime({ policy: expensesModule(), store, clock }));
    const report = reportOf("contested", alice);
    const sessions: Session[] = [];
    for (let i = 0; i < 20; i++) {
      const rt: Runtime = runtimes[i % 2]!;
      sessions.push(await rt.openSession({ principal: agentOf(`agent${i % 4}`, alice), intent: i % 2 === 0 ? "file_expenses" : "review_team" }));
    }
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, i) => {
        const session = sessions[(i * 7) % sessions.length]!;
        const action = session.intent === "file_expenses" ? "submit" : "approve";
        return session.request({ action, resource: report, env: officeHours, entities }).then((outcome) => ({ action, outcome }));
      }),
    );
    const granted = outcomes.filter(({ outcome }) => outcome.allowed);
    expect(granted.length).toBeGreaterThan(0);
    expect(new Set(granted.map(({ action }) => action)).size).toBe(1);
    for (const { outcome } of outcomes.filter(({ outcome }) => !outcome.allowed)) expect(outcome.decision.rules).toEqual(["submit_approve"]);
    expect(conflicts).toBeGreaterThan(0);
    const recorded = await stores[0]!.listGrants({});
    expect(recorded).toHaveLength(granted.length);
    expect(new Set(recorded.map((grant) => grant.action)).size).toBe(1);
    expect(await runtimes[1]!.audit.verify()).toMatchObject({ ok: true });
    for (const rt of runtimes) await rt.close();
  });
});

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Runs the SIGKILL child on `file` until it has acknowledged `lines` lines, then kills it; returns what it acknowledged. */
async function runAndKill(file: string, synchronous: "normal" | "full", lines: number): Promise<string[]> {
  const child = spawn(
    process.execPath,
    ["--import", "./runtime/__fixtures__/ts-loader.mjs", "runtime/__fixtures__/sigkill-child.ts", file, synchronous],
    { cwd: repositoryRoot, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  await new Promise<void>((resolve) => {
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.split("\n").length > lines) resolve();
    });
    void exited.then(() => resolve());
  });
  child.kill("SIGKILL");
  const { signal } = await exited;
  if (signal !== "SIGKILL") throw new Error(`the child exited before it was killed:\n${stderr}`);
  // A line is acknowledged only when complete: the last one may have been cut by the kill.
  return stdout.split("\n").slice(0, -1);
}

describe("sqlite store under SIGKILL", () => {
  for (const [synchronous, lines] of [
    ["normal", 300],
    ["full", 12],
  ] as const) {
    it(`keeps every grant and revocation a killed process acknowledged (synchronous ${synchronous})`, { timeout: 60_000 }, async () => {
      const file = freshPath();
      const acknowledged = await runAndKill(file, synchronous, lines);
      expect(acknowledged.length).toBeGreaterThanOrEqual(lines);
      const store = sqliteStore(file);
      const rt = createRuntime({ policy: expensesModule(), store });
      for (const line of acknowledged) {
        const [kind = "", id = ""] = line.split(" ");
        if (kind === "grant") expect(await store.getGrant(id), line).toMatchObject({ id });
        else if (kind === "revoked-grant") expect((await store.getGrant(id))?.revokedAt, line).not.toBeNull();
        else if (kind === "revoked-session") expect(await store.getSession(id), line).toMatchObject({ revoked: true, state: { status: "ended" } });
        else throw new Error(`unexpected line from the child: ${line}`);
      }
      expect(acknowledged.some((line) => line.startsWith("revoked-grant"))).toBe(true);
      expect(await rt.audit.verify()).toMatchObject({ ok: true });
      await rt.close();
    });
  }
});
