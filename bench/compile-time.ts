/**
 * Full compile time (parse, check, generate, format, type-check, load) of generated
 * policies of growing size with `compileToModule`, the path `agp eval` and the harness take.
 */
import { compileToModule, hasErrors } from "../compiler/index.js";
import { generatePolicy } from "./generate.js";

/** One policy size's compile time. */
export interface CompileTime {
  readonly rules: number;
  readonly sourceKiB: number;
  readonly ms: number;
}

/** Compiles generated policies of each of `sizes` once, after one untimed warm-up compile. */
export async function runCompileTimes(sizes: readonly number[]): Promise<CompileTime[]> {
  const compileOnce = async (rules: number): Promise<{ ms: number; kib: number }> => {
    const text = generatePolicy(rules);
    const started = performance.now();
    const { module, diagnostics } = await compileToModule(text, { path: `generated-${rules}.agp` });
    const ms = performance.now() - started;
    if (!module || hasErrors(diagnostics)) throw new Error(`the generated policy of ${rules} rules does not compile`);
    return { ms, kib: text.length / 1024 };
  };
  await compileOnce(10);
  const times: CompileTime[] = [];
  for (const rules of sizes) {
    const { ms, kib } = await compileOnce(rules);
    times.push({ rules, sourceKiB: Math.round(kib), ms });
  }
  return times;
}
