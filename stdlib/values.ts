/**
 * The language's values at run time, as generated code and the JSON boundary need them:
 * durations (`15m`, or a number of seconds in JSON), ISO times, equality of records and
 * lists, and list membership. Kept here so generated code stays small and reads like the
 * policy.
 */
import type { EntityRef } from "./contract.js";
import { sameEntity } from "./entities.js";
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, MS_PER_SECOND, parseIsoTime } from "./time.js";

export { ISO_TIME_EXAMPLE, parseIsoTime, type IsoTimeResult } from "./time.js";

/** Milliseconds per duration unit of the language, largest first. */
export const DURATION_UNITS: readonly (readonly [unit: "d" | "h" | "m" | "s" | "ms", ms: number])[] = [
  ["d", MS_PER_DAY],
  ["h", MS_PER_HOUR],
  ["m", MS_PER_MINUTE],
  ["s", MS_PER_SECOND],
  ["ms", 1],
];

const DURATION = /^(\d+)(ms|s|m|h|d)$/;

/**
 * The milliseconds of a duration written like the language's literals: an integer and a
 * unit `ms s m h d` (`500ms`, `90s`, `15m`, `2h`, `7d`). Undefined for anything else,
 * including a duration too long to count exactly in milliseconds.
 */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (!match) return undefined;
  const unit = DURATION_UNITS.find(([name]) => name === match[2]);
  const ms = Number(match[1]) * (unit?.[1] ?? Number.NaN);
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/**
 * A duration in the largest unit that writes it exactly (`900000` → `15m`, `90000` →
 * `90s`); `parseDuration(formatDuration(ms)) === ms` for every safe non-negative integer.
 */
export function formatDuration(ms: number): string {
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (!Number.isInteger(ms)) return `${ms}ms`;
  if (ms === 0) return "0s";
  for (const [unit, unitMs] of DURATION_UNITS) {
    if (ms % unitMs === 0) return `${ms / unitMs}${unit}`;
  }
  return `${ms}ms`;
}

/**
 * A duration as JSON gives it, in milliseconds: a string like `"15m"`, or a non-negative
 * number of seconds (`90`, `1.5`). Undefined for anything else.
 */
export function durationFromJson(value: unknown): number | undefined {
  if (typeof value === "string") return parseDuration(value);
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) {
    const ms = Math.round(value * MS_PER_SECOND);
    return Number.isSafeInteger(ms) ? ms : undefined;
  }
  return undefined;
}

/**
 * The epoch milliseconds of an ISO-8601 time with an offset (`2026-01-05T10:00:00Z`), or
 * undefined when `text` is not one; {@link parseIsoTime} says why.
 */
export function isoToEpochMs(text: string): number | undefined {
  const parsed = parseIsoTime(text);
  return parsed.ok ? parsed.ms : undefined;
}

/** An instant as an ISO-8601 UTC string (`2026-01-05T10:00:00.000Z`), for output and logs. */
export function epochMsToIso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Whether `value` looks like an entity: an object with string `type` and `id`. */
export function isEntityRef(value: unknown): value is EntityRef {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { type?: unknown }).type === "string" &&
    typeof (value as { id?: unknown }).id === "string"
  );
}

/**
 * Equality of the language for any two values of the same type: primitives by value,
 * entities by type and id (attributes ignored), lists element by element, inline records
 * field by field. An absent value (an unset optional) is never equal at the top level, but
 * two records that both lack an optional field are equal on it.
 * INVARIANT: an object with string `type` and `id` fields is compared as an entity.
 */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === undefined || a === null || b === undefined || b === null) return false;
  return equalPresent(a, b);
}

function equalPresent(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let index = 0; index < a.length; index++) {
      if (!fieldsEqual(a[index], b[index])) return false;
    }
    return true;
  }
  if (Array.isArray(b)) return false;
  if (isEntityRef(a) || isEntityRef(b)) return isEntityRef(a) && isEntityRef(b) && sameEntity(a, b);
  return recordsEqual(a as Readonly<Record<string, unknown>>, b as Readonly<Record<string, unknown>>);
}

function fieldsEqual(a: unknown, b: unknown): boolean {
  const aAbsent = a === undefined || a === null;
  const bAbsent = b === undefined || b === null;
  if (aAbsent || bAbsent) return aAbsent && bAbsent;
  return equalPresent(a, b);
}

/**
 * Names every plain object inherits from `Object.prototype` (`toString`, `constructor`,
 * `valueOf`, ...). A record field may be named so; read as `record.toString`, an absent
 * optional one would find the inherited member instead, so schemas and generated code read
 * fields with these names as own properties only.
 */
const INHERITED_NAMES: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/** Whether every plain object inherits a member named `name` (see {@link ownField}). */
export function isInheritedName(name: string): boolean {
  return INHERITED_NAMES.has(name);
}

/** Field `name` of `record` when it is the record's own, else undefined: never an inherited member. */
export function ownField<R extends object, K extends keyof R & string>(record: R, name: K): R[K] | undefined {
  return Object.hasOwn(record, name) ? record[name] : undefined;
}

/** Field-by-field equality of two records, a field set to undefined counting as absent. */
export function recordsEqual(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  // Own fields only: a field named `toString` on one side is not matched by the other's inherited method.
  for (const key of Object.keys(a)) {
    if (!fieldsEqual(a[key], ownField(b, key))) return false;
  }
  for (const key of Object.keys(b)) {
    if (!Object.hasOwn(a, key) && b[key] !== undefined && b[key] !== null) return false;
  }
  return true;
}

/**
 * `value in list`: whether an element of `list` equals `value`. Without `equals`, `===`
 * (strings, numbers, booleans, labels); pass {@link sameEntity} for entities and
 * {@link valuesEqual} for records and lists. An absent value or list contains nothing.
 */
export function listContains<T>(
  list: readonly T[] | null | undefined,
  value: T | null | undefined,
  equals?: (a: T, b: T) => boolean,
): boolean {
  if (list === null || list === undefined || value === null || value === undefined) return false;
  if (!equals) return list.includes(value);
  for (const element of list) {
    if (equals(element, value)) return true;
  }
  return false;
}
