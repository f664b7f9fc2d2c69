// Regenerates compiler/cst.generated.d.ts (the CST types of the agp grammar) from
// compiler/parser.ts: `node scripts/generate-cst-dts.js`. The grammar is TypeScript, so this
// runs the freshness test (compiler/cst.generated.test.ts) through vitest in update mode.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const result = spawnSync("npx", ["vitest", "run", "compiler/cst.generated.test.ts"], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, AGP_UPDATE_CST_DTS: "1" },
});
process.exit(result.status ?? 1);
