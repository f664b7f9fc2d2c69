#!/usr/bin/env node
/**
 * The `agp` command (the package's `bin`): the CLI bundled into one CommonJS file,
 * agp.bundle.cjs beside this one (see scripts/bundle-cli.mjs), run from its code cache
 * (see bundle-loader.ts).
 */
import { fileURLToPath } from "node:url";
import type { CliIO, ExitCode } from "./io.js";
import { loadBundle } from "./bundle-loader.js";

/** What the bundle exports: its entry re-exports these two. */
interface BundledCli {
  runCli(args: readonly string[], io: CliIO): Promise<ExitCode>;
  processIO(): CliIO;
}

const bundlePath = fileURLToPath(new URL("./agp.bundle.cjs", import.meta.url));
const { exports: cli } = loadBundle<BundledCli>(bundlePath, `${bundlePath}.cache`);
process.exitCode = await cli.runCli(process.argv.slice(2), cli.processIO());
