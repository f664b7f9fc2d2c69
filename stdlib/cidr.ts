/**
 * IP addresses and CIDR ranges for `cidr_match`. Both IPv4 and IPv6 are held as eight
 * 16-bit groups of the IPv6 space, IPv4 as its IPv4-mapped form `::ffff:a.b.c.d`, so
 * an IPv4 address matches an IPv4 range whichever way either is written.
 */
import { EvaluationError, quoteUserText } from "./errors.js";

/** An address as eight 16-bit groups of the IPv6 space; IPv4 is IPv4-mapped. */
export interface IpAddress {
  readonly groups: readonly number[];
  /** Written in dotted IPv4 form (so a prefix length counts from bit 96). */
  readonly isIpv4: boolean;
}

/** A CIDR range: its address and the number of leading bits (in the IPv6 space) that must match. */
export interface CidrRange {
  readonly address: IpAddress;
  readonly prefixBits: number;
}

/** The result of parsing a CIDR: the range, or why the text is not one. */
export type CidrResult =
  { readonly ok: true; readonly range: CidrRange } | { readonly ok: false; readonly message: string };

const IPV4_MAPPED_PREFIX_BITS = 96;
const DECIMAL_OCTET = /^(0|[1-9][0-9]{0,2})$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;
const PREFIX_LENGTH = /^(0|[1-9][0-9]{0,2})$/;

/** The four octets of a dotted IPv4 address (no leading zeros), or undefined. */
function parseIpv4Octets(text: string): number[] | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const octets: number[] = [];
  for (const part of parts) {
    if (!DECIMAL_OCTET.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    octets.push(octet);
  }
  return octets;
}

function parseIpv6Groups(text: string): number[] | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const head = parseGroupList(halves[0] ?? "", halves.length === 1);
  const tail = halves.length === 2 ? parseGroupList(halves[1] ?? "", true) : [];
  if (!head || !tail) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

/** Colon-separated groups; when `mayEndInIpv4`, the last may be a dotted IPv4 (two groups). */
function parseGroupList(text: string, mayEndInIpv4: boolean): number[] | undefined {
  if (text === "") return [];
  const parts = text.split(":");
  const groups: number[] = [];
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index] ?? "";
    if (HEX_GROUP.test(part)) {
      groups.push(parseInt(part, 16));
      continue;
    }
    const octets = mayEndInIpv4 && index === parts.length - 1 ? parseIpv4Octets(part) : undefined;
    if (!octets) return undefined;
    groups.push(((octets[0] ?? 0) << 8) | (octets[1] ?? 0), ((octets[2] ?? 0) << 8) | (octets[3] ?? 0));
  }
  return groups;
}

/** Parses an IPv4 (`10.0.0.1`) or IPv6 (`2001:db8::1`, `::ffff:10.0.0.1`) address, or undefined. */
export function parseIpAddress(text: string): IpAddress | undefined {
  if (text.includes(":")) {
    const groups = parseIpv6Groups(text);
    return groups ? { groups, isIpv4: false } : undefined;
  }
  const octets = parseIpv4Octets(text);
  if (!octets) return undefined;
  const [a = 0, b = 0, c = 0, d = 0] = octets;
  return {
    groups: [0, 0, 0, 0, 0, 0xffff, (a << 8) | b, (c << 8) | d],
    isIpv4: true,
  };
}

/**
 * Parses a CIDR range (`10.0.0.0/8`, `2001:db8::/32`); a bare address is the range of
 * that one address. Host bits after the prefix may be set (`10.0.0.1/8` is `10.0.0.0/8`).
 */
export function parseCidr(text: string): CidrResult {
  const slash = text.indexOf("/");
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const address = parseIpAddress(addressText);
  const invalid = (why: string): CidrResult => ({
    ok: false,
    message: `invalid CIDR ${quoteUserText(text)}: ${why}`,
  });
  if (!address) return invalid(`${quoteUserText(addressText)} is not an IPv4 or IPv6 address`);
  const maxLength = address.isIpv4 ? 32 : 128;
  let length = maxLength;
  if (slash !== -1) {
    const lengthText = text.slice(slash + 1);
    if (!PREFIX_LENGTH.test(lengthText))
      return invalid(`the prefix length ${quoteUserText(lengthText)} is not a number`);
    length = Number(lengthText);
    if (length > maxLength) return invalid(`the prefix length ${length} is more than ${maxLength}`);
  }
  const prefixBits = address.isIpv4 ? IPV4_MAPPED_PREFIX_BITS + length : length;
  return { ok: true, range: { address, prefixBits } };
}

/** Whether the first `range.prefixBits` bits of `address` equal those of the range. */
export function rangeContains(range: CidrRange, address: IpAddress): boolean {
  for (let group = 0; group < 8; group++) {
    const bits = range.prefixBits - group * 16;
    if (bits <= 0) return true;
    const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
    if ((((address.groups[group] ?? 0) ^ (range.address.groups[group] ?? 0)) & mask) !== 0) return false;
  }
  return true;
}

const ranges = new Map<string, CidrRange>();
// INVARIANT: CIDR texts may come from requests; the cache is bounded so no input grows it forever.
const MAX_CACHED_RANGES = 1_024;

/** The parsed range of `text`, cached (ranges are usually policy constants). Throws {@link EvaluationError}. */
export function cidrRange(text: string): CidrRange {
  const cached = ranges.get(text);
  if (cached) return cached;
  const parsed = parseCidr(text);
  if (!parsed.ok) throw new EvaluationError(parsed.message);
  if (ranges.size >= MAX_CACHED_RANGES) ranges.clear();
  ranges.set(text, parsed.range);
  return parsed.range;
}

/** The parsed address of `text`. Throws {@link EvaluationError} when it is not an IP address. */
export function ipAddress(text: string): IpAddress {
  const address = parseIpAddress(text);
  if (!address) throw new EvaluationError(`invalid IP address ${quoteUserText(text)}`);
  return address;
}
