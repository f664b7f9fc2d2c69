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
  /** Whether standard error is a terminal (colour is used only then). */
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
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    colorErr: Boolean(process.stderr.isTTY) && !process.env.NO_COLOR,
  };
}

/** A usage error: printed with the command's help hint and exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
