import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EvaluationError } from "./errors.js";
import {
  contains,
  dateOf,
  endsWith,
  hourOf,
  lengthOf,
  lower,
  minuteOf,
  startsWith,
  timeOf,
  upper,
  weekdayOf,
} from "./functions.js";

const at = (iso: string): number => Date.parse(iso);

describe("hour_of and minute_of", () => {
  it("reads the wall clock of the zone", () => {
    expect(hourOf(at("2026-01-05T10:30:00Z"), "UTC")).toBe(10);
    expect(hourOf(at("2026-01-05T10:30:00Z"), "Europe/Paris")).toBe(11);
    expect(hourOf(at("2026-01-05T10:30:00Z"), "America/New_York")).toBe(5);
    expect(minuteOf(at("2026-01-05T10:30:00Z"), "Asia/Kolkata")).toBe(0);
    expect(hourOf(at("2026-01-05T10:30:00Z"), "Asia/Kolkata")).toBe(16);
    expect(minuteOf(at("2026-01-05T10:30:00Z"), "Asia/Kathmandu")).toBe(15);
  });

  it("jumps from 02:00 to 03:00 when Paris springs forward (2026-03-29 01:00 UTC)", () => {
    const transition = at("2026-03-29T01:00:00Z");
    expect(hourOf(transition - 1, "Europe/Paris")).toBe(1);
    expect(minuteOf(transition - 1, "Europe/Paris")).toBe(59);
    expect(hourOf(transition, "Europe/Paris")).toBe(3);
    expect(minuteOf(transition, "Europe/Paris")).toBe(0);
  });

  it("repeats 02:00-03:00 when Paris falls back (2026-10-25 01:00 UTC)", () => {
    const transition = at("2026-10-25T01:00:00Z");
    expect(hourOf(transition - 1, "Europe/Paris")).toBe(2);
    expect(hourOf(transition, "Europe/Paris")).toBe(2);
    expect(hourOf(at("2026-10-25T00:30:00Z"), "Europe/Paris")).toBe(2);
    expect(hourOf(at("2026-10-25T01:30:00Z"), "Europe/Paris")).toBe(2);
    expect(hourOf(at("2026-10-25T02:00:00Z"), "Europe/Paris")).toBe(3);
  });

  it("handles a zone whose transition falls inside a UTC hour (Lord Howe, 30-minute DST)", () => {
    // Australia/Lord_Howe: +10:30 standard, +11:00 summer; 2026-04-05 02:00 local → 01:30.
    const transition = at("2026-04-04T15:00:00Z");
    expect(`${hourOf(transition - 1, "Australia/Lord_Howe")}:${minuteOf(transition - 1, "Australia/Lord_Howe")}`).toBe(
      "1:59",
    );
    expect(`${hourOf(transition, "Australia/Lord_Howe")}:${minuteOf(transition, "Australia/Lord_Howe")}`).toBe("1:30");
  });

  it("agrees with Intl on random instants and zones, in any order of calls", () => {
    const zones = [
      "Europe/Paris",
      "America/Sao_Paulo",
      "Australia/Lord_Howe",
      "Asia/Kathmandu",
      "Pacific/Chatham",
      "UTC",
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) }),
        fc.constantFrom(...zones),
        (ms, zone) => {
          const parts = new Intl.DateTimeFormat("en-US", {
            timeZone: zone,
            hourCycle: "h23",
            hour: "numeric",
            minute: "numeric",
            weekday: "short",
            year: "numeric",
            month: "2-digit",
            day: "2-digit",
          }).formatToParts(ms);
          const part = (type: string) => parts.find((p) => p.type === type)?.value;
          expect(hourOf(ms, zone)).toBe(Number(part("hour")) % 24);
          expect(minuteOf(ms, zone)).toBe(Number(part("minute")));
          expect(weekdayOf(ms, zone)).toBe(
            ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(part("weekday") ?? "") + 1,
          );
          expect(dateOf(ms, zone)).toBe(`${part("year")}-${part("month")}-${part("day")}`);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("the offset cache", () => {
  const intlWallClock = (ms: number, zone: string): string =>
    new Intl.DateTimeFormat("en-CA", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "numeric",
      minute: "numeric",
    })
      .format(ms)
      .replace(",", "");
  const ourWallClock = (ms: number, zone: string): string =>
    `${dateOf(ms, zone)} ${String(hourOf(ms, zone)).padStart(2, "0")}:${String(minuteOf(ms, zone)).padStart(2, "0")}`;

  it.each([
    ["Europe/Paris", "2026-03-28T12:00:00Z"],
    ["Europe/Paris", "2026-10-24T12:00:00Z"],
    ["America/Sao_Paulo", "2018-11-03T12:00:00Z"],
    ["Australia/Lord_Howe", "2026-04-04T00:00:00Z"],
    ["Pacific/Apia", "2011-12-29T12:00:00Z"],
    ["America/St_Johns", "2026-03-07T12:00:00Z"],
  ])("agrees with Intl every 15 minutes over two days in %s from %s, forwards and backwards", (zone, from) => {
    const start = Date.parse(from);
    const instants = Array.from({ length: 2 * 96 }, (_, step) => start + step * 15 * 60_000);
    for (const ms of [...instants, ...instants.reverse()]) {
      expect(ourWallClock(ms, zone), new Date(ms).toISOString()).toBe(intlWallClock(ms, zone));
    }
  });
});

describe("weekday_of", () => {
  it("numbers days the ISO way: Monday 1, Sunday 7", () => {
    expect(weekdayOf(at("2026-01-05T12:00:00Z"), "UTC")).toBe(1);
    expect(weekdayOf(at("2026-01-11T12:00:00Z"), "UTC")).toBe(7);
    expect(weekdayOf(at("1970-01-01T00:00:00Z"), "UTC")).toBe(4);
    expect(weekdayOf(at("1969-12-28T23:59:59Z"), "UTC")).toBe(7);
  });

  it("changes day at local midnight, not UTC midnight", () => {
    // Sunday 23:30 UTC is already Monday in Paris and still Sunday in New York.
    const sundayNight = at("2026-01-11T23:30:00Z");
    expect(weekdayOf(sundayNight, "Europe/Paris")).toBe(1);
    expect(weekdayOf(sundayNight, "America/New_York")).toBe(7);
    expect(weekdayOf(at("2026-01-11T22:59:59.999Z"), "Europe/Paris")).toBe(7);
    expect(weekdayOf(at("2026-01-11T23:00:00Z"), "Europe/Paris")).toBe(1);
  });
});

describe("date_of", () => {
  it("gives the local calendar date", () => {
    expect(dateOf(at("2026-01-05T10:00:00Z"), "UTC")).toBe("2026-01-05");
    expect(dateOf(at("2025-12-31T23:30:00Z"), "Europe/Paris")).toBe("2026-01-01");
    expect(dateOf(at("2026-01-01T03:00:00Z"), "America/Los_Angeles")).toBe("2025-12-31");
    expect(dateOf(at("2024-02-29T12:00:00Z"), "UTC")).toBe("2024-02-29");
    expect(dateOf(at("1969-12-31T23:59:59.999Z"), "UTC")).toBe("1969-12-31");
  });
});

describe("time zones and times that cannot be evaluated", () => {
  it("throws an EvaluationError naming an unknown zone", () => {
    expect(() => hourOf(0, "Mars/Base")).toThrow(new EvaluationError("unknown time zone `Mars/Base`"));
    expect(() => weekdayOf(0, "")).toThrow(EvaluationError);
    expect(() => dateOf(0, " Europe/Paris")).toThrow(EvaluationError);
  });

  it("throws for a time outside the calendar", () => {
    expect(() => hourOf(Number.NaN, "UTC")).toThrow(/time `NaN` is out of range/);
    expect(() => hourOf(9e15, "UTC")).toThrow(EvaluationError);
    expect(() => hourOf(Number.POSITIVE_INFINITY, "UTC")).toThrow(EvaluationError);
  });

  it("still answers at the edges of the calendar", () => {
    expect(dateOf(8.64e15, "UTC")).toBe("+275760-09-13");
    expect(hourOf(-8.64e15, "UTC")).toBe(0);
  });
});

describe("time", () => {
  it("parses ISO-8601 with an offset into epoch milliseconds", () => {
    expect(timeOf("2026-01-05T10:00:00Z")).toBe(Date.UTC(2026, 0, 5, 10));
    expect(timeOf("2026-01-05T11:00:00+01:00")).toBe(Date.UTC(2026, 0, 5, 10));
    expect(timeOf("2026-01-05T04:30-05:30")).toBe(Date.UTC(2026, 0, 5, 10));
    expect(timeOf("2026-01-05T10:00:00.123456789Z")).toBe(Date.UTC(2026, 0, 5, 10, 0, 0, 123));
    expect(timeOf("0001-01-01T00:00:00Z")).toBe(Date.parse("0001-01-01T00:00:00Z"));
  });

  it("refuses a time without an offset, saying how to fix it", () => {
    expect(() => timeOf("2026-01-05T10:00:00")).toThrow(
      new EvaluationError("invalid time `2026-01-05T10:00:00`: add a time zone offset such as `Z` or `+01:00`"),
    );
  });

  it("refuses impossible dates and malformed text", () => {
    expect(() => timeOf("2026-02-29T10:00:00Z")).toThrow(/day 29 is not in month 02 of 2026/);
    expect(() => timeOf("2026-13-01T10:00:00Z")).toThrow(/month 13/);
    expect(() => timeOf("2026-01-01T24:00:00Z")).toThrow(/hour 24/);
    expect(() => timeOf("2026-01-01T10:00:60Z")).toThrow(/second 60/);
    expect(() => timeOf("2026-01-01T10:00:00+24:00")).toThrow(/offset/);
    expect(() => timeOf("next tuesday")).toThrow(/expected an ISO-8601 time with an offset/);
    expect(() => timeOf("2026-01-01")).toThrow(EvaluationError);
    expect(() => timeOf(" 2026-01-05T10:00:00Z")).toThrow(EvaluationError);
  });

  it("agrees with Date.parse on every well-formed UTC time", () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date("0000-01-01T00:00:00Z"),
          max: new Date("9999-12-31T23:59:59Z"),
          noInvalidDate: true,
        }),
        (date) => {
          const iso = date.toISOString();
          expect(timeOf(iso)).toBe(date.getTime());
        },
      ),
    );
  });
});

describe("string functions", () => {
  it("tests prefixes, suffixes and parts", () => {
    expect(startsWith("repo/secrets", "repo/")).toBe(true);
    expect(startsWith("repo", "repo/")).toBe(false);
    expect(endsWith("report.pdf", ".pdf")).toBe(true);
    expect(endsWith("pdf", ".pdf")).toBe(false);
    expect(contains("production-db", "prod")).toBe(true);
    expect(contains("staging", "prod")).toBe(false);
    expect(contains("anything", "")).toBe(true);
  });

  it("changes case the same on every locale", () => {
    expect(lower("ÉCOLE Istanbul")).toBe("école istanbul");
    expect(upper("straße")).toBe("STRASSE");
    expect(lower("I")).toBe("i");
  });

  it("counts code points of strings and elements of lists", () => {
    expect(lengthOf("")).toBe(0);
    expect(lengthOf("abc")).toBe(3);
    expect(lengthOf("é😀x")).toBe(3);
    expect(lengthOf("\ud800")).toBe(1);
    expect(lengthOf("\ud800\ud800\udc00")).toBe(2);
    expect(lengthOf([1, 2, 3])).toBe(3);
    expect(lengthOf([])).toBe(0);
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (text) => {
        expect(lengthOf(text)).toBe([...text].length);
      }),
    );
  });
});
