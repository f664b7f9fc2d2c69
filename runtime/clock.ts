/**
 * Time for the runtime. Every decision, grant and audit entry reads the time from a
 * {@link Clock}, so tests drive time with a {@link VirtualClock} instead of sleeping.
 */

/** A source of the current time in epoch milliseconds. */
export interface Clock {
  now(): number;
}

/** The wall clock: what a service uses. */
export const systemClock: Clock = { now: () => Date.now() };

const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds of a duration given as milliseconds or as agp duration text (`90s`, `15m`, `2h`). */
export function durationMs(duration: number | string): number {
  if (typeof duration === "number") return duration;
  const match = DURATION.exec(duration.trim());
  if (!match) throw new RangeError(`bad duration \`${duration}\``);
  return Number(match[1]) * (UNIT_MS[match[2] ?? ""] ?? Number.NaN);
}

/** A clock that only moves when told to; tests use it to expire grants and slide windows. */
export class VirtualClock implements Clock {
  private current: number;

  constructor(start: number | string | Date = "2026-01-05T10:00:00Z") {
    this.current = typeof start === "number" ? start : new Date(start).getTime();
  }

  now(): number {
    return this.current;
  }

  /** Moves time forward by `duration` (milliseconds or `10m`-style text). */
  advance(duration: number | string): void {
    this.current += durationMs(duration);
  }

  /** Sets the time, forwards or backwards. */
  set(time: number | string | Date): void {
    this.current = typeof time === "number" ? time : new Date(time).getTime();
  }
}

/** A virtual clock starting at `start` (default 2026-01-05T10:00:00Z, a Monday morning). */
export function virtualClock(start?: number | string | Date): VirtualClock {
  return new VirtualClock(start);
}
