// `npm run examples`: the main job on the examples, as a user runs it — check the policies
// and their tests, run the tests with coverage, compile them, and show decisions.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const agp = "dist/cli/agp.js";
if (!existsSync(agp)) {
  console.error("agp is not built: run `npm ci` (or `npm run build`) first");
  process.exit(2);
}

const steps = [
  ["check", "examples"],
  ["test", "examples", "--coverage-min", "100"],
  ["compile", "examples", "--out", "build/examples"],
  ["eval", "examples/expenses/expenses.agp", "--request", "examples/expenses/requests/allow-submit-own-report.json"],
  [
    "eval",
    "examples/expenses/expenses.agp",
    "--request",
    "examples/expenses/requests/deny-approve-submitted-report.json",
    "--history",
    "examples/expenses/requests/history.json",
  ],
];

for (const args of steps) {
  console.log(`\n$ agp ${args.join(" ")}`);
  const run = spawnSync(process.execPath, [agp, ...args], { stdio: "inherit" });
  if (run.status !== 0) {
    console.error(`\nagp ${args[0]} failed with exit code ${run.status}`);
    process.exit(run.status ?? 1);
  }
}
