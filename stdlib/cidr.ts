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
  /** How the range meets IPv4 addresses, precomputed so matching one needs no parsing into groups. */
  readonly ipv4: Ipv4Match;
}

/** Every IPv4 address is in the range, none is, or those whose bits under `mask` equal `network`. */
export type Ipv4Match =
  { readonly kind: "all" | "none" } | { readonly kind: "prefix"; readonly network: number; readonly mask: number };

/** The result of parsing a CIDR: the range, or why the text is not one. */
export type CidrResult =
  { readonly ok: true; readonly range: CidrRange } | { readonly ok: false; readonly message: string };

const IPV4_MAPPED_PREFIX_BITS = 96;
const PREFIX_LENGTH = /^(0|[1-9][0-9]{0,2})$/;

/**
 * A dotted IPv4 address as an unsigned 32-bit number, or -1 when `text` is not one (octets
 * 0-255 without leading zeros). Scans characters without allocating: it is the hot path.
 */
export function parseIpv4Number(text: string): number {
  let value = 0;
  let octet = -1;
  let digits = 0;
  let dots = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code >= 48 && code <= 57) {
      if (digits > 0 && octet === 0) return -1;
      octet = digits === 0 ? code - 48 : octet * 10 + (code - 48);
      digits++;
      if (octet > 255) return -1;
    } else if (code === 46) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + octet;
      dots++;
      digits = 0;
      octet = -1;
    } else {
      return -1;
    }
  }
  if (digits === 0 || dots !== 3) return -1;
  return value * 256 + octet;
}

/**
 * The eight groups of an IPv6 address (RFC 4291 text: `::` once for one or more zero groups,
 * an optional dotted IPv4 tail), or undefined. Scans characters once: it is the hot path.
 */
function parseIpv6Groups(text: string): number[] | undefined {
  const length = text.length;
  const groups = [0, 0, 0, 0, 0, 0, 0, 0];
  let count = 0;
  let gapAt = -1;
  let index = 0;
  if (text.startsWith("::")) {
    gapAt = 0;
    index = 2;
  }
  while (index < length) {
    const tokenStart = index;
    let value = 0;
    let digits = 0;
    for (; index < length && digits <= 4; index++) {
      const digit = hexDigit(text.charCodeAt(index));
      if (digit === -1) break;
      value = value * 16 + digit;
      digits++;
    }
    if (digits > 4) return undefined;
    if (index < length && text.charCodeAt(index) === DOT) {
      const ipv4 = count <= 6 ? parseIpv4Number(text.slice(tokenStart)) : -1;
      if (ipv4 === -1) return undefined;
      groups[count++] = Math.floor(ipv4 / 65536);
      groups[count++] = ipv4 % 65536;
      break;
    }
    if (digits === 0 || count === 8) return undefined;
    groups[count++] = value;
    if (index === length) break;
    if (text.charCodeAt(index++) !== COLON || index === length) return undefined;
    if (text.charCodeAt(index) === COLON) {
      if (gapAt !== -1) return undefined;
      gapAt = count;
      index++;
    }
  }
  if (gapAt === -1) return count === 8 ? groups : undefined;
  if (count > 7) return undefined;
  const tail = count - gapAt;
  for (let moved = 0; moved < tail; moved++) groups[7 - moved] = groups[count - 1 - moved] ?? 0;
  for (let zero = gapAt; zero < 8 - tail; zero++) groups[zero] = 0;
  return groups;
}

const DOT = 46;
const COLON = 58;

function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}

/** Parses an IPv4 (`10.0.0.1`) or IPv6 (`2001:db8::1`, `::ffff:10.0.0.1`) address, or undefined. */
export function parseIpAddress(text: string): IpAddress | undefined {
  if (text.includes(":")) {
    const groups = parseIpv6Groups(text);
    return groups ? { groups, isIpv4: false } : undefined;
  }
  const ipv4 = parseIpv4Number(text);
  if (ipv4 === -1) return undefined;
  return { groups: [0, 0, 0, 0, 0, 0xffff, Math.floor(ipv4 / 65536), ipv4 % 65536], isIpv4: true };
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
  return { ok: true, range: { address, prefixBits, ipv4: ipv4Match(address, prefixBits) } };
}

const IPV4_MAPPED_ZERO: IpAddress = { groups: [0, 0, 0, 0, 0, 0xffff, 0, 0], isIpv4: true };

function ipv4Match(address: IpAddress, prefixBits: number): Ipv4Match {
  const inMappedSpace = rangeContains(
    { address, prefixBits: Math.min(prefixBits, IPV4_MAPPED_PREFIX_BITS) },
    IPV4_MAPPED_ZERO,
  );
  if (!inMappedSpace) return { kind: "none" };
  if (prefixBits <= IPV4_MAPPED_PREFIX_BITS) return { kind: "all" };
  const bits = prefixBits - IPV4_MAPPED_PREFIX_BITS;
  const mask = bits === 32 ? 0xffffffff : ~(0xffffffff >>> bits) >>> 0;
  const network = ((((address.groups[6] ?? 0) << 16) | (address.groups[7] ?? 0)) & mask) >>> 0;
  return { kind: "prefix", network, mask };
}

/** Whether IPv4 address `ipv4` (as from {@link parseIpv4Number}) is in `range`. */
export function rangeContainsIpv4(range: CidrRange, ipv4: number): boolean {
  const match = range.ipv4;
  if (match.kind === "prefix") return (ipv4 & match.mask) >>> 0 === match.network;
  return match.kind === "all";
}

/** Whether the first `range.prefixBits` bits of `address` equal those of the range. */
export function rangeContains(range: Pick<CidrRange, "address" | "prefixBits">, address: IpAddress): boolean {
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
