/**
 * Loads a generated module compiled in memory, without temp files and without TypeScript:
 * codegen's `function` target is the module's JavaScript as the body of a function of
 * `require` that returns the exports, evaluated here with a `require` that knows only
 * `agp/stdlib` and `zod`, the two imports generated modules may have. Works the same under
 * vitest (from sources) and from dist.
 */
import vm from "node:vm";
import * as zod from "zod";
import type { PolicyModule } from "../stdlib/contract.js";
import * as stdlib from "../stdlib/index.js";

// What `require` hands a module: the function body destructures its imports from these once,
// when it is evaluated, so the module namespaces serve as they are.
const modules: ReadonlyMap<string, unknown> = new Map<string, unknown>([
  ["agp/stdlib", stdlib],
  ["zod", zod],
]);

function requireModule(name: string): unknown {
  const found = modules.get(name);
  if (found === undefined) throw new Error(`a generated module may import only agp/stdlib and zod, not ${name}`);
  return found;
}

/**
 * Evaluates the `function` target of a generated module (see `emitModule`) and returns its
 * exports. `path` names it in stack traces.
 */
export function loadPolicyModule(functionBody: string, path = "policy.js"): PolicyModule {
  const factory: unknown = vm.runInThisContext(`(function (require) {"use strict";\n${functionBody}\n})`, {
    filename: path.replace(/\.agp$/, ".js"),
  });
  if (typeof factory !== "function") throw new Error("generated module did not evaluate to a function");
  const exports: unknown = factory(requireModule);
  if (typeof exports !== "object" || exports === null) throw new Error("generated module returned no exports");
  return exports as PolicyModule;
}
