/**
 * Runs a CommonJS bundle (the bundled CLI, see scripts/bundle-cli.mjs) with V8's code cache.
 * Node 20 keeps no compile cache of its own (`module.enableCompileCache` came with Node 22),
 * so without one every command parses the 2 MB bundle and then compiles, lazily, each
 * function it calls: about 50 ms of `agp --version`'s 160 and 0.1 s of `agp test` on 2,000
 * cases. A cache made after running the common commands holds the bytecode of every function
 * they compiled.
 *
 * A cache starts with the SHA-256 of the bundle it was made from followed by its own data,
 * and is ignored unless both match: V8's own check compares only the source's length (a cache
 * left beside an edited bundle of the same length would run stale bytecode), and release
 * builds of V8 do not checksum the data (a damaged cache would run damaged bytecode). V8
 * refuses a cache made by another V8 version or under other flags. Whenever the cache is not
 * used, the bundle compiles as usual.
 *
 * The bundle must not call `import()` (the build turns each into `require`): V8 drops a
 * script's dynamic-import callback when it compiles the script from a cache.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import vm from "node:vm";

/**
 * Whether a code cache was used, and if not, why: none readable, made for another bundle or
 * damaged, refused by V8, or bypassed (source maps are on, and only Node's own loader applies
 * them to stack traces).
 */
export type CodeCacheUse = "used" | "absent" | "invalid" | "rejected" | "bypassed";

/** A bundle evaluated by {@link loadBundle}. */
export interface LoadedBundle<Exports> {
  /** Its `module.exports`. */
  readonly exports: Exports;
  readonly cache: CodeCacheUse;
  /**
   * A code cache for this bundle holding every function compiled so far, as {@link loadBundle}
   * reads it; undefined when the cache was bypassed.
   */
  createCache(): Buffer | undefined;
}

const DIGEST_BYTES = 32;

/**
 * Evaluates the CommonJS file at `bundleFile` as Node's loader would (its own `require`,
 * `module`, `__filename`, `__dirname`), compiled from the code cache at `cachePath` when one
 * was made for it.
 */
export function loadBundle<Exports>(bundleFile: string, cachePath: string): LoadedBundle<Exports> {
  const bundlePath = path.resolve(bundleFile);
  const requireBeside = createRequire(bundlePath);
  if (process.sourceMapsEnabled) {
    // `--enable-source-maps` (a debugging session): stack traces point into the sources.
    return { exports: requireBeside(bundlePath) as Exports, cache: "bypassed", createCache: () => undefined };
  }
  const code = readFileSync(bundlePath);
  let cachedData: Buffer | undefined;
  let cache: CodeCacheUse = "absent";
  try {
    const stored = readFileSync(cachePath);
    const data = stored.subarray(DIGEST_BYTES);
    if (stored.subarray(0, DIGEST_BYTES).equals(digestOf(code, data))) cachedData = data;
    else cache = "invalid";
  } catch {
    // No readable cache: the bundle compiles as usual.
  }
  // The wrapper of Node's CommonJS loader, on the bundle's first line so line numbers hold.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${code.toString("utf8")}\n})`, {
    filename: bundlePath,
    ...(cachedData ? { cachedData } : {}),
  });
  if (cachedData) cache = script.cachedDataRejected === true ? "rejected" : "used";
  const module: { exports: unknown } = { exports: {} };
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: { exports: unknown }, filename: string, dirname: string) => void;
  wrapper.call(module.exports, module.exports, requireBeside, module, bundlePath, path.dirname(bundlePath));
  return {
    exports: module.exports as Exports,
    cache,
    createCache: () => {
      const data = script.createCachedData();
      return Buffer.concat([digestOf(code, data), data]);
    },
  };
}

/** What a cache of `data` for the bundle `code` starts with. */
function digestOf(code: Buffer, data: Buffer): Buffer {
  return createHash("sha256").update(code).update(data).digest();
}
