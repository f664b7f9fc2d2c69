/**
 * The stdlib functions as the checker sees them: name, parameter and return types, a doc
 * line, and which parameters take a value that can be validated at compile time when the
 * argument is a constant (AGP3013). Types are plain strings so this file needs nothing
 * from the compiler; the checker maps them onto its own types.
 */
import { parseCidr } from "./cidr.js";
import type * as functions from "./functions.js";
import { parseIsoTime, validateTimeZone } from "./time.js";

export { validateTimeZone };

/** A type in a stdlib signature; `[any]` is a list of any element type. */
export type StdlibType = "time" | "string" | "number" | "bool" | "[any]";

/** Validates a constant string argument: the error message (Cedar style), or undefined when valid. */
export type ConstantValidator = (value: string) => string | undefined;

/** One parameter of a stdlib function. */
export interface StdlibParameter {
  readonly name: string;
  /** The types an argument may have (more than one for `length`: a string or a list). */
  readonly types: readonly StdlibType[];
  /** For a parameter whose constant argument can be checked at compile time. */
  readonly validateConstant?: ConstantValidator;
}

/** The names under which `agp/stdlib` exports the implementations. */
export type StdlibExportName = {
  [K in keyof typeof functions]: (typeof functions)[K] extends (...args: never[]) => unknown ? K : never;
}[keyof typeof functions];

/** One stdlib function: how a policy calls it, its types, and what generated code imports. */
export interface StdlibSignature {
  /** The name policies call it by, e.g. `hour_of`. */
  readonly name: string;
  /** The export of `agp/stdlib` implementing it, e.g. `hourOf`. */
  readonly exportName: StdlibExportName;
  readonly parameters: readonly StdlibParameter[];
  readonly returns: StdlibType;
  /** One line for hovers and "did you mean" help. */
  readonly doc: string;
}

/** The message for a constant CIDR that does not parse, or undefined when valid. */
export function validateCidr(value: string): string | undefined {
  const parsed = parseCidr(value);
  return parsed.ok ? undefined : parsed.message;
}

/** The message for a constant that is not an ISO-8601 time with an offset, or undefined. */
export function validateIsoTime(value: string): string | undefined {
  const parsed = parseIsoTime(value);
  return parsed.ok ? undefined : parsed.message;
}

const timeParameter: StdlibParameter = { name: "time", types: ["time"] };
const zoneParameter: StdlibParameter = {
  name: "tz",
  types: ["string"],
  validateConstant: validateTimeZone,
};
const textParameter: StdlibParameter = { name: "text", types: ["string"] };

/** Every stdlib function, in the order the language reference lists them. */
export const stdlibSignatures: readonly StdlibSignature[] = [
  {
    name: "hour_of",
    exportName: "hourOf",
    parameters: [timeParameter, zoneParameter],
    returns: "number",
    doc: "the hour (0-23) at `time` on the wall clocks of IANA time zone `tz`",
  },
  {
    name: "minute_of",
    exportName: "minuteOf",
    parameters: [timeParameter, zoneParameter],
    returns: "number",
    doc: "the minute (0-59) at `time` on the wall clocks of IANA time zone `tz`",
  },
  {
    name: "weekday_of",
    exportName: "weekdayOf",
    parameters: [timeParameter, zoneParameter],
    returns: "number",
    doc: "the ISO weekday at `time` in IANA time zone `tz`: 1 = Monday … 7 = Sunday",
  },
  {
    name: "date_of",
    exportName: "dateOf",
    parameters: [timeParameter, zoneParameter],
    returns: "string",
    doc: "the calendar date at `time` in IANA time zone `tz`, as `YYYY-MM-DD`",
  },
  {
    name: "time",
    exportName: "timeOf",
    parameters: [{ name: "text", types: ["string"], validateConstant: validateIsoTime }],
    returns: "time",
    doc: "the time written in ISO-8601 with an offset, like `2026-01-05T10:00:00Z`",
  },
  {
    name: "cidr_match",
    exportName: "cidrMatch",
    parameters: [
      { name: "ip", types: ["string"] },
      { name: "cidr", types: ["string"], validateConstant: validateCidr },
    ],
    returns: "bool",
    doc: "whether IP address `ip` (IPv4 or IPv6) is in range `cidr`, like `10.0.0.0/8`",
  },
  {
    name: "starts_with",
    exportName: "startsWith",
    parameters: [textParameter, { name: "prefix", types: ["string"] }],
    returns: "bool",
    doc: "whether `text` starts with `prefix`",
  },
  {
    name: "ends_with",
    exportName: "endsWith",
    parameters: [textParameter, { name: "suffix", types: ["string"] }],
    returns: "bool",
    doc: "whether `text` ends with `suffix`",
  },
  {
    name: "contains",
    exportName: "contains",
    parameters: [textParameter, { name: "part", types: ["string"] }],
    returns: "bool",
    doc: "whether `part` occurs in `text`",
  },
  {
    name: "lower",
    exportName: "lower",
    parameters: [textParameter],
    returns: "string",
    doc: "`text` in lower case",
  },
  {
    name: "upper",
    exportName: "upper",
    parameters: [textParameter],
    returns: "string",
    doc: "`text` in upper case",
  },
  {
    name: "length",
    exportName: "lengthOf",
    parameters: [{ name: "value", types: ["string", "[any]"] }],
    returns: "number",
    doc: "the number of characters (code points) of a string, or of elements of a list",
  },
];

const signaturesByName = new Map(stdlibSignatures.map((signature) => [signature.name, signature]));

/** The signature of stdlib function `name`, or undefined when there is none. */
export function stdlibSignature(name: string): StdlibSignature | undefined {
  return signaturesByName.get(name);
}

/** The names of every stdlib function, for "did you mean" suggestions. */
export const stdlibFunctionNames: readonly string[] = stdlibSignatures.map((signature) => signature.name);

/** How a signature reads in messages and hovers: `hour_of(time: time, tz: string): number`. */
export function formatSignature(signature: StdlibSignature): string {
  const parameters = signature.parameters.map((parameter) => `${parameter.name}: ${parameter.types.join(" | ")}`);
  return `${signature.name}(${parameters.join(", ")}): ${signature.returns}`;
}
