/**
 * Where the CLI reads and writes. Commands never touch `process` directly, so tests run
 * them in-process and capture exactly what a user would see.
 */
export interface CliIO {
  /** Writes to standard output (the command's result). */
  out(text: string): void;
  /** Writes to standard error (diagnostics and messages about the run). */
  err(text: string): void;
  /** The directory relative paths are resolved from and printed relative to. */
  readonly cwd: string;
  /** Whether standard output is a terminal (colour is used there only then). */
  readonly colorOut: boolean;
  /** Whether standard error is a terminal (colour is used there only then). */
  readonly colorErr: boolean;
}

/** Exit codes shared by every command. */
export const ExitCode = {
  /** Clean: no diagnostics (or all tests passed). */
  ok: 0,
  /** Diagnostics, failed tests, a failed verification or bad input. */
  failure: 1,
  /** The command was called wrongly (unknown option, missing argument, no such file). */
  usage: 2,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The IO of the real process. */
export function processIO(): CliIO {
  return {
    out: writerTo(process.stdout),
    err: writerTo(process.stderr),
    cwd: process.cwd(),
    colorOut: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
    colorErr: Boolean(process.stderr.isTTY) && !process.env.NO_COLOR,
  };
}

/**
 * Writes to `stream` until its reader goes away (`agp test | head`): then the rest of the
 * output is dropped and the command still finishes with its own exit code, instead of
 * dying on an unhandled EPIPE with a stack trace.
 */
function writerTo(stream: NodeJS.WriteStream): (text: string) => void {
  let readerGone = false;
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    readerGone = true;
  });
  return (text) => {
    if (!readerGone) stream.write(text);
  };
}

/** A usage error: printed with the command's help hint and exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
