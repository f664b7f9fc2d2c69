/**
 * A child of the cross-process race test (`test/hardening/races.test.ts`): opens a runtime
 * on the SQLite store at `argv[2]`, opens sessions of alice's agents (half filing, half
 * reviewing), prints `ready`, waits for a line on stdin, then fires `argv[4]` concurrent
 * submits and approves at each report named in `argv[3]` (comma-separated) and prints one
 * line per report, `granted <report> <submits> <approves> <denied>`, before exiting.
 */
import { createInterface } from "node:readline";
import { createRuntime } from "../runtime.js";
import type { Session } from "../session.js";
import { sqliteStore } from "../stores/sqlite.js";
import { agentOf, alice, entities, officeHours, reportOf } from "./people.js";
import { expensesModule } from "./expenses.js";

const [path, reportList = "", perReport = "100", name = "child"] = process.argv.slice(2);
if (!path) throw new Error("usage: race-child.ts STORE REPORTS PER_REPORT NAME");
const rt = createRuntime({
  policy: expensesModule(),
  store: sqliteStore(path),
});
const sessions: Session[] = [];
// The fixture's `deny burst` refuses a session's 61st grant within a minute, and counts are
// exact: enough sessions that none gets near it, so the race tests separation, not the limit.
const reports = reportList.split(",");
const sessionCount = Math.max(20, Math.ceil((reports.length * Number(perReport)) / 40));
for (let i = 0; i < sessionCount; i++) {
  const intent = i % 2 === 0 ? "file_expenses" : "review_team";
  sessions.push(
    await rt.openSession({
      principal: agentOf(`${name}-agent${i % 5}`, alice),
      intent,
    }),
  );
}
process.stdout.write("ready\n");
const lines = createInterface({ input: process.stdin });
await new Promise<void>((resolve) => lines.once("line", () => resolve()));
lines.close();

const count = Number(perReport);
await Promise.all(
  reports.map(async (id) => {
    const report = reportOf(id, alice);
    const outcomes = await Promise.all(
      Array.from({ length: count }, (_, i) => {
        const session = sessions[(i * 7) % sessions.length]!;
        const action = session.intent === "file_expenses" ? "submit" : "approve";
        return session
          .request({ action, resource: report, env: officeHours, entities })
          .then((outcome) => ({ action, allowed: outcome.allowed }));
      }),
    );
    const granted = (action: string) =>
      outcomes.filter((outcome) => outcome.allowed && outcome.action === action).length;
    const denied = outcomes.filter((outcome) => !outcome.allowed).length;
    process.stdout.write(`granted ${id} ${granted("submit")} ${granted("approve")} ${denied}\n`);
  }),
);
await rt.close();
