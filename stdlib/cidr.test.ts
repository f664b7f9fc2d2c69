import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCidr, parseIpAddress, parseIpv4Number } from "./cidr.js";
import { EvaluationError } from "./errors.js";
import { cidrMatch } from "./functions.js";

describe("cidr_match on IPv4", () => {
  it("matches inside the range and not outside", () => {
    expect(cidrMatch("10.1.2.3", "10.0.0.0/8")).toBe(true);
    expect(cidrMatch("11.0.0.0", "10.0.0.0/8")).toBe(false);
    expect(cidrMatch("192.168.1.255", "192.168.1.0/24")).toBe(true);
    expect(cidrMatch("192.168.2.0", "192.168.1.0/24")).toBe(false);
    expect(cidrMatch("172.31.255.255", "172.16.0.0/12")).toBe(true);
    expect(cidrMatch("172.32.0.0", "172.16.0.0/12")).toBe(false);
  });

  it("treats /0 as every address and /32 as one", () => {
    expect(cidrMatch("255.255.255.255", "0.0.0.0/0")).toBe(true);
    expect(cidrMatch("0.0.0.0", "0.0.0.0/0")).toBe(true);
    expect(cidrMatch("10.0.0.1", "10.0.0.1/32")).toBe(true);
    expect(cidrMatch("10.0.0.2", "10.0.0.1/32")).toBe(false);
    expect(cidrMatch("10.0.0.1", "10.0.0.1")).toBe(true);
  });

  it("ignores host bits set after the prefix", () => {
    expect(cidrMatch("10.200.0.1", "10.0.0.1/8")).toBe(true);
  });
});

describe("cidr_match on IPv6", () => {
  it("matches compressed and full forms alike", () => {
    expect(cidrMatch("2001:db8::1", "2001:db8::/32")).toBe(true);
    expect(cidrMatch("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::/32")).toBe(true);
    expect(cidrMatch("2001:db9::1", "2001:db8::/32")).toBe(false);
    expect(cidrMatch("2001:DB8::1", "2001:db8::/32")).toBe(true);
    expect(cidrMatch("fe80::1", "fe80::/10")).toBe(true);
    expect(cidrMatch("febf:ffff::1", "fe80::/10")).toBe(true);
    expect(cidrMatch("fec0::1", "fe80::/10")).toBe(false);
  });

  it("treats /0 as every address and /128 as one", () => {
    expect(cidrMatch("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "::/0")).toBe(true);
    expect(cidrMatch("::1", "::1/128")).toBe(true);
    expect(cidrMatch("::2", "::1/128")).toBe(false);
    expect(cidrMatch("::", "::/128")).toBe(true);
  });

  it("matches IPv4-mapped addresses against IPv4 ranges and back", () => {
    expect(cidrMatch("::ffff:10.1.2.3", "10.0.0.0/8")).toBe(true);
    expect(cidrMatch("::ffff:a01:203", "10.0.0.0/8")).toBe(true);
    expect(cidrMatch("::ffff:11.1.2.3", "10.0.0.0/8")).toBe(false);
    expect(cidrMatch("10.1.2.3", "::ffff:10.0.0.0/104")).toBe(true);
    expect(cidrMatch("10.1.2.3", "::ffff:0:0/96")).toBe(true);
    expect(cidrMatch("10.1.2.3", "::/0")).toBe(true);
    expect(cidrMatch("10.1.2.3", "2001:db8::/32")).toBe(false);
    // An IPv4-compatible (not mapped) address is not the IPv4 address.
    expect(cidrMatch("::10.1.2.3", "10.0.0.0/8")).toBe(false);
    expect(cidrMatch("2001:db8::1", "0.0.0.0/0")).toBe(false);
  });
});

describe("malformed addresses and ranges", () => {
  it.each([
    "10.0.0",
    "10.0.0.256",
    "10.0.0.01",
    "10.0.0.1.2",
    "",
    " 10.0.0.1",
    "1::2::3",
    "1:2:3:4:5:6:7:8:9",
    "1:2:3:4:5:6:7",
    "12345::",
    "fe80::1%eth0",
    "::ffff:10.0.0.256",
    "1.2.3.4::",
    ":::",
    "g::1",
  ])("refuses the address %j with an EvaluationError", (ip) => {
    expect(() => cidrMatch(ip, "0.0.0.0/0")).toThrow(new EvaluationError(`invalid IP address \`${ip}\``));
  });

  it.each([
    ["10.0.0.0/33", "invalid CIDR `10.0.0.0/33`: the prefix length 33 is more than 32"],
    ["::/129", "invalid CIDR `::/129`: the prefix length 129 is more than 128"],
    ["10.0.0.0/", "invalid CIDR `10.0.0.0/`: the prefix length `` is not a number"],
    ["10.0.0.0/08", "invalid CIDR `10.0.0.0/08`: the prefix length `08` is not a number"],
    ["10.0.0.0/-1", "invalid CIDR `10.0.0.0/-1`: the prefix length `-1` is not a number"],
    ["10.0.0/8", "invalid CIDR `10.0.0/8`: `10.0.0` is not an IPv4 or IPv6 address"],
    ["10.0.0.0/8/8", "invalid CIDR `10.0.0.0/8/8`: the prefix length `8/8` is not a number"],
  ])("refuses the range %j, saying why", (cidr, message) => {
    expect(parseCidr(cidr)).toEqual({ ok: false, message });
    expect(() => cidrMatch("10.0.0.1", cidr)).toThrow(new EvaluationError(message));
  });
});

// A straightforward reference: addresses as 128-bit BigInts, IPv4 mapped into ::ffff:0:0/96.
function referenceMatch(ip: bigint, range: bigint, prefixBits: number): boolean {
  const shift = BigInt(128 - prefixBits);
  return ip >> shift === range >> shift;
}

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255));
const ipv6 = fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 });
const mappedBase = 0xffffn << 32n;

function ipv4Value([a, b, c, d]: [number, number, number, number]): bigint {
  return mappedBase | BigInt(((a << 24) >>> 0) + (b << 16) + (c << 8) + d);
}

function ipv6Value(groups: number[]): bigint {
  return groups.reduce((value, group) => (value << 16n) | BigInt(group), 0n);
}

/** An IPv6 text for `groups`, compressing the longest run of zeros (when `compress`) like RFC 5952. */
function ipv6Text(groups: number[], compress: boolean): string {
  const hex = groups.map((group) => group.toString(16));
  if (!compress) return hex.join(":");
  let bestStart = -1;
  let bestLength = 0;
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === 0) length++;
    if (length > bestLength) [bestStart, bestLength] = [start, length];
  }
  if (bestLength === 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

describe("cidr_match against a BigInt reference", () => {
  it("agrees on IPv4 addresses and ranges", () => {
    fc.assert(
      fc.property(ipv4, ipv4, fc.integer({ min: 0, max: 32 }), (ip, range, length) => {
        const expected = referenceMatch(ipv4Value(ip), ipv4Value(range), 96 + length);
        expect(cidrMatch(ip.join("."), `${range.join(".")}/${length}`)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it("agrees on IPv4 ranges that share a prefix with the address", () => {
    fc.assert(
      fc.property(ipv4, fc.integer({ min: 0, max: 32 }), fc.nat(31), (ip, length, flippedBit) => {
        const ipValue = ipv4Value(ip);
        const rangeValue = ipValue ^ (1n << BigInt(flippedBit));
        const range = [24, 16, 8, 0].map((shift) => Number((rangeValue >> BigInt(shift)) & 0xffn)).join(".");
        expect(cidrMatch(ip.join("."), `${range}/${length}`)).toBe(referenceMatch(ipValue, rangeValue, 96 + length));
      }),
      { numRuns: 500 },
    );
  });

  it("agrees on IPv6 addresses and ranges, compressed or not", () => {
    fc.assert(
      fc.property(
        ipv6,
        fc.integer({ min: 0, max: 128 }),
        fc.nat(127),
        fc.boolean(),
        fc.boolean(),
        (groups, length, flippedBit, compressIp, compressRange) => {
          const ipValue = ipv6Value(groups);
          const rangeValue = ipValue ^ (1n << BigInt(flippedBit));
          const rangeGroups = [...Array(8).keys()].map((index) =>
            Number((rangeValue >> BigInt(16 * (7 - index))) & 0xffffn),
          );
          const cidr = `${ipv6Text(rangeGroups, compressRange)}/${length}`;
          expect(cidrMatch(ipv6Text(groups, compressIp), cidr)).toBe(referenceMatch(ipValue, rangeValue, length));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("agrees when an IPv4 address meets an IPv6 range and an IPv4-mapped address an IPv4 range", () => {
    fc.assert(
      fc.property(ipv4, fc.integer({ min: 0, max: 128 }), fc.nat(127), (ip, length, flippedBit) => {
        const ipValue = ipv4Value(ip);
        const rangeValue = ipValue ^ (1n << BigInt(flippedBit));
        const rangeGroups = [...Array(8).keys()].map((index) =>
          Number((rangeValue >> BigInt(16 * (7 - index))) & 0xffffn),
        );
        expect(cidrMatch(ip.join("."), `${ipv6Text(rangeGroups, true)}/${length}`)).toBe(
          referenceMatch(ipValue, rangeValue, length),
        );
        if (length <= 32) {
          expect(cidrMatch(`::ffff:${ip.join(".")}`, `${ip.join(".")}/${length}`)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("parses every address it prints back to the same groups", () => {
    fc.assert(
      fc.property(ipv6, fc.boolean(), (groups, compress) => {
        expect(parseIpAddress(ipv6Text(groups, compress))?.groups).toEqual(groups);
      }),
    );
  });
});

describe("parseIpv4Number", () => {
  // A reference reading of dotted IPv4: four decimal octets 0-255, no leading zeros.
  function referenceIpv4(text: string): number {
    const match = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/.exec(text);
    const octets = match?.slice(1).map(Number);
    if (!octets || octets.some((octet) => octet > 255)) return -1;
    return octets.reduce((value, octet) => value * 256 + octet, 0);
  }

  it("agrees with a regular-expression reading of dotted text", () => {
    const dotted = fc.oneof(
      ipv4.map((octets) => octets.join(".")),
      fc.string({ unit: fc.constantFrom("0", "1", "2", "5", "9", ".", "a"), maxLength: 16 }),
    );
    fc.assert(
      fc.property(dotted, (text) => {
        expect(parseIpv4Number(text)).toBe(referenceIpv4(text));
      }),
      { numRuns: 1000 },
    );
  });
});

describe("IPv6 text", () => {
  it("reads mixed and compressed forms", () => {
    expect(parseIpAddress("1:2:3:4:5:6:1.2.3.4")?.groups).toEqual([1, 2, 3, 4, 5, 6, 0x102, 0x304]);
    expect(parseIpAddress("::")?.groups).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(parseIpAddress("1::")?.groups).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    expect(parseIpAddress("1:2:3:4:5:6:7::")?.groups).toEqual([1, 2, 3, 4, 5, 6, 7, 0]);
    expect(parseIpAddress("::2:3:4:5:6:7:8")?.groups).toEqual([0, 2, 3, 4, 5, 6, 7, 8]);
    expect(parseIpAddress("1:2::7:8")?.groups).toEqual([1, 2, 0, 0, 0, 0, 7, 8]);
    expect(parseIpAddress("::ffff:1.2.3.4")?.groups).toEqual([0, 0, 0, 0, 0, 0xffff, 0x102, 0x304]);
  });

  it.each([
    "1:2:3:4:5:6:7:",
    ":1::2",
    "1:",
    "::1:",
    "1:::2",
    "1:2:3:4:5:6:7:8::",
    "::1:2:3:4:5:6:7:8",
    "1:2:3:4:5:6:7:1.2.3.4",
    "::1.2.3",
    "::1.2.3.4:5",
    "00000::",
    ":",
  ])("refuses %j", (text) => {
    expect(parseIpAddress(text)).toBeUndefined();
  });
});
