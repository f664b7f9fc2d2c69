/**
 * Loads a generated module compiled in memory, without temp files: transpiled to CommonJS
 * and evaluated with a `require` that knows only `agp/stdlib` and `zod`, the two imports
 * generated modules may have. Works the same under vitest (from sources) and from dist.
 */
import { createRequire } from "node:module";
import type * as TypeScript from "typescript";
import vm from "node:vm";
import * as zod from "zod";
import type { PolicyModule } from "../stdlib/contract.js";
import * as stdlib from "../stdlib/index.js";

// Required, not imported: importing TypeScript as an ES module makes Node scan all of its
// 9 MB CommonJS source for export names, about 0.9 s of CPU on every command.
const ts: typeof TypeScript = createRequire(import.meta.url)("typescript");

// Plain-object copies, not the ES module namespaces: the CommonJS output reads every import
// as a property of these objects on each call, and a namespace's properties are slow to read.
const modules: ReadonlyMap<string, unknown> = new Map<string, unknown>([
  ["agp/stdlib", { ...stdlib }],
  ["zod", { ...zod }],
]);

/** Evaluates a generated module's TypeScript and returns its exports. `path` names it in stack traces. */
export function loadPolicyModule(typescript: string, path = "policy.ts"): PolicyModule {
  const { outputText } = ts.transpileModule(typescript, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: false },
    fileName: path.replace(/\.agp$/, ".ts"),
  });
  const factory: unknown = vm.runInThisContext(`(function (exports, require, module) {${outputText}\n})`, {
    filename: path.replace(/\.agp$/, ".ts"),
  });
  if (typeof factory !== "function") throw new Error("generated module did not evaluate to a function");
  const module = { exports: {} as Record<string, unknown> };
  const requireModule = (name: string): unknown => {
    const found = modules.get(name);
    if (found === undefined) throw new Error(`a generated module may import only agp/stdlib and zod, not ${name}`);
    return found;
  };
  factory(module.exports, requireModule, module);
  return module.exports as unknown as PolicyModule;
}
