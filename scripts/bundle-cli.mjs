// `npm run build`, second step: bundles the CLI (dist/cli/main.js and everything it imports)
// into one file, dist/cli/agp.js, the package's `bin`. One file instead of ~290 ES modules
// (zod alone is 95, 64 of them locales its entry re-exports) saves every command 80–100 ms
// of start-up: resolving, reading, compiling and linking each module. The library entry
// points (`agp`, `agp/runtime`, ...) stay the separate files tsc wrote.
import { build } from "esbuild";

await build({
  entryPoints: ["dist/cli/main.js"],
  outfile: "dist/cli/agp.js",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // Loaded only by the commands that need them, from node_modules: a native addon
  // (better-sqlite3) and two large packages (typescript for `agp compile`, prettier for
  // `agp fmt`) that the common commands never load.
  external: ["better-sqlite3", "typescript", "prettier"],
  // Bundled CommonJS dependencies call `require`; an ES module has none of its own.
  banner: { js: 'import { createRequire as agpCreateRequire } from "node:module";\nconst require = agpCreateRequire(import.meta.url);' },
  sourcemap: true,
  legalComments: "eof",
  logLevel: "warning",
});
