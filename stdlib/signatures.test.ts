import { describe, expect, it } from "vitest";
import * as functions from "./functions.js";
import * as stdlib from "./index.js";
import {
  formatSignature,
  stdlibFunctionNames,
  stdlibSignature,
  stdlibSignatures,
  validateCidr,
  validateIsoTime,
  validateTimeZone,
} from "./signatures.js";

describe("stdlibSignatures", () => {
  it("lists every function of the language reference once", () => {
    expect(stdlibFunctionNames).toEqual([
      "hour_of",
      "minute_of",
      "weekday_of",
      "date_of",
      "time",
      "cidr_match",
      "starts_with",
      "ends_with",
      "contains",
      "lower",
      "upper",
      "length",
    ]);
  });

  it("names an implementation exported by agp/stdlib with one parameter per argument", () => {
    for (const signature of stdlibSignatures) {
      const implementation = (stdlib as Record<string, unknown>)[signature.exportName];
      expect(implementation, signature.name).toBe(functions[signature.exportName]);
      expect(typeof implementation === "function" && implementation.length, signature.name).toBe(
        signature.parameters.length,
      );
    }
  });

  it("validates the constant time zone, CIDR and time arguments", () => {
    const validated = stdlibSignatures.flatMap((signature) =>
      signature.parameters.filter((p) => p.validateConstant).map((p) => `${signature.name}.${p.name}`),
    );
    expect(validated).toEqual([
      "hour_of.tz",
      "minute_of.tz",
      "weekday_of.tz",
      "date_of.tz",
      "time.text",
      "cidr_match.cidr",
    ]);
  });

  it("reads as a signature in messages", () => {
    const hourOf = stdlibSignature("hour_of");
    expect(hourOf && formatSignature(hourOf)).toBe("hour_of(time: time, tz: string): number");
    const length = stdlibSignature("length");
    expect(length && formatSignature(length)).toBe("length(value: string | [any]): number");
    expect(stdlibSignature("hour")).toBeUndefined();
  });
});

describe("constant validators", () => {
  it("accepts IANA zones and refuses others", () => {
    expect(validateTimeZone("Europe/Paris")).toBeUndefined();
    expect(validateTimeZone("UTC")).toBeUndefined();
    expect(validateTimeZone("Mars/Base")).toBe("unknown time zone `Mars/Base`");
    expect(validateTimeZone("")).toBe("unknown time zone ``");
  });

  it("accepts CIDRs and says what is wrong with others", () => {
    expect(validateCidr("10.0.0.0/8")).toBeUndefined();
    expect(validateCidr("2001:db8::/32")).toBeUndefined();
    expect(validateCidr("10.0.0.0/40")).toBe("invalid CIDR `10.0.0.0/40`: the prefix length 40 is more than 32");
  });

  it("accepts ISO times with an offset only", () => {
    expect(validateIsoTime("2026-01-01T00:00:00Z")).toBeUndefined();
    expect(validateIsoTime("2026-01-01")).toMatch(/^invalid time `2026-01-01`: expected an ISO-8601 time/);
  });
});
