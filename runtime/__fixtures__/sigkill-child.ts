/**
 * The child of the SIGKILL tests (`runtime/stores/sqlite.test.ts`, `test/hardening/crash.test.ts`):
 * issues grants and revocations through a runtime on the SQLite store at `argv[2]` as fast as
 * it can, printing each one on stdout once its call has returned (acknowledged), until killed.
 *   grant <id>              a grant was issued
 *   revoked-grant <id>      revoke({ grant }) returned
 *   revoked-session <id>    revoke({ session }) returned
 * With `--wait` as `argv[4]` it loads its modules, prints `loaded` and waits for a line on
 * stdin before it opens the store, so a test can start the next child while one still runs.
 */
import { createInterface } from "node:readline";
import { createRuntime } from "../runtime.js";
import { sqliteStore } from "../stores/sqlite.js";
import { expensesModule } from "./expenses.js";
import { agentOf, alice, entities, officeHours, reportOf } from "./people.js";

const [path, synchronous, mode] = process.argv.slice(2);
if (!path) throw new Error("usage: sigkill-child.ts STORE [normal|full] [--wait]");
const say = (line: string) => process.stdout.write(`${line}\n`);
if (mode === "--wait") {
  say("loaded");
  const lines = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => lines.once("line", () => resolve()));
  lines.close();
}
const rt = createRuntime({
  policy: expensesModule(),
  store: sqliteStore(path, {
    synchronous: synchronous === "full" ? "full" : "normal",
  }),
});

for (let round = 0; ; round++) {
  const session = await rt.openSession({
    principal: agentOf(`agent${round % 7}`, alice),
    intent: "file_expenses",
  });
  for (let i = 0; i < 5; i++) {
    const report = reportOf(`r${process.pid}-${round}-${i}`, alice);
    const outcome = await session.request({
      action: "submit",
      resource: report,
      env: officeHours,
      entities,
    });
    if (!outcome.grant) throw new Error(`not granted: ${outcome.decision.reasons.join("; ")}`);
    say(`grant ${outcome.grant.id}`);
    if (i % 2 === 1) {
      await rt.revoke({ grant: outcome.grant.id }, { by: "sigkill-test" });
      say(`revoked-grant ${outcome.grant.id}`);
    }
  }
  if (round % 3 === 2) {
    await rt.revoke({ session: session.id }, { by: "sigkill-test" });
    say(`revoked-session ${session.id}`);
  }
}
