/**
 * Type-checks a generated module in memory with the TypeScript compiler API (graphql-codegen's
 * `validateTs()` approach): strict + noUncheckedIndexedAccess, `agp/stdlib` resolved to this
 * package's stdlib and `zod` from node_modules. A type error there is a compiler bug, reported
 * as AGP9001 at the policy span the failing code was generated from.
 */
import type * as TypeScript from "typescript";
import path from "node:path";
import type { CheckedPolicy } from "../check/model.js";
import { createDiagnostic, type Diagnostic } from "../diagnostics.js";
import type { Span } from "../source.js";
import { typescript as loadTypescript } from "./typescript.js";
import { packageLocation } from "../package-location.js";

/**
 * Where this package's stdlib types are, and where the generated module is placed, from the
 * package's location: this file may be `compiler/codegen/` (sources, vitest),
 * `dist/compiler/codegen/` or part of the bundled CLI in `dist/cli/`.
 */
function packageFiles(): { readonly stdlibEntry: string; readonly generatedFile: string } {
  const { root, fromDist } = packageLocation;
  return {
    stdlibEntry: fromDist ? path.join(root, "dist/stdlib/index.d.ts") : path.join(root, "stdlib/index.ts"),
    // INVARIANT: the virtual module sits inside the package so `zod` resolves from its node_modules.
    generatedFile: path.join(root, fromDist ? "dist" : "", "__agp_generated__.ts"),
  };
}

const { stdlibEntry, generatedFile } = packageFiles();

/** The compiler, its options and what every check in this process shares, made on first use. */
interface Checker {
  readonly ts: typeof TypeScript;
  readonly compilerOptions: TypeScript.CompilerOptions;
  readonly resolutionCache: TypeScript.ModuleResolutionCache;
  readonly baseHost: TypeScript.CompilerHost;
  /** Parsed library files (lib, zod, stdlib). */
  readonly sourceFileCache: Map<string, TypeScript.SourceFile>;
  previousProgram: TypeScript.Program | undefined;
}

let shared: Checker | undefined;

function checker(): Checker {
  if (shared) return shared;
  const ts = loadTypescript();
  const compilerOptions: TypeScript.CompilerOptions = {
    strict: true,
    noUncheckedIndexedAccess: true,
    noImplicitOverride: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.es2022.d.ts"],
    types: [],
    skipLibCheck: true,
    noEmit: true,
    isolatedModules: true,
  };
  shared = {
    ts,
    compilerOptions,
    resolutionCache: ts.createModuleResolutionCache(process.cwd(), (name) => name, compilerOptions),
    baseHost: ts.createCompilerHost(compilerOptions, true),
    sourceFileCache: new Map(),
    previousProgram: undefined,
  };
  return shared;
}

function createHost({ ts, compilerOptions, baseHost, resolutionCache, sourceFileCache }: Checker, generated: TypeScript.SourceFile): TypeScript.CompilerHost {
  return {
    ...baseHost,
    fileExists: (file) => file === generatedFile || baseHost.fileExists(file),
    readFile: (file) => (file === generatedFile ? generated.text : baseHost.readFile(file)),
    getSourceFile(file, languageVersion, onError) {
      if (file === generatedFile) return generated;
      const cached = sourceFileCache.get(file);
      if (cached) return cached;
      const parsed = baseHost.getSourceFile(file, languageVersion, onError);
      if (parsed) sourceFileCache.set(file, parsed);
      return parsed;
    },
    resolveModuleNameLiterals(literals, containingFile) {
      return literals.map((literal) => {
        if (literal.text === "agp/stdlib") {
          return {
            resolvedModule: {
              resolvedFileName: stdlibEntry,
              extension: stdlibEntry.endsWith(".d.ts") ? ts.Extension.Dts : ts.Extension.Ts,
              isExternalLibraryImport: false,
            },
          };
        }
        return ts.resolveModuleName(literal.text, containingFile, compilerOptions, baseHost, resolutionCache);
      });
    },
  };
}

/** The TypeScript diagnostics of a generated module (empty when it type-checks). */
export function typecheckGenerated(typescript: string): readonly TypeScript.Diagnostic[] {
  const state = checker();
  const { ts } = state;
  // Doc comments mean nothing to the check: skip parsing them.
  const generated = ts.createSourceFile(
    generatedFile,
    typescript,
    { languageVersion: ts.ScriptTarget.ES2022, jsDocParsingMode: ts.JSDocParsingMode.ParseNone },
    true,
    ts.ScriptKind.TS,
  );
  const program = ts.createProgram({
    rootNames: [generatedFile],
    options: state.compilerOptions,
    host: createHost(state, generated),
    oldProgram: state.previousProgram,
  });
  state.previousProgram = program;
  const file = program.getSourceFile(generatedFile);
  if (!file) throw new Error("the generated module is missing from its program");
  const global = program.getOptionsDiagnostics();
  return [...global, ...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
}

/** Type-checks a generated module; each error is an AGP9001 naming the policy span it came from. */
export function typecheckModule(typescript: string, policy: CheckedPolicy): Diagnostic[] {
  const diagnostics = typecheckGenerated(typescript);
  const { ts } = checker();
  return diagnostics.map((diagnostic) => {
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, " ");
    const offset = diagnostic.start ?? 0;
    const span = spanAt(typescript, offset) ?? policy.ast.name.span;
    // The failing code itself, not a line number: the code checked may not be formatted yet.
    const code = oneLine(typescript.slice(offset, offset + Math.min(diagnostic.length ?? 0, 80)));
    return createDiagnostic(
      "AGP9001",
      `generated code failed to type-check (TS${diagnostic.code} at \`${code}\`): ${oneLine(text)}`,
      policy.source,
      span,
      { help: "this is a bug in agp; please report it with the policy that triggers it" },
    );
  });
}

/** The policy span of the nearest `// @agp-span start:end` comment before `offset`. */
export function spanAt(typescript: string, offset: number): Span | undefined {
  const marker = /\/\/ @agp-span (\d+):(\d+)/g;
  let found: Span | undefined;
  for (let match = marker.exec(typescript); match && match.index <= offset; match = marker.exec(typescript)) {
    found = { start: Number(match[1]), end: Number(match[2]) };
  }
  return found;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim().replace(/\.$/, "");
}
