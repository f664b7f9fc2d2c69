/**
 * Module hooks for `ts-loader.mjs`: resolve `.js` imports to their `.ts` source when only the
 * source exists, and load `.ts` files transpiled to JavaScript. Transpiled output is cached
 * on disk by content hash, and the TypeScript compiler (over a second to load) is imported
 * only on a cache miss, so a child process after the first starts in a fraction of a second
 * (the crash test starts twenty).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const compilerVersion = JSON.parse(
  readFileSync(createRequire(import.meta.url).resolve("typescript/package.json"), "utf8"),
).version;
const cacheDirectory = path.join(tmpdir(), "agp-ts-loader-cache");
const compilerOptions = {
  module: "ESNext",
  target: "ES2022",
  verbatimModuleSyntax: true,
  sourceMap: false,
};

export async function resolve(specifier, context, nextResolve) {
  if (
    specifier.endsWith(".js") &&
    (specifier.startsWith(".") || specifier.startsWith("file:")) &&
    context.parentURL?.endsWith(".ts")
  ) {
    const url = new URL(specifier, context.parentURL);
    const source = new URL(url.href.replace(/\.js$/, ".ts"));
    if (!existsSync(fileURLToPath(url)) && existsSync(fileURLToPath(source))) {
      return { url: source.href, format: "module", shortCircuit: true };
    }
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!url.endsWith(".ts")) return nextLoad(url, context);
  const fileName = fileURLToPath(url);
  const text = await readFile(fileName, "utf8");
  const key = createHash("sha256")
    .update(`${compilerVersion}\0${JSON.stringify(compilerOptions)}\0${fileName}\0${text}`)
    .digest("hex");
  const cached = path.join(cacheDirectory, `${key}.js`);
  if (existsSync(cached))
    return {
      format: "module",
      source: readFileSync(cached, "utf8"),
      shortCircuit: true,
    };
  const { default: ts } = await import("typescript");
  const { outputText } = ts.transpileModule(text, {
    fileName,
    compilerOptions: {
      ...compilerOptions,
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
    },
  });
  // Written aside and renamed, so that a process reading the cache never sees half a file.
  mkdirSync(cacheDirectory, { recursive: true });
  const partial = `${cached}.${process.pid}.tmp`;
  writeFileSync(partial, outputText);
  renameSync(partial, cached);
  return { format: "module", source: outputText, shortCircuit: true };
}
