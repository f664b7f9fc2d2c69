/**
 * Formats generated modules with prettier under a configuration pinned inside the compiler,
 * never the user's, so the same policy gives byte-identical output on every machine.
 *
 * Formatting and type-checking are the two costly passes of `compile` and both are CPU-bound,
 * so {@link formatInBackground} runs prettier in a worker thread while the main thread
 * type-checks: on two cores a compile takes about the longer of the two, not their sum.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type * as Prettier from "prettier";

/** The pinned prettier options of generated code. */
export const pinnedPrettierOptions: Prettier.Options = {
  // babel-ts prints TypeScript like the typescript parser and parses it about twice as fast.
  parser: "babel-ts",
  printWidth: 120,
  tabWidth: 2,
  useTabs: false,
  semi: true,
  singleQuote: false,
  quoteProps: "as-needed",
  trailingComma: "all",
  bracketSpacing: true,
  arrowParens: "always",
  endOfLine: "lf",
};

/** Formats generated TypeScript on this thread. Throws on a syntax error (a compiler bug). */
export async function formatTypescript(code: string): Promise<string> {
  // Imported here, not at the top: only formatting needs prettier, and loading it costs every
  // command that imports the compiler (check, test, eval) about 70 ms.
  const prettier = await import("prettier");
  return prettier.format(code, pinnedPrettierOptions);
}

// The worker is a self-contained CommonJS script (no file of its own), so it runs the same
// from dist and from sources under vitest; it loads the very prettier this module resolves.
const workerSource = `
const { parentPort, workerData } = require("node:worker_threads");
const prettier = require(workerData.prettierPath);
parentPort.on("message", ({ id, code }) => {
  prettier.format(code, workerData.options).then(
    (formatted) => parentPort.postMessage({ id, formatted }),
    (error) => parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) }),
  );
});`;

interface WorkerReply {
  readonly id: number;
  readonly formatted?: string;
  readonly error?: string;
}

interface Pending {
  resolve(formatted: string): void;
  reject(error: Error): void;
}

let worker: Worker | undefined;
let workerFailed = false;
let nextRequest = 0;
const pending = new Map<number, Pending>();

function failAll(error: Error): void {
  workerFailed = true;
  worker = undefined;
  for (const request of pending.values()) request.reject(error);
  pending.clear();
}

function formatWorker(): Worker | undefined {
  if (worker !== undefined || workerFailed) return worker;
  try {
    const prettierPath = createRequire(import.meta.url).resolve("prettier");
    const started = new Worker(workerSource, { eval: true, workerData: { prettierPath, options: pinnedPrettierOptions } });
    started.on("message", (reply: WorkerReply) => {
      const request = pending.get(reply.id);
      if (request === undefined) return;
      pending.delete(reply.id);
      if (reply.formatted !== undefined) request.resolve(reply.formatted);
      else request.reject(new Error(reply.error ?? "the format worker failed"));
      // INVARIANT: the worker holds the process open only while a format is pending.
      if (pending.size === 0) started.unref();
    });
    started.on("error", (error) => failAll(error));
    started.on("exit", () => failAll(new Error("the format worker exited")));
    started.unref();
    worker = started;
  } catch {
    workerFailed = true;
  }
  return worker;
}

/**
 * Starts the format worker now (loading prettier takes a while), so it is ready when the
 * first module is emitted. Optional: {@link formatInBackground} starts it on demand.
 */
export function warmUpFormatter(): void {
  formatWorker();
}

/**
 * Formats generated TypeScript in a worker thread, so the caller can type-check meanwhile.
 * Falls back to this thread when workers are unavailable; the output is the same either way.
 */
export function formatInBackground(code: string): Promise<string> {
  const background = formatWorker();
  if (background === undefined) return formatTypescript(code);
  const id = nextRequest++;
  const result = new Promise<string>((resolve, reject) => pending.set(id, { resolve, reject }));
  background.ref();
  background.postMessage({ id, code });
  return result;
}
