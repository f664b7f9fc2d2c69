/**
 * `npm run bench:test`: how long `agp test` takes on a generated suite of 2,000 cases,
 * compile included. The suite repeats the cases of the three examples (every step kind,
 * history, monitors, reviews) with numbered titles, beside copies of their policies, in a
 * temporary directory. It times the real command as a user runs it (a fresh `node`
 * process: start-up, imports, check, compile, run, report), against `agp check` on the
 * same files as the baseline, and prints the phases of an in-process run.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { compileToModule } from "../compiler/index.js";
import { runTestFile } from "../harness/runner.js";
import { loadWorkspace } from "../cli/workspace.js";

const CASES = 2_000;
const AIM_MS = 1_200;
const REPETITIONS = 5;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const cli = path.join(root, "dist/cli/agp.js");

/** The `let` header and the `case` blocks of a test file. */
function splitTestFile(text: string): { header: string; cases: string[] } {
  const lines = text.split("\n");
  const first = lines.findIndex((line) => line.startsWith("case "));
  const cases: string[] = [];
  let current: string[] | undefined;
  for (const line of lines.slice(first)) {
    if (line.startsWith("case ")) current = [line];
    else current?.push(line);
    if (line === "}" && current) {
      cases.push(current.join("\n"));
      current = undefined;
    }
  }
  return { header: lines.slice(0, first).join("\n"), cases };
}

/** Writes the generated suite; returns its directory and the number of cases written. */
function generateSuite(): { directory: string; cases: number } {
  const directory = mkdtempSync(path.join(tmpdir(), "agp-bench-test-"));
  const examples = path.join(root, "examples");
  const sources = readdirSync(examples, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => {
      const folder = path.join(examples, entry.name);
      const test = readdirSync(folder).find((name) => name.endsWith(".test.agp"));
      return test ? [{ folder, name: entry.name, test }] : [];
    });
  const perFile = Math.ceil(CASES / sources.length);
  let written = 0;
  for (const source of sources) {
    const target = path.join(directory, source.name);
    cpSync(source.folder, target, { recursive: true });
    const { header, cases } = splitTestFile(readFileSync(path.join(source.folder, source.test), "utf8"));
    const count = Math.min(perFile, CASES - written);
    const generated: string[] = [];
    for (let i = 0; i < count; i++) {
      const template = cases[i % cases.length] ?? "";
      generated.push(template.replace(/^case "(.*)" \{/, (_, title: string) => `case "${title} #${i + 1}" {`));
    }
    written += count;
    writeFileSync(path.join(target, source.test), `${header}\n${generated.join("\n\n")}\n`);
  }
  return { directory, cases: written };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Makes the child print its CPU time (user + system, all threads) as it exits. */
const CPU_PROBE = `data:text/javascript,process.on("exit",()=>{const u=process.cpuUsage();process.stderr.write("\\nagp-cpu-ms "+(u.user+u.system)/1000+"\\n")})`;

/** Wall and CPU time of `node dist/cli/agp.js ...args` (the bundled bin), checking its exit code and summary. */
function timeCommand(args: readonly string[], expect: RegExp): { wallMs: number; cpuMs: number } {
  const started = performance.now();
  const run = spawnSync(process.execPath, ["--import", CPU_PROBE, cli, ...args], { encoding: "utf8", maxBuffer: 1 << 28 });
  const wallMs = performance.now() - started;
  if (run.status !== 0 || !expect.test(`${run.stdout}${run.stderr}`)) {
    throw new Error(`agp ${args.join(" ")} failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  }
  const cpuMs = Number(/agp-cpu-ms ([\d.]+)/.exec(run.stderr)?.[1] ?? Number.NaN);
  return { wallMs, cpuMs };
}

/** The phases of one in-process run (imports already warm): load and check, compile, run. */
async function phases(directory: string): Promise<{ checkMs: number; compileMs: number; runMs: number }> {
  const t0 = performance.now();
  const workspace = loadWorkspace([directory], directory);
  const t1 = performance.now();
  const modules = new Map<string, Awaited<ReturnType<typeof compileToModule>>["module"]>();
  for (const policy of workspace.policies) {
    const compiled = await compileToModule(policy.file.text, { path: policy.file.displayPath, typecheck: false });
    modules.set(policy.file.displayPath, compiled.module);
  }
  const t2 = performance.now();
  for (const test of workspace.tests) {
    const module = test.policyFile ? modules.get(test.policyFile.file.displayPath) : undefined;
    if (!test.test || !module) throw new Error(`cannot run ${test.file.displayPath}`);
    const result = await runTestFile(test.test, module, { cwd: directory });
    const failed = result.cases.filter((kase) => !kase.passed);
    if (failed.length > 0) throw new Error(`${failed.length} cases failed in ${test.file.displayPath}: ${failed[0]?.failure?.message}`);
  }
  const t3 = performance.now();
  return { checkMs: t1 - t0, compileMs: t2 - t1, runMs: t3 - t2 };
}

const { directory, cases } = generateSuite();
try {
  console.log(`load average ${loadavg().map((load) => load.toFixed(1)).join(" ")} on ${cpus().length} cores (figures grow with load)`);
  console.log(`agp test on a generated suite of ${cases.toLocaleString("en")} cases (3 policies, compile included), median (and best) of ${REPETITIONS} runs\n`);
  const summary = new RegExp(`^${cases} passed, 0 failed$`, "m");
  timeCommand(["test", directory], summary);
  const testRuns: { wallMs: number; cpuMs: number }[] = [];
  const checkRuns: { wallMs: number; cpuMs: number }[] = [];
  for (let repetition = 0; repetition < REPETITIONS; repetition++) {
    checkRuns.push(timeCommand(["check", directory], /0 errors/));
    testRuns.push(timeCommand(["test", directory], summary));
  }
  const test = median(testRuns.map((run) => run.wallMs));
  const bestTest = Math.min(...testRuns.map((run) => run.wallMs));
  const check = median(checkRuns.map((run) => run.wallMs));
  const testCpu = median(testRuns.map((run) => run.cpuMs));
  const checkCpu = median(checkRuns.map((run) => run.cpuMs));
  const inProcess: { checkMs: number; compileMs: number; runMs: number }[] = [];
  for (let repetition = 0; repetition < 3; repetition++) inProcess.push(await phases(directory));
  const phase = (key: "checkMs" | "compileMs" | "runMs") => median(inProcess.map((run) => run[key]));

  const row = (label: string, ms: number, note = "") => console.log(`  ${label.padEnd(38)} ${ms.toFixed(0).padStart(6)} ms${note}`);
  row("agp test (node process, end to end)", test, `   ${(test / AIM_MS).toFixed(2)}× the aim of ${AIM_MS} ms`);
  row("  best of the runs (least disturbed)", bestTest, `   ${(bestTest / AIM_MS).toFixed(2)}× the aim`);
  row("  its CPU time (less sensitive to load)", testCpu, `   ${(testCpu / AIM_MS).toFixed(2)}× the aim`);
  row("agp check, same files (baseline)", check, `   agp test is ${(test / check).toFixed(2)}× agp check`);
  row("  its CPU time", checkCpu, `   agp test is ${(testCpu / checkCpu).toFixed(2)}× agp check`);
  console.log("\n  in process, imports warm:");
  row("  load and check policies and tests", phase("checkMs"));
  row("  compile 3 policies (no type-check)", phase("compileMs"));
  row(`  run ${cases} cases`, phase("runMs"), `   ${((phase("runMs") * 1000) / cases).toFixed(0)} µs a case`);
} finally {
  rmSync(directory, { recursive: true, force: true });
}
