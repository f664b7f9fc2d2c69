// `npm run build`, second step: bundles the CLI (dist/cli/main.js and everything it imports)
// into one CommonJS file, dist/cli/agp.bundle.cjs, and makes its V8 code cache, which the
// package's `bin` (dist/cli/agp.js, from cli/agp.ts) runs it with (see cli/bundle-loader.ts).
// One file instead of ~290 ES modules (zod alone is 95, 64 of them locales its entry
// re-exports) saves every command 80–100 ms of start-up: resolving, reading, compiling and
// linking each module; the code cache saves another ~50 ms of compiling. CommonJS, because
// V8's code cache is for scripts (vm.Script), not modules. The library entry points (`agp`,
// `agp/runtime`, ...) stay the separate ES modules tsc wrote.
import { chmodSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bundlePath = path.join(root, "dist/cli/agp.bundle.cjs");
const cachePath = `${bundlePath}.cache`;
// What compiler/chevrotain.js loads with a top-level await (which CommonJS cannot have).
const chevrotainBundle = path.join(path.dirname(createRequire(import.meta.url).resolve("chevrotain")), "../chevrotain.mjs");

await build({
  // The bin calls the CLI itself (main.js runs only when it is the process's entry point).
  stdin: { contents: 'export { runCli } from "./main.js";\nexport { processIO } from "./io.js";\n', resolveDir: path.join(root, "dist/cli"), loader: "js" },
  outfile: bundlePath,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  // Loaded only by the commands that need them, from node_modules: a native addon
  // (better-sqlite3) and two large packages (typescript for `agp compile`, prettier for
  // `agp fmt`) that the common commands never load.
  external: ["better-sqlite3", "typescript", "prettier"],
  // ES modules are strict, and the sources were written (and are tested) as ES modules.
  banner: { js: '"use strict";\nconst agpModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
  define: { "import.meta.url": "agpModuleUrl" },
  // import() of the externals becomes require(): V8 drops a script's dynamic-import callback
  // when it is compiled from a code cache, and every import() would then reject.
  supported: { "dynamic-import": false },
  plugins: [
    {
      name: "chevrotain-static",
      setup(bundler) {
        bundler.onLoad({ filter: /[\\/]dist[\\/]compiler[\\/]chevrotain\.js$/ }, () => ({
          contents: `import * as chevrotain from ${JSON.stringify(chevrotainBundle)};\nexport { chevrotain };\n`,
          loader: "js",
        }));
      },
    },
  ],
  sourcemap: true,
  legalComments: "eof",
  logLevel: "warning",
});
chmodSync(path.join(root, "dist/cli/agp.js"), 0o755);

// The code cache: the bundle's functions as compiled by the commands users run most, on the
// examples. Their output is dropped; a failing command only makes the cache smaller.
const { loadBundle } = await import("../dist/cli/bundle-loader.js");
// Any cache of an earlier bundle goes first: it would only be refused.
rmSync(cachePath, { force: true });
const bundle = loadBundle(bundlePath, cachePath);
const quiet = { out() {}, err() {}, cwd: root, colorOut: false, colorErr: false };
const workload = [
  ["check", "examples"],
  ["test", "examples", "--coverage"],
  ["fmt", "--check", "examples"],
  ["eval", "examples/expenses/expenses.agp", "--request", "examples/expenses/requests/allow-submit-own-report.json", "--explain"],
];
for (const args of workload) {
  const code = await bundle.exports.runCli(args, quiet);
  if (code !== 0) console.warn(`bundle-cli: \`agp ${args.join(" ")}\` exited ${code} while making the code cache`);
}
const made = bundle.createCache();
if (made) writeFileSync(cachePath, made);
else console.warn("bundle-cli: no code cache made (source maps are on); the bin compiles the bundle as it runs");
