/**
 * The built-in functions a policy may call, implemented once. Generated modules import
 * them by their export names (listed per function in `stdlibSignatures`); each throws
 * {@link EvaluationError} on a bad value, which generated `decide` turns into a deny.
 * Times are epoch milliseconds.
 */
import { cidrRange, ipAddress, parseIpv4Number, rangeContains, rangeContainsIpv4 } from "./cidr.js";
import { EvaluationError } from "./errors.js";
import {
  civilDateString,
  floorMod,
  MS_PER_DAY,
  MS_PER_HOUR,
  MS_PER_MINUTE,
  parseIsoTime,
  wallClockMs,
} from "./time.js";

/** `hour_of(time, tz)`: the hour (0-23) on the wall clocks of time zone `timeZone` at `time`. */
export function hourOf(time: number, timeZone: string): number {
  return Math.floor(floorMod(wallClockMs(time, timeZone), MS_PER_DAY) / MS_PER_HOUR);
}

/** `minute_of(time, tz)`: the minute (0-59) on the wall clocks of `timeZone` at `time`. */
export function minuteOf(time: number, timeZone: string): number {
  return Math.floor(floorMod(wallClockMs(time, timeZone), MS_PER_HOUR) / MS_PER_MINUTE);
}

/** `weekday_of(time, tz)`: the ISO weekday in `timeZone` at `time`, 1 = Monday … 7 = Sunday. */
export function weekdayOf(time: number, timeZone: string): number {
  const days = Math.floor(wallClockMs(time, timeZone) / MS_PER_DAY);
  // 1970-01-01 was a Thursday (ISO 4).
  return floorMod(days + 3, 7) + 1;
}

/** `date_of(time, tz)`: the calendar date in `timeZone` at `time`, as `YYYY-MM-DD`. */
export function dateOf(time: number, timeZone: string): string {
  return civilDateString(Math.floor(wallClockMs(time, timeZone) / MS_PER_DAY));
}

/**
 * `time(text)`: the instant of an ISO-8601 time with an offset (`2026-01-05T10:00:00Z`),
 * in epoch milliseconds. Named `timeOf` because `time` is a type of the language.
 */
export function timeOf(text: string): number {
  const parsed = parseIsoTime(text);
  if (!parsed.ok) throw new EvaluationError(parsed.message);
  return parsed.ms;
}

/**
 * `cidr_match(ip, cidr)`: whether address `ip` lies in range `cidr`. IPv4 and IPv6; an IPv4
 * address is also its IPv4-mapped IPv6 form `::ffff:a.b.c.d`, so `::ffff:10.0.0.1` is in
 * `10.0.0.0/8`, `10.0.0.1` is in `::ffff:0:0/96`, and `::/0` holds every address.
 */
export function cidrMatch(ip: string, cidr: string): boolean {
  const range = cidrRange(cidr);
  const ipv4 = parseIpv4Number(ip);
  return ipv4 === -1 ? rangeContains(range, ipAddress(ip)) : rangeContainsIpv4(range, ipv4);
}

/** `starts_with(text, prefix)`. */
export function startsWith(text: string, prefix: string): boolean {
  return text.startsWith(prefix);
}

/** `ends_with(text, suffix)`. */
export function endsWith(text: string, suffix: string): boolean {
  return text.endsWith(suffix);
}

/** `contains(text, part)`: whether `part` occurs in `text` (the empty string occurs everywhere). */
export function contains(text: string, part: string): boolean {
  return text.includes(part);
}

/** `lower(text)`: `text` in lower case, the same on every locale. */
export function lower(text: string): string {
  return text.toLowerCase();
}

/** `upper(text)`: `text` in upper case, the same on every locale. */
export function upper(text: string): string {
  return text.toUpperCase();
}

/**
 * `length(value)`: the number of elements of a list, or of Unicode code points of a string
 * (so `"é"` and `"😀"` both have length 1, whatever their UTF-16 length).
 */
export function lengthOf(value: string | readonly unknown[]): number {
  if (typeof value !== "string") return value.length;
  let codePoints = value.length;
  for (let index = 0; index < value.length - 1; index++) {
    const unit = value.charCodeAt(index);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = value.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        codePoints--;
        index++;
      }
    }
  }
  return codePoints;
}
