/**
 * `npm run bench:compile`: how long each compiler pass takes on generated policies of
 * 10 to 5,000 rules. Prints a table; the aims are in the README.
 */
import { performance } from "node:perf_hooks";
import { checkPolicy } from "../compiler/check/index.js";
import { generateModule } from "../compiler/codegen/index.js";
import { typecheckModule } from "../compiler/codegen/typecheck.js";
import { hasErrors } from "../compiler/diagnostics.js";
import { parsePolicy } from "../compiler/parse.js";
import { Source } from "../compiler/source.js";
import { generatePolicy } from "./generate.js";

const sizes = [10, 100, 1_000, 5_000];

interface Timing {
  rules: number;
  kib: number;
  parseMs: number;
  checkMs: number;
  codegenMs: number;
  typecheckMs: number;
}

async function measure(rules: number): Promise<Timing> {
  const text = generatePolicy(rules);
  const source = new Source(text, `generated-${rules}.agp`);
  const t0 = performance.now();
  const parsed = parsePolicy(source);
  const t1 = performance.now();
  if (!parsed.ast || hasErrors(parsed.diagnostics)) throw new Error(`generated policy of ${rules} rules does not parse`);
  const checked = checkPolicy(parsed.ast, source);
  const t2 = performance.now();
  if (hasErrors(checked.diagnostics)) {
    throw new Error(`generated policy of ${rules} rules does not check: ${checked.diagnostics[0]?.message}`);
  }
  const { typescript } = await generateModule(checked.policy, { sourcePath: source.path });
  const t3 = performance.now();
  const typeErrors = typecheckModule(typescript, checked.policy);
  const t4 = performance.now();
  if (typeErrors.length > 0) throw new Error(`generated module of ${rules} rules does not type-check`);
  return {
    rules,
    kib: Math.round(text.length / 1024),
    parseMs: t1 - t0,
    checkMs: t2 - t1,
    codegenMs: t3 - t2,
    typecheckMs: t4 - t3,
  };
}

function row(cells: readonly (string | number)[]): string {
  return cells.map((c) => String(c).padStart(12)).join("");
}

console.log(`agp compile benchmark — node ${process.version}, ${process.platform}/${process.arch}`);
// The first compile in a process pays for loading TypeScript and prettier; warm up once so
// the table shows steady-state pass times, and report the cold start separately.
const coldStart = performance.now();
await measure(10);
console.log(`cold start (first 10-rule compile, loads TypeScript and prettier): ${(performance.now() - coldStart).toFixed(0)} ms\n`);
console.log(row(["rules", "source KiB", "parse ms", "check ms", "codegen ms", "typecheck ms", "total ms", "parse+check"]));
const results: Timing[] = [];
for (const size of sizes) {
  const t = await measure(size);
  results.push(t);
  const total = t.parseMs + t.checkMs + t.codegenMs + t.typecheckMs;
  console.log(
    row([t.rules, t.kib, t.parseMs.toFixed(1), t.checkMs.toFixed(1), t.codegenMs.toFixed(1), t.typecheckMs.toFixed(1), total.toFixed(0), (t.parseMs + t.checkMs).toFixed(1)]),
  );
}
const thousand = results.find((r) => r.rules === 1_000);
const fiveThousand = results.find((r) => r.rules === 5_000);
if (thousand && fiveThousand) {
  const full = thousand.parseMs + thousand.checkMs + thousand.codegenMs + thousand.typecheckMs;
  console.log(`\naim: 1,000 rules fully compiled < 3000 ms: ${full.toFixed(0)} ms (${(full / 3000).toFixed(2)}x of the budget)`);
  const front = fiveThousand.parseMs + fiveThousand.checkMs;
  console.log(`aim: 5,000 rules parsed + checked < 1000 ms: ${front.toFixed(0)} ms (${(front / 1000).toFixed(2)}x of the budget)`);
}
