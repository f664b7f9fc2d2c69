/**
 * The generated module of every example policy, committed as a golden: any change to
 * codegen shows up as a diff. Each golden is also type-checked, transpiled and loaded, and
 * its type-erased targets (what in-memory compiles load) are checked against it.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { emitModule, generateModule } from "../../compiler/codegen/index.js";
import { transpileModule } from "../../compiler/codegen/transpile.js";
import { typescript } from "../../compiler/codegen/typescript.js";
import { typecheckModule } from "../../compiler/codegen/typecheck.js";
import { check } from "../../compiler/index.js";
import { loadPolicyModule } from "../../compiler/load.js";

/** A module as TypeScript's transpiler prints it: types erased, layout normalised. */
function printedByTypescript(code: string): string {
  const ts = typescript();
  return ts.transpileModule(code, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext }, fileName: "policy.ts" })
    .outputText;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const examples = readdirSync(path.join(root, "examples"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((entry) =>
    readdirSync(path.join(root, "examples", entry.name))
      .filter((file) => file.endsWith(".agp") && !file.endsWith(".test.agp"))
      .map((file) => `examples/${entry.name}/${file}`),
  )
  .sort();

describe.each(examples)("%s", (relativePath) => {
  it("generates its golden module, which type-checks, transpiles and loads", async () => {
    const { policy, diagnostics } = check(readFileSync(path.join(root, relativePath), "utf8"), { path: relativePath });
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    if (!policy) throw new Error("no policy");
    const { typescript } = await generateModule(policy, { sourcePath: relativePath });
    await expect(typescript).toMatchFileSnapshot(`__golden__/${path.basename(relativePath, ".agp")}.ts`);
    expect(typecheckModule(typescript, policy).map((d) => d.message)).toEqual([]);
    const { javascript, declarations } = transpileModule(typescript);
    expect(javascript).toContain("export function decide(");
    expect(declarations).toContain("export declare function decide(");
    // The JavaScript target is the TypeScript one with its types erased, nothing else:
    // TypeScript's own transpile of the two prints the same program.
    const emittedTypescript = emitModule(policy, { sourcePath: relativePath });
    const emittedJavascript = emitModule(policy, { sourcePath: relativePath, target: "javascript" });
    expect(emittedJavascript).not.toMatch(/^import type|^export (type|interface) /m);
    expect(printedByTypescript(emittedJavascript)).toBe(printedByTypescript(emittedTypescript));
    const module = loadPolicyModule(emitModule(policy, { sourcePath: relativePath, target: "function" }), relativePath);
    expect(module.policyName).toBe(policy.name);
    expect(module.rules.map((rule) => rule.name)).toEqual(
      [...policy.rules, ...policy.separations, ...policy.monitors].sort((a, b) => a.span.start - b.span.start).map((d) => d.name.text),
    );
    const again = await generateModule(policy, { sourcePath: relativePath });
    expect(again.typescript).toBe(typescript);
  });
});
