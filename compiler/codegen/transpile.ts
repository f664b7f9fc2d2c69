/**
 * Turns a generated (and type-checked) module into the `.js` and `.d.ts` that ship to
 * services. Per-file transpilation, so it is fast and deterministic; the module's exports
 * all carry explicit types, which is what `transpileDeclaration` needs.
 */
import type * as TypeScript from "typescript";
import { typescript as loadTypescript } from "./typescript.js";

/** The JavaScript (ESM) and declarations of a generated module. */
export function transpileModule(typescript: string): { javascript: string; declarations: string } {
  const ts = loadTypescript();
  const options: TypeScript.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    declaration: true,
    isolatedDeclarations: true,
    newLine: ts.NewLineKind.LineFeed,
    removeComments: false,
  };
  const javascript = ts.transpileModule(typescript, { compilerOptions: options, fileName: "policy.ts", reportDiagnostics: false });
  const declarations = ts.transpileDeclaration(typescript, { compilerOptions: options, fileName: "policy.ts", reportDiagnostics: true });
  if (declarations.diagnostics && declarations.diagnostics.length > 0) {
    const first = declarations.diagnostics[0];
    const message = first ? ts.flattenDiagnosticMessageText(first.messageText, " ") : "unknown error";
    throw new Error(`declarations of the generated module could not be emitted: ${message}`);
  }
  return { javascript: javascript.outputText, declarations: declarations.outputText };
}
