import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { expensesModule } from "../../runtime/__fixtures__/expenses.js";
import { agentOf, alice, bob, entities, officeHours, reportOf } from "../../runtime/__fixtures__/people.js";
import type { Grant, Runtime, Session, Signer } from "../../runtime/index.js";
import { createRuntime, generateSigner, sqliteStore } from "../../runtime/index.js";
import { agp } from "./cli-harness.js";

const directory = mkdtempSync(path.join(tmpdir(), "agp-operator-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let stores = 0;

/** A store populated by a runtime: two of alice's grants, one of bob's, and a pending review. */
interface Populated {
  readonly file: string;
  readonly rt: Runtime;
  readonly signer: Signer;
  readonly filing: Session;
  readonly bobs: Session;
  readonly summarizing: Session;
  readonly submitted: Grant;
  readonly read: Grant;
  readonly bobsGrant: Grant;
}

async function populate(): Promise<Populated> {
  const file = path.join(directory, `store-${++stores}.db`);
  const signer = await generateSigner();
  const rt = createRuntime({ policy: expensesModule(), store: sqliteStore(file), signer });
  const report = reportOf("r1", alice);
  const filing = await rt.openSession({ principal: agentOf("a1", alice), intent: "file_expenses" });
  const submitted = (await filing.request({ action: "submit", resource: report, env: officeHours, entities })).grant!;
  const read = (await filing.request({ action: "read", resource: report, env: officeHours, entities })).grant!;
  const bobs = await rt.openSession({ principal: agentOf("b1", bob), intent: "file_expenses" });
  const bobsGrant = (await bobs.request({ action: "submit", resource: reportOf("r2", bob), env: officeHours, entities })).grant!;
  const summarizing = await rt.openSession({ principal: agentOf("a2", alice), intent: "summarize" });
  const secret = await summarizing.request({ action: "read", resource: reportOf("r9", alice, "secret"), env: officeHours, entities });
  expect(secret.decision.rules).toContain("secrets_while_summarizing");
  return { file, rt, signer, filing, bobs, summarizing, submitted, read, bobsGrant };
}

describe("agp grants|reviews|audit on a SQLite store", () => {
  let world: Populated;
  beforeEach(async () => {
    world = await populate();
  });
  afterEach(async () => {
    await world?.rt.close();
  });

  it("lists grants as a table and as JSON, filtered by session, principal and liveness", async () => {
    const table = await agp(["grants", "list", "--store", world.file]);
    expect(table.code).toBe(0);
    const lines = table.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^GRANT\s+ACTION\s+RESOURCE\s+PRINCIPAL\s+SESSION\s+EXPIRES\s+USES\s+STATUS$/);
    expect(lines).toHaveLength(4);
    expect(lines[1]).toContain(world.submitted.id);
    expect(lines[1]).toMatch(/submit\s+ExpenseReport:r1\s+Assistant:a1/);
    expect(lines[1]).toMatch(/live$/);

    const json = await agp(["grants", "list", "--store", world.file, "--principal", "Assistant:b1", "--format", "json"]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([expect.objectContaining({ id: world.bobsGrant.id, action: "submit", status: "live" })]);

    const bySession = await agp(["grants", "list", "--store", world.file, "--session", world.filing.id, "--format", "json"]);
    expect((JSON.parse(bySession.stdout) as { id: string }[]).map((grant) => grant.id)).toEqual([world.submitted.id, world.read.id]);

    await world.rt.revoke({ grant: world.read.id });
    await world.rt.revoke({ session: world.bobs.id });
    const live = await agp(["grants", "list", "--store", world.file, "--live", "--format", "json"]);
    expect((JSON.parse(live.stdout) as { id: string }[]).map((grant) => grant.id)).toEqual([world.submitted.id]);
    const all = JSON.parse((await agp(["grants", "list", "--store", world.file, "--format", "json"])).stdout) as { status: string }[];
    expect(all.map((grant) => grant.status)).toEqual(["live", "revoked", "session revoked"]);
  });

  it("revokes a grant, a session and a principal with the runtime's effect and audit record", async () => {
    const report = reportOf("r1", alice);
    const revoked = await agp(["grants", "revoke", "--store", world.file, "--grant", world.submitted.id, "--by", "dana"]);
    expect(revoked).toMatchObject({ code: 0, stdout: `revoked grant ${world.submitted.id}\n` });
    expect(await world.rt.redeem(world.submitted.token, { action: "submit", resource: report })).toMatchObject({ reason: "grant_revoked" });
    expect(await world.rt.store.getGrant(world.submitted.id)).toMatchObject({ revokedBy: "dana" });
    const again = await agp(["grants", "revoke", "--store", world.file, "--grant", world.submitted.id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("no live grant");

    expect((await agp(["grants", "revoke", "--store", world.file, "--session", world.bobs.id])).code).toBe(0);
    expect(await world.rt.redeem(world.bobsGrant.token, { action: "submit", resource: reportOf("r2", bob) })).toMatchObject({ reason: "session_revoked" });
    const unknown = await agp(["grants", "revoke", "--store", world.file, "--session", "session_nope"]);
    expect(unknown).toMatchObject({ code: 1, stderr: "agp: no session `session_nope`\n" });

    const principal = await agp(["grants", "revoke", "--store", world.file, "--principal", "Assistant:a1"]);
    expect(principal.stdout).toBe("revoked principal Assistant:a1: 1 open session ended, new sessions refused\n");
    expect(await world.rt.redeem(world.read.token, { action: "read", resource: report })).toMatchObject({ reason: "principal_revoked" });
    await expect(world.rt.openSession({ principal: agentOf("a1", alice), intent: "file_expenses" })).rejects.toMatchObject({ code: "principal_revoked" });

    const tail = JSON.parse((await agp(["audit", "tail", "--store", world.file, "-n", "4", "--format", "json"])).stdout) as { type: string; data: Record<string, unknown> }[];
    expect(tail.filter((entry) => entry.type === "revocation").map((entry) => entry.data)).toEqual([
      { session: world.bobs.id, by: "operator" },
      { principal: "Assistant:a1", by: "operator", sessions: [world.filing.id] },
    ]);
  });

  it("refuses a revoke naming no target, two targets or a malformed principal, as usage errors", async () => {
    expect((await agp(["grants", "revoke", "--store", world.file])).code).toBe(2);
    expect((await agp(["grants", "revoke", "--store", world.file, "--grant", "g", "--session", "s"])).code).toBe(2);
    const malformed = await agp(["grants", "revoke", "--store", world.file, "--principal", "alice"]);
    expect(malformed).toMatchObject({ code: 2, stderr: "agp: a principal is `Type:id` (e.g. `Assistant:a1`), not `alice`\n" });
  });

  it("lists pending reviews; approve resumes the session, a second resolution is refused", async () => {
    const list = await agp(["reviews", "list", "--store", world.file]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^REVIEW\s+SESSION\s+PRINCIPAL\s+SINCE\s+MONITORS\s+WHY\n/);
    expect(list.stdout).toContain("reached for secrets while summarizing");
    const [review] = JSON.parse((await agp(["reviews", "list", "--store", world.file, "--format", "json"])).stdout) as { id: string; session: string }[];
    expect(review?.session).toBe(world.summarizing.id);
    expect(await world.summarizing.state()).toMatchObject({ status: "suspended" });

    const approved = await agp(["reviews", "approve", review!.id, "--store", world.file, "--by", "dana", "--note", "false alarm"]);
    expect(approved).toMatchObject({ code: 0, stdout: `approved review ${review!.id} by dana: session ${world.summarizing.id} resumed\n` });
    expect(await world.summarizing.state()).toEqual({ status: "active" });
    const readAgain = await world.summarizing.request({ action: "read", resource: reportOf("r1", alice), env: officeHours, entities });
    expect(readAgain.allowed).toBe(true);
    expect((await agp(["reviews", "list", "--store", world.file])).stdout).toBe("no pending reviews\n");

    const twice = await agp(["reviews", "reject", review!.id, "--store", world.file, "--by", "erin"]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain("was already approved by dana");
    const [resolution] = (await world.rt.audit.tail(50)).filter((entry) => entry.type === "review_resolved");
    expect(resolution?.data).toEqual({ review: review!.id, session: world.summarizing.id, verdict: "approve", by: "dana", note: "false alarm" });
  });

  it("reject ends the session; resolving needs --by and a known review", async () => {
    const [review] = await world.rt.reviews.pending();
    expect((await agp(["reviews", "reject", review!.id, "--store", world.file])).code).toBe(2);
    expect((await agp(["reviews", "reject", "review_nope", "--store", world.file, "--by", "dana"])).code).toBe(1);
    const rejected = await agp(["reviews", "reject", review!.id, "--store", world.file, "--by", "dana"]);
    expect(rejected.stdout).toBe(`rejected review ${review!.id} by dana: session ${world.summarizing.id} ended\n`);
    expect(await world.summarizing.state()).toMatchObject({ status: "ended", reason: `review \`${review!.id}\` rejected by dana` });
  });

  it("verifies the audit chain, and names the first broken entry when it was tampered with", async () => {
    const ok = await agp(["audit", "verify", "--store", world.file]);
    expect(ok.code).toBe(0);
    const head = await world.rt.store.auditHead();
    expect(ok.stdout).toBe(
      `audit log ok: ${head.seq} entries, chain intact\nhead: ${head.seq}:${head.hash} (keep it outside the store; verify --anchor it later)\n`,
    );
    const anchored = await agp(["audit", "verify", "--store", world.file, "--anchor", `${head.seq}:${head.hash}`]);
    expect(anchored.stdout).toMatch(new RegExp(`^audit log ok: ${head.seq} entries, chain intact, entry ${head.seq} as anchored\n`));
    const bad = await agp(["audit", "verify", "--store", world.file, "--anchor", "7:nothex"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--anchor is `SEQ:HASH`");
    const tamper = new Database(world.file);
    tamper.prepare("UPDATE audit SET data = replace(data, 'submit', 'approve') WHERE seq = 4").run();
    tamper.close();
    const broken = await agp(["audit", "verify", "--store", world.file]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toBe("audit log broken at entry 4: entry 4 was changed (3 entries verified before it)\n");
  });

  it("escapes what a terminal would act on in table cells: an agent's ids cannot rewrite the table", async () => {
    const hostile = "r9\u001b[2K\r\u001b[1AGRANT  (all revoked)\n\u202eevil";
    const report = reportOf(hostile, alice);
    await world.filing.request({ action: "submit", resource: report, env: officeHours, entities });
    const table = await agp(["grants", "list", "--store", world.file]);
    expect(table.stdout).not.toMatch(/[\u001b\r\u202e]/);
    expect(table.stdout).toContain("r9\\u001b[2K\\u000d\\u001b[1AGRANT  (all revoked)\\u000a\\u202eevil");
    expect(table.stdout.trim().split("\n")).toHaveLength(5);
  });

  it("refuses a blank actor or an empty id as a usage error", async () => {
    const [review] = await world.rt.reviews.pending();
    for (const args of [
      ["reviews", "approve", review!.id, "--by", " "],
      ["grants", "revoke", "--principal", "Assistant:a1", "--by", ""],
      ["grants", "revoke", "--grant", ""],
      ["grants", "revoke", "--session", ""],
    ]) {
      const run = await agp([...args, "--store", world.file]);
      expect(run.code, args.join(" ")).toBe(2);
    }
    expect((await world.rt.reviews.pending()).map((pending) => pending.id)).toEqual([review!.id]);
  });

  it("leaves the journal mode of the store as it is, reading it", async () => {
    await world.rt.close();
    const other = new Database(world.file);
    other.pragma("journal_mode = DELETE");
    other.close();
    expect((await agp(["grants", "list", "--store", world.file])).code).toBe(0);
    const after = new Database(world.file, { readonly: true });
    expect(after.pragma("journal_mode", { simple: true })).toBe("delete");
    after.close();
  });

  it("refuses a count of entries to tail that is not a whole number, as a usage error", async () => {
    for (const count of ["abc", "Infinity", "1e300", "-1", "2.5"]) {
      const run = await agp(["audit", "tail", "--store", world.file, "-n", count]);
      expect(run.code, count).toBe(2);
      expect(run.stderr).toContain("-n must be a whole number of entries");
    }
  });

  it("withdraws a revoked session's pending review, and says so when a verdict changes nothing", async () => {
    const [review] = await world.rt.reviews.pending();
    // A verdict that races the revocation finds the session ended: the output says it stays so.
    await world.rt.store.updateSession(world.summarizing.id, (session) => ({ ...session, state: { status: "ended", reason: "revoked by ops" }, revoked: true }));
    const approved = await agp(["reviews", "approve", review!.id, "--store", world.file, "--by", "dana"]);
    expect(approved.stdout).toBe(`approved review ${review!.id} by dana: session ${world.summarizing.id} stays ended (revoked by ops)\n`);
    // Revoking a session withdraws the reviews still pending on it.
    const other = await world.rt.openSession({ principal: agentOf("a3", alice), intent: "summarize" });
    await other.request({ action: "read", resource: reportOf("r8", alice, "secret"), env: officeHours, entities });
    const [pending] = await world.rt.reviews.pending();
    expect(pending?.session).toBe(other.id);
    expect((await agp(["grants", "revoke", "--session", other.id, "--store", world.file])).code).toBe(0);
    expect(await world.rt.reviews.pending()).toEqual([]);
    expect(await world.rt.reviews.get(pending!.id)).toMatchObject({ status: "rejected", resolvedBy: "agp runtime", note: "withdrawn: the session was revoked by operator" });
  });

  it("tails the audit log as a table and as JSON", async () => {
    const table = await agp(["audit", "tail", "--store", world.file, "-n", "2"]);
    expect(table.code).toBe(0);
    const lines = table.stdout.trim().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^SEQ\s+AT\s+TYPE\s+DATA$/);
    const json = JSON.parse((await agp(["audit", "tail", "--store", world.file, "--lines", "3", "--format", "json"])).stdout) as { seq: number; hash: string }[];
    const head = await world.rt.store.auditHead();
    expect(json.map((entry) => entry.seq)).toEqual([head.seq - 2, head.seq - 1, head.seq]);
    expect(json[2]!.hash).toBe(head.hash);
  });
});

describe("agp operator commands without a usable store", () => {
  it("report a missing store file as a usage error, never a stack trace", async () => {
    for (const args of [
      ["grants", "list"],
      ["grants", "revoke", "--grant", "g1"],
      ["reviews", "list"],
      ["reviews", "approve", "rv1", "--by", "dana"],
      ["audit", "verify"],
      ["audit", "tail"],
    ]) {
      const run = await agp([...args, "--store", "no/such/store.db"], directory);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr).toBe("agp: no store at `no/such/store.db` (give the SQLite file a service writes with --store)\n");
      expect(run.stdout).toBe("");
    }
    expect((await agp(["audit", "verify"], directory)).code).toBe(2);
  });

  it("leave a database that is not an agp store as it was, refusing it as a usage error", async () => {
    const empty = path.join(directory, "empty.db");
    writeFileSync(empty, "");
    const foreign = path.join(directory, "foreign.db");
    const other = new Database(foreign);
    other.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)");
    other.close();
    for (const [file, args] of [
      [empty, ["audit", "verify"]],
      [foreign, ["grants", "revoke", "--principal", "Assistant:a1"]],
    ] as const) {
      const run = await agp([...args, "--store", file], directory);
      expect(run.code, file).toBe(2);
      expect(run.stderr).toContain("is not an agp store (it has no agp schema)");
    }
    expect(readFileSync(empty, "utf8")).toBe("");
    const reopened = new Database(foreign, { readonly: true });
    expect(reopened.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()).toEqual(["customers"]);
    expect(reopened.pragma("journal_mode", { simple: true })).toBe("delete");
    reopened.close();
  });

  it("report a file that is not a store as a usage error", async () => {
    writeFileSync(path.join(directory, "notes.txt"), "not a database, just text that is long enough to have a header".repeat(20));
    const run = await agp(["audit", "verify", "--store", "notes.txt"], directory);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^agp: cannot open the store `notes.txt`: file is not a database\n$/);
  });
});
