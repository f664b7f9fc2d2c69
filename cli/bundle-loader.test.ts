import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadBundle } from "./bundle-loader.js";

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

let directory: string;
let bundle: string;
let cache: string;
beforeEach(() => {
  directory = mkdtempSync(path.join(tmpdir(), "agp-bundle-"));
  bundle = path.join(directory, "bundle.cjs");
  cache = `${bundle}.cache`;
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

interface Probe {
  readonly value: number;
  readonly filename: string;
  readonly dirname: string;
  readonly sibling: string;
  readonly strict: boolean;
}

const probe = (value: number) => `"use strict";
module.exports = {
  value: ${value},
  filename: __filename,
  dirname: __dirname,
  sibling: require("./sibling.cjs"),
  strict: (function () { return this === undefined; })(),
};
`;

/** Loads the bundle in a fresh `node` (from this module's TypeScript source); with "make", saves its cache. Prints how the cache was used and the bundle's value. */
function inChildProcess(mode: "make" | "load", nodeOptions: readonly string[] = []): string {
  const loader = pathToFileURL(path.join(repositoryRoot, "cli/bundle-loader.ts")).href;
  const script = [
    `import { writeFileSync } from "node:fs";`,
    `import { loadBundle } from ${JSON.stringify(loader)};`,
    `const loaded = loadBundle(${JSON.stringify(bundle)}, ${JSON.stringify(cache)});`,
    mode === "make" ? `writeFileSync(${JSON.stringify(cache)}, loaded.createCache() ?? "");` : "",
    "console.log(loaded.cache, loaded.exports.value);",
  ].join("\n");
  const child = spawnSync(process.execPath, [...nodeOptions, "--import", "./runtime/__fixtures__/ts-loader.mjs", "--input-type=module", "-e", script], {
    cwd: repositoryRoot,
    encoding: "utf8",
  });
  if (child.status !== 0) throw new Error(`the child process failed: ${child.stderr}`);
  return child.stdout.trim();
}

describe("loadBundle", () => {
  it("evaluates a CommonJS bundle as Node would: its exports, file names and require beside it", () => {
    writeFileSync(path.join(directory, "sibling.cjs"), 'module.exports = "beside";');
    writeFileSync(bundle, probe(1));
    const loaded = loadBundle<Probe>(bundle, cache);
    expect(loaded.cache).toBe("absent");
    expect(loaded.exports).toMatchObject({ value: 1, filename: bundle, dirname: directory, sibling: "beside", strict: true });
  });

  it("uses a code cache made for the bundle, in a process of its own", () => {
    // In one process V8 finds a script it compiled before in its own in-memory cache, whatever
    // the code cache says: only a fresh process shows that the cache is read.
    writeFileSync(path.join(directory, "sibling.cjs"), "module.exports = 0;");
    writeFileSync(bundle, probe(1));
    expect(inChildProcess("make")).toBe("absent 1");
    expect(inChildProcess("load")).toBe("used 1");
    // Under --enable-source-maps, Node's own loader loads it, so that stack traces are mapped.
    expect(inChildProcess("load", ["--enable-source-maps"])).toBe("bypassed 1");
    // The first child may transpile the loader with TypeScript (over a second to load).
  }, 30_000);

  it("ignores a cache made for another bundle, even one of the same length (V8 would take it)", () => {
    writeFileSync(path.join(directory, "sibling.cjs"), "module.exports = 0;");
    writeFileSync(bundle, probe(1));
    writeFileSync(cache, loadBundle<Probe>(bundle, cache).createCache() ?? "");
    writeFileSync(bundle, probe(2));
    const loaded = loadBundle<Probe>(bundle, cache);
    expect(loaded.cache).toBe("invalid");
    expect(loaded.exports.value).toBe(2);
  });

  it("ignores a damaged cache", () => {
    writeFileSync(path.join(directory, "sibling.cjs"), "module.exports = 0;");
    writeFileSync(bundle, probe(3));
    const made = loadBundle<Probe>(bundle, cache).createCache() ?? Buffer.alloc(64);
    made[made.length - 8] = (made[made.length - 8] ?? 0) ^ 0xff;
    writeFileSync(cache, made);
    expect(loadBundle<Probe>(bundle, cache)).toMatchObject({ cache: "invalid", exports: { value: 3 } });
  });

  it("compiles as usual when V8 refuses the cache's data", () => {
    writeFileSync(path.join(directory, "sibling.cjs"), "module.exports = 0;");
    // A bundle this process never compiled: V8 would otherwise find it in its own in-memory cache.
    const code = probe(4);
    writeFileSync(bundle, code);
    const data = Buffer.from("not V8 code cache data");
    writeFileSync(cache, Buffer.concat([createHash("sha256").update(code).update(data).digest(), data]));
    expect(loadBundle<Probe>(bundle, cache)).toMatchObject({ cache: "rejected", exports: { value: 4 } });
  });

  it("treats an unreadable cache as none", () => {
    writeFileSync(path.join(directory, "sibling.cjs"), "module.exports = 0;");
    writeFileSync(bundle, probe(1));
    mkdirSync(cache);
    expect(loadBundle<Probe>(bundle, cache)).toMatchObject({ cache: "absent", exports: { value: 1 } });
  });

  it("resolves a relative bundle path", () => {
    writeFileSync(path.join(directory, "sibling.cjs"), "module.exports = 0;");
    writeFileSync(bundle, probe(1));
    const relative = path.relative(process.cwd(), bundle);
    expect(loadBundle<Probe>(relative, cache).exports.filename).toBe(bundle);
  });
});
