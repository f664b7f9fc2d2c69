/**
 * Calendar arithmetic behind the time functions: ISO-8601 parsing, civil dates from epoch
 * days, and local time in an IANA time zone. Decisions run this on their hot path and Intl
 * takes microseconds, so a zone's UTC offset is cached per UTC day (per hour on the days
 * it changes), and a request in the same stretch as the last one costs no lookup at all.
 */
import { EvaluationError, quoteUserText } from "./errors.js";

export const MS_PER_SECOND = 1_000;
export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

/** The largest distance from the epoch a JavaScript `Date` (and Intl) can represent. */
export const MAX_TIME_MS = 8.64e15;

/** An example of the accepted ISO-8601 form, for messages. */
export const ISO_TIME_EXAMPLE = "2026-01-05T10:00:00Z";

/** Days from 1970-01-01 to the civil date `year-month-day` (proleptic Gregorian). */
export function daysFromCivil(year: number, month: number, day: number): number {
  // Howard Hinnant's days_from_civil: eras of 400 years, March-based years.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The civil date of `days` days after 1970-01-01, as `YYYY-MM-DD` (ISO expanded years outside 0..9999). */
export function civilDateString(days: number): string {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1_460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${formatYear(year)}-${twoDigits(month)}-${twoDigits(day)}`;
}

function formatYear(year: number): string {
  if (year >= 0 && year <= 9999) return String(year).padStart(4, "0");
  return (year < 0 ? "-" : "+") + String(Math.abs(year)).padStart(6, "0");
}

function twoDigits(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:\d{2})?$/;

/** The result of parsing an ISO-8601 time: epoch milliseconds, or why the text is not one. */
export type IsoTimeResult =
  { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly message: string };

/**
 * Parses an ISO-8601 / RFC 3339 time with a mandatory offset (`2026-01-05T10:00:00Z`,
 * `2026-01-05T11:00+01:00`, fractions up to nanoseconds, truncated to milliseconds).
 * A time without an offset is refused: its instant would depend on the server's zone.
 */
export function parseIsoTime(text: string): IsoTimeResult {
  const match = ISO_TIME.exec(text);
  const invalid = (why: string): IsoTimeResult => ({
    ok: false,
    message: `invalid time ${quoteUserText(text)}: ${why}`,
  });
  if (!match) return invalid(`expected an ISO-8601 time with an offset, like \`${ISO_TIME_EXAMPLE}\``);
  const [, yearText, monthText, dayText, hourText, minuteText, secondText, fraction, offset] = match;
  const year = Number(yearText);
  const month = Number(monthText);
  const day = Number(dayText);
  const hour = Number(hourText);
  const minute = Number(minuteText);
  const second = secondText === undefined ? 0 : Number(secondText);
  if (offset === undefined) return invalid("add a time zone offset such as `Z` or `+01:00`");
  if (month < 1 || month > 12) return invalid(`month ${monthText} is not between 01 and 12`);
  if (day < 1 || day > daysInMonth(year, month))
    return invalid(`day ${dayText} is not in month ${monthText} of ${yearText}`);
  if (hour > 23) return invalid(`hour ${hourText} is not between 00 and 23`);
  if (minute > 59) return invalid(`minute ${minuteText} is not between 00 and 59`);
  if (second > 59) return invalid(`second ${secondText} is not between 00 and 59`);
  let offsetMs = 0;
  if (offset !== "Z" && offset !== "z") {
    const offsetHours = Number(offset.slice(1, 3));
    const offsetMinutes = Number(offset.slice(4, 6));
    if (offsetHours > 23 || offsetMinutes > 59) return invalid(`offset ${offset} is out of range`);
    offsetMs = (offset[0] === "-" ? -1 : 1) * (offsetHours * MS_PER_HOUR + offsetMinutes * MS_PER_MINUTE);
  }
  const milliseconds = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, "0"));
  const localMs =
    daysFromCivil(year, month, day) * MS_PER_DAY +
    hour * MS_PER_HOUR +
    minute * MS_PER_MINUTE +
    second * MS_PER_SECOND +
    milliseconds;
  return { ok: true, ms: localMs - offsetMs };
}

/**
 * A time zone's formatter and what is known of its UTC offsets: the stretch of time of the
 * last answer (requests usually come in time order), and per UTC day and per UTC hour the
 * offset that holds all along it, or NaN when the offset changes inside.
 */
interface ZoneState {
  readonly format: Intl.DateTimeFormat;
  knownFrom: number;
  knownUntil: number;
  offsetMs: number;
  readonly dayOffsets: Map<number, number>;
  readonly hourOffsets: Map<number, number>;
}

const zones = new Map<string, ZoneState>();
// INVARIANT: zone names come from requests; the cache is bounded so no input can grow it forever.
const MAX_CACHED_ZONES = 1_024;

const unknownZones = new Set<string>();

function zoneState(timeZone: string): ZoneState {
  const cached = zones.get(timeZone);
  if (cached) return cached;
  if (unknownZones.has(timeZone)) throw unknownTimeZone(timeZone);
  const format = createFormat(timeZone);
  if (zones.size >= MAX_CACHED_ZONES) zones.clear();
  const state: ZoneState = {
    format,
    knownFrom: 0,
    knownUntil: 0,
    offsetMs: 0,
    dayOffsets: new Map(),
    hourOffsets: new Map(),
  };
  zones.set(timeZone, state);
  return state;
}

function createFormat(timeZone: string): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      era: "short",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
  } catch {
    if (unknownZones.size >= MAX_CACHED_ZONES) unknownZones.clear();
    unknownZones.add(timeZone);
    throw unknownTimeZone(timeZone);
  }
}

function unknownTimeZone(timeZone: string): EvaluationError {
  return new EvaluationError(`unknown time zone ${quoteUserText(timeZone)}`);
}

/** The message for an unknown time zone, or undefined when Intl knows `timeZone`. */
export function validateTimeZone(timeZone: string): string | undefined {
  try {
    zoneState(timeZone);
    return undefined;
  } catch (error) {
    return error instanceof EvaluationError ? error.message : unknownTimeZone(timeZone).message;
  }
}

/** The UTC offset of `format`'s zone at `wholeSecondMs` (a whole number of seconds), from Intl. */
function offsetFromIntl(format: Intl.DateTimeFormat, wholeSecondMs: number): number {
  let year = 0;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let beforeCommonEra = false;
  for (const part of format.formatToParts(wholeSecondMs)) {
    switch (part.type) {
      case "year":
        year = Number(part.value);
        break;
      case "month":
        month = Number(part.value);
        break;
      case "day":
        day = Number(part.value);
        break;
      case "hour":
        hour = Number(part.value) % 24;
        break;
      case "minute":
        minute = Number(part.value);
        break;
      case "second":
        second = Number(part.value);
        break;
      case "era":
        beforeCommonEra = part.value === "BC" || part.value === "B";
        break;
      default:
        break;
    }
  }
  if (beforeCommonEra) year = 1 - year;
  const local =
    daysFromCivil(year, month, day) * MS_PER_DAY + hour * MS_PER_HOUR + minute * MS_PER_MINUTE + second * MS_PER_SECOND;
  return local - wholeSecondMs;
}

/** Throws unless `ms` is a time Intl can place in a calendar. */
export function checkTimeInRange(ms: number): void {
  if (!(ms >= -MAX_TIME_MS && ms <= MAX_TIME_MS)) {
    throw new EvaluationError(`time ${quoteUserText(String(ms))} is out of range`);
  }
}

/**
 * The wall-clock time in `timeZone` at instant `ms`, as milliseconds since 1970-01-01T00:00
 * of that wall clock (so calendar fields follow by plain arithmetic). Throws
 * {@link EvaluationError} for an unknown zone or a time out of range.
 */
export function wallClockMs(ms: number, timeZone: string): number {
  const zone = zoneState(timeZone);
  checkTimeInRange(ms);
  if (ms >= zone.knownFrom && ms < zone.knownUntil) return ms + zone.offsetMs;
  if (knowStretch(zone, zone.dayOffsets, ms, MS_PER_DAY) || knowStretch(zone, zone.hourOffsets, ms, MS_PER_HOUR)) {
    return ms + zone.offsetMs;
  }
  return ms + offsetFromIntl(zone.format, Math.floor(ms / MS_PER_SECOND) * MS_PER_SECOND);
}

/** Makes the stretch of `length` around `ms` the zone's known one, if one offset holds along it. */
function knowStretch(zone: ZoneState, offsets: Map<number, number>, ms: number, length: number): boolean {
  const index = Math.floor(ms / length);
  const offset = offsets.get(index) ?? constantOffset(zone, offsets, index, length);
  if (Number.isNaN(offset)) return false;
  zone.knownFrom = index * length;
  zone.knownUntil = zone.knownFrom + length;
  zone.offsetMs = offset;
  return true;
}

// INVARIANT: bounds the per-zone caches of day and hour offsets.
const MAX_CACHED_STRETCHES = 4_096;

/**
 * The offset that holds along the whole stretch `[index * length, (index + 1) * length)`, or
 * NaN when it changes inside; remembered in `offsets`.
 * INVARIANT: no zone changes its offset twice within one UTC day, so equal offsets at both
 * ends of a day (or an hour) mean the offset holds all along it.
 */
function constantOffset(zone: ZoneState, offsets: Map<number, number>, index: number, length: number): number {
  const start = Math.max(index * length, -MAX_TIME_MS);
  const end = Math.min(start + length, MAX_TIME_MS + 1);
  const lastSecond = Math.floor((end - 1) / MS_PER_SECOND) * MS_PER_SECOND;
  const atStart = offsetFromIntl(zone.format, start);
  const offset = atStart === offsetFromIntl(zone.format, lastSecond) ? atStart : Number.NaN;
  if (offsets.size >= MAX_CACHED_STRETCHES) offsets.clear();
  offsets.set(index, offset);
  return offset;
}

/** `value` modulo `divisor`, always in `[0, divisor)` (JavaScript's `%` keeps the sign). */
export function floorMod(value: number, divisor: number): number {
  const remainder = value % divisor;
  // `+ 0` turns -0 into 0, so `hour_of` never answers -0.
  return remainder < 0 ? remainder + divisor : remainder + 0;
}
