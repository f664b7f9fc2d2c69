import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { EntityRef } from "./contract.js";
import { sameEntity } from "./entities.js";
import {
  durationFromJson,
  epochMsToIso,
  formatDuration,
  isoToEpochMs,
  listContains,
  parseDuration,
  recordsEqual,
  valuesEqual,
} from "./values.js";

describe("parseDuration", () => {
  it("reads every unit of the language", () => {
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("90s")).toBe(90_000);
    expect(parseDuration("15m")).toBe(900_000);
    expect(parseDuration("2h")).toBe(7_200_000);
    expect(parseDuration("7d")).toBe(604_800_000);
    expect(parseDuration("0s")).toBe(0);
  });

  it.each(["", "15", "15x", "1h30m", "-5m", "1.5h", " 15m", "15m ", "15M", "m", "99999999999999999999d"])(
    "refuses %j",
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );

  it("round-trips through formatDuration", () => {
    fc.assert(
      fc.property(fc.nat({ max: Number.MAX_SAFE_INTEGER }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
    );
    fc.assert(
      fc.property(fc.nat({ max: 10_000_000 }), fc.constantFrom("ms", "s", "m", "h", "d"), (count, unit) => {
        const ms = parseDuration(`${count}${unit}`);
        expect(ms).toBeDefined();
        expect(parseDuration(formatDuration(ms ?? -1))).toBe(ms);
      }),
    );
  });

  it("formats in the largest exact unit", () => {
    expect(formatDuration(900_000)).toBe("15m");
    expect(formatDuration(90_000)).toBe("90s");
    expect(formatDuration(86_400_000)).toBe("1d");
    expect(formatDuration(1_500)).toBe("1500ms");
    expect(formatDuration(0)).toBe("0s");
    expect(formatDuration(-60_000)).toBe("-1m");
  });
});

describe("durationFromJson", () => {
  it("takes strings like the language and numbers of seconds", () => {
    expect(durationFromJson("15m")).toBe(900_000);
    expect(durationFromJson(90)).toBe(90_000);
    expect(durationFromJson(1.5)).toBe(1_500);
    expect(durationFromJson(0)).toBe(0);
  });

  it("refuses anything else", () => {
    for (const value of [-1, Number.NaN, Number.POSITIVE_INFINITY, "15", null, undefined, true, {}, [], 1e300]) {
      expect(durationFromJson(value)).toBeUndefined();
    }
  });
});

describe("ISO times", () => {
  it("turns ISO-8601 with an offset into epoch ms and back to UTC", () => {
    expect(isoToEpochMs("2026-01-05T11:00:00+01:00")).toBe(Date.UTC(2026, 0, 5, 10));
    expect(isoToEpochMs("2026-01-05T10:00:00")).toBeUndefined();
    expect(epochMsToIso(Date.UTC(2026, 0, 5, 10))).toBe("2026-01-05T10:00:00.000Z");
  });
});

describe("valuesEqual", () => {
  it("compares records by their own fields, whatever they are named, in either order", () => {
    for (const name of ["toString", "constructor", "valueOf", "hasOwnProperty"]) {
      const plain = { n: 1 };
      const named = { n: 1, [name]: "x" };
      expect(valuesEqual(plain, named), name).toBe(false);
      expect(valuesEqual(named, plain), name).toBe(false);
      expect(valuesEqual(named, { [name]: "x", n: 1 }), name).toBe(true);
      expect(recordsEqual({ type: "Doc", id: "d" }, { type: "Doc", id: "d", [name]: "secret" }), name).toBe(false);
    }
  });

  it("compares primitives by value", () => {
    expect(valuesEqual(1, 1)).toBe(true);
    expect(valuesEqual("a", "a")).toBe(true);
    expect(valuesEqual("1", 1)).toBe(false);
    expect(valuesEqual(true, false)).toBe(false);
  });

  it("is false when either side is absent", () => {
    expect(valuesEqual(undefined, undefined)).toBe(false);
    expect(valuesEqual(null, 1)).toBe(false);
  });

  it("compares entities by type and id only", () => {
    expect(valuesEqual({ type: "User", id: "a", x: 1 }, { type: "User", id: "a" })).toBe(true);
    expect(valuesEqual({ type: "User", id: "a" }, { type: "User", id: "b" })).toBe(false);
    expect(valuesEqual({ type: "User", id: "a" }, { managed: true })).toBe(false);
  });

  it("compares lists and records structurally, absent fields equal to absent fields", () => {
    expect(valuesEqual([1, [2, 3]], [1, [2, 3]])).toBe(true);
    expect(valuesEqual([1, 2], [1, 2, 3])).toBe(false);
    expect(valuesEqual([1], { 0: 1 })).toBe(false);
    expect(valuesEqual({ managed: true, os: undefined }, { managed: true })).toBe(true);
    expect(valuesEqual({ managed: true }, { managed: true, os: "linux" })).toBe(false);
    expect(valuesEqual({ owner: { type: "User", id: "a", n: 1 } }, { owner: { type: "User", id: "a" } })).toBe(true);
    expect(valuesEqual({ a: { b: [1] } }, { a: { b: [2] } })).toBe(false);
  });

  it("is reflexive and symmetric on JSON values", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        if (a !== null) expect(valuesEqual(a, structuredClone(a))).toBe(true);
        expect(valuesEqual(a, b)).toBe(valuesEqual(b, a));
      }),
    );
  });
});

describe("listContains", () => {
  it("uses === by default and the given equality otherwise", () => {
    expect(listContains(["read", "write"], "read")).toBe(true);
    expect(listContains(["read", "write"], "deploy")).toBe(false);
    const alice: EntityRef = { type: "User", id: "alice" };
    const users: EntityRef[] = [{ type: "User", id: "alice", x: 1 } as EntityRef];
    expect(listContains(users, alice)).toBe(false);
    expect(listContains(users, alice, sameEntity)).toBe(true);
    expect(listContains([{ a: 1 }], { a: 1 }, valuesEqual)).toBe(true);
  });

  it("finds nothing for an absent list or value", () => {
    expect(listContains(undefined, "a")).toBe(false);
    expect(listContains(["a"], undefined)).toBe(false);
    expect(listContains([], "a")).toBe(false);
  });
});
