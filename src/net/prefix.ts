// IPv6 prefixes (RFC 4291 §2.3): text form and the arithmetic IPAM and the planners need.
import { err, ok, problem } from '../lib/result.ts';
import type { Result } from '../lib/result.ts';
import { formatAddress, looksLikeIpv4, MAX_ADDRESS, parseAddressWorded, showText, valueOf } from './address.ts';
import type { Address } from './address.ts';
import { formatPrefixAt, writeAddress } from './address-bytes.ts';

/** Scratch bytes for one prefix; every use fills and reads it without a call in between. */
const SCRATCH = new Uint8Array(16);
const SCRATCH_VIEW = new DataView(SCRATCH.buffer);

/** A prefix; `network` has no bits set beyond `length`. */
export interface Prefix {
  readonly network: bigint;
  readonly length: number;
}

export interface InterfaceAddress {
  readonly address: Address;
  readonly prefix: Prefix;
}

function maskOf(length: number): bigint {
  return ((1n << BigInt(length)) - 1n) << BigInt(128 - length);
}

function sizeOf(length: number): bigint {
  return 1n << BigInt(128 - length);
}

// Every prefix operation needs one of these; a table saves two BigInt conversions and shifts
// per call (IPAM and the planners make hundreds of thousands of calls at fleet scale).
const MASKS: readonly bigint[] = Array.from({ length: 129 }, (_, n) => maskOf(n));
const SIZES: readonly bigint[] = Array.from({ length: 129 }, (_, n) => sizeOf(n));

/** The bits covered by the first `length` bits. */
export function prefixMask(length: number): bigint {
  return MASKS[length] ?? maskOf(length);
}

/** The number of addresses in a /length. */
export function prefixSize(length: number): bigint {
  return SIZES[length] ?? sizeOf(length);
}

/** The prefix of `length` bits that holds `a` (host bits cleared). */
export function prefixOf(a: Address | bigint, length: number): Prefix {
  return { network: valueOf(a) & prefixMask(length), length };
}

/** The last address inside `p`. */
export function lastAddress(p: Prefix): bigint {
  return p.network + prefixSize(p.length) - 1n;
}

export function formatPrefix(p: Prefix): string {
  const v = p.network;
  // Out of range is no address; formatAddress decides what such a value prints as.
  if (v < 0n || v > MAX_ADDRESS) return `${formatAddress(v)}/${p.length}`;
  SCRATCH_VIEW.setBigUint64(0, v >> 64n);
  SCRATCH_VIEW.setBigUint64(8, BigInt.asUintN(64, v));
  return formatPrefixAt(SCRATCH, 0, p.length);
}

/**
 * The canonical text of a prefix with any host bits cleared (`2001:DB8::1/64` → `2001:db8::/64`),
 * or undefined when `text` is not `address/length`: the skip-what-does-not-parse counterpart of
 * `parsePrefix(text, { strict: false })`.
 */
export function tryCanonicalPrefix(text: string): string | undefined {
  const length = writePrefix(text, SCRATCH, 0);
  return length < 0 ? undefined : formatPrefixAt(SCRATCH, 0, length);
}

// --- Fast paths through 16 bytes ---------------------------------------------------------------
// IPAM and the desired state of a 10,000-host fleet parse and format ~110,000 prefixes; through
// the 128-bit bigint of address.ts that is ~2 µs each way. These go through the byte codec of
// address-bytes.ts instead (~0.15 µs), which itself hands any uncommon form (a dotted IPv4
// tail, a malformed text) to address.ts, so the answers are the same; property tests hold them
// to parsePrefix and formatAddress.

/** The length after the `/` at `from` when splitLength would accept it (`0`–`128`, no leading zero), else -1. */
function lengthFrom(text: string, from: number): number {
  const end = text.length;
  if (end - from < 1 || end - from > 3) return -1;
  let length = 0;
  for (let i = from; i < end; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9 || (i > from && length === 0)) return -1;
    length = length * 10 + digit;
  }
  return length <= 128 ? length : -1;
}

/** Clears the bits beyond `length` of the 16 bytes at `offset`. */
function clearHostBits(bytes: Uint8Array, offset: number, length: number): void {
  const whole = length >> 3;
  if (whole >= 16) return;
  bytes[offset + whole]! &= 0xff & (0xff00 >> (length & 7));
  bytes.fill(0, offset + whole + 1, offset + 16);
}

/**
 * Writes the network of `address/length` text (host bits cleared) as 16 bytes at `offset` and
 * returns the length; -1 exactly where `parsePrefix(text, { strict: false })` fails (the bytes
 * are then of no use). No error wording: parsePrefix says why.
 */
export function writePrefix(text: string, into: Uint8Array, offset: number): number {
  const length = writeAsWritten(text, into, offset);
  if (length >= 0) clearHostBits(into, offset, length);
  return length;
}

/** writePrefix with the host bits left as written. */
function writeAsWritten(text: string, into: Uint8Array, offset: number): number {
  const slash = text.indexOf('/');
  if (slash < 0) return -1;
  const length = lengthFrom(text, slash + 1);
  // writeAddress refuses what parseAddressWorded refuses, and a %zone besides (as parsePrefix does).
  return length >= 0 && writeAddress(text.slice(0, slash), into, offset) ? length : -1;
}

/** Whether the bits beyond `length` of the 16 bytes at `offset` are all zero. */
function hostBitsClear(bytes: Uint8Array, offset: number, length: number): boolean {
  const whole = length >> 3;
  if (whole >= 16) return true;
  if ((bytes[offset + whole]! & (0xff >> (length & 7))) !== 0) return false;
  for (let i = offset + whole + 1; i < offset + 16; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** The 128-bit value of the 16 bytes at `offset` of `view` (network byte order), from two 64-bit reads. */
export function valueAt(view: DataView, offset: number): bigint {
  return (view.getBigUint64(offset) << 64n) | view.getBigUint64(offset + 8);
}

/** Splits `addr/len`, checking the length; the address part is left to the caller. */
function splitLength(text: string, what: string): Result<{ addressText: string; length: number }> {
  const slash = text.indexOf('/');
  if (slash < 0) {
    return err(problem('missing-length', `${showText(text)} has no prefix length; write it as ${showText(text)}/length`));
  }
  const addressText = text.slice(0, slash);
  const lengthText = text.slice(slash + 1);
  if (lengthText.includes('/')) {
    return err(problem('bad-length', `${showText(text)} is not ${what}: it has more than one "/"`));
  }
  if (!/^(0|[1-9]\d{0,2})$/.test(lengthText)) {
    return err(problem('bad-length', `${showText(text)} is not ${what}: the length ${showText(lengthText)} is not a decimal number 0–128`));
  }
  const length = Number(lengthText);
  if (length > 128) {
    return err(problem('bad-length', `${showText(text)} is not ${what}: the length ${length} is above 128`));
  }
  return ok({ addressText, length });
}

export interface ParsePrefixOptions {
  /** Refuse host bits beyond the length (the default); when false they are cleared. */
  readonly strict?: boolean;
}

/**
 * Parses `network/length`. Strict by default, because `2001:db8::1/64` where a prefix is expected
 * is usually a mistake; use `parseInterfaceAddress` for an address with its on-link prefix.
 * A zone is refused: RFC 4007 §11.7 allows `fe80::%2/64`, but nothing we configure needs it.
 */
export function parsePrefix(text: string, options: ParsePrefixOptions = {}): Result<Prefix> {
  const length = writeAsWritten(text, SCRATCH, 0);
  if (length >= 0 && (options.strict === false || hostBitsClear(SCRATCH, 0, length))) {
    clearHostBits(SCRATCH, 0, length);
    return ok({ network: valueAt(SCRATCH_VIEW, 0), length });
  }
  return parsePrefixWorded(text, options);
}

/** parsePrefix through address.ts, which words every failure. */
function parsePrefixWorded(text: string, options: ParsePrefixOptions): Result<Prefix> {
  if (text === '') return err(problem('empty', 'an empty string is not an IPv6 prefix'));
  if (text.trim() !== text) {
    return err(problem('whitespace', `${showText(text)} is not an IPv6 prefix: it has leading or trailing whitespace`));
  }
  const split = splitLength(text, 'an IPv6 prefix');
  if (!split.ok) return split;
  const { addressText, length } = split.value;
  if (looksLikeIpv4(addressText)) {
    return err(problem('not-ipv6', `${text} is an IPv4 prefix; an IPv6 prefix is required`));
  }
  if (addressText.includes('%')) {
    return err(problem('zone-not-allowed', `${text} is not an IPv6 prefix: a prefix takes no %zone`));
  }
  const address = parseAddressWorded(addressText, { subject: text, what: 'an IPv6 prefix' });
  if (!address.ok) return address;
  const network = address.value.value & prefixMask(length);
  if (network !== address.value.value && options.strict !== false) {
    const fixed = formatPrefix({ network, length });
    return err(problem('host-bits-set', `${text} has bits set beyond /${length}; the prefix is ${fixed}`));
  }
  return ok({ network, length });
}

/** Parses an interface address with its on-link prefix, `2001:db8::1/64` or `fe80::1%eth0/64`. */
export function parseInterfaceAddress(text: string): Result<InterfaceAddress> {
  if (text === '') return err(problem('empty', 'an empty string is not an interface address'));
  const split = splitLength(text, 'an interface address');
  if (!split.ok) return split;
  const address = parseAddressWorded(split.value.addressText, { subject: text, what: 'an interface address' });
  if (!address.ok) return address;
  return ok({ address: address.value, prefix: prefixOf(address.value, split.value.length) });
}

export function formatInterfaceAddress(ia: InterfaceAddress): string {
  return `${formatAddress(ia.address)}/${ia.prefix.length}`;
}

function isPrefix(x: Prefix | Address | bigint): x is Prefix {
  return typeof x !== 'bigint' && 'network' in x;
}

/** Whether `outer` holds the whole of `inner` (an address or a prefix). */
export function contains(outer: Prefix, inner: Prefix | Address | bigint): boolean {
  if (isPrefix(inner)) {
    return inner.length >= outer.length && (inner.network & prefixMask(outer.length)) === outer.network;
  }
  return (valueOf(inner) & prefixMask(outer.length)) === outer.network;
}

/** Two prefixes overlap exactly when one contains the other. */
export function overlaps(a: Prefix, b: Prefix): boolean {
  return a.length <= b.length ? contains(a, b) : contains(b, a);
}

export function samePrefix(a: Prefix, b: Prefix): boolean {
  return a.network === b.network && a.length === b.length;
}

/** Orders by network, then shorter first: the order of a routing table dump. */
export function comparePrefixes(a: Prefix, b: Prefix): number {
  if (a.network !== b.network) return a.network < b.network ? -1 : 1;
  return a.length - b.length;
}

/** How many /newLength subnets `p` holds (0 when newLength is shorter than p). */
export function subnetCount(p: Prefix, newLength: number): bigint {
  if (!Number.isInteger(newLength)) return 0n;
  return newLength < p.length || newLength > 128 ? 0n : 1n << BigInt(newLength - p.length);
}

/** The `n`th (from 0) /newLength subnet of `p`. */
export function nthSubnet(p: Prefix, newLength: number, n: bigint | number): Result<Prefix> {
  if (typeof n === 'number' && !Number.isSafeInteger(n)) {
    return err(problem('out-of-range', `subnet number ${n} is not a whole number`));
  }
  const index = BigInt(n);
  const count = subnetCount(p, newLength);
  if (count === 0n) {
    return err(problem('bad-length', `${formatPrefix(p)} has no /${newLength} subnets; the length must be ${p.length}–128`));
  }
  if (index < 0n || index >= count) {
    return err(problem('out-of-range', `${formatPrefix(p)} has ${count} /${newLength} subnets, numbered 0–${count - 1n}; ${index} is outside that`));
  }
  return ok({ network: p.network + index * prefixSize(newLength), length: newLength });
}

/**
 * The lowest /newLength subnet of `parent` that overlaps none of `used`, or undefined when none
 * is left. Sorts `used` once and walks it: O(n log n), whatever the mix of lengths.
 */
export function nextFreeSubnet(parent: Prefix, newLength: number, used: readonly Prefix[]): Prefix | undefined {
  if (subnetCount(parent, newLength) === 0n) return undefined;
  const sorted = used.filter((u) => overlaps(u, parent)).sort(comparePrefixes);
  const network = firstGap(parent, newLength, sorted.map((u) => ({ start: u.network, end: lastAddress(u) })));
  return network === undefined ? undefined : { network, length: newLength };
}

/** A closed range of addresses. */
interface Span {
  readonly start: bigint;
  readonly end: bigint;
}

/** The first aligned /newLength network in `parent` clear of every span; `spans` sorted by start. */
function firstGap(parent: Prefix, newLength: number, spans: readonly Span[]): bigint | undefined {
  const size = prefixSize(newLength);
  const parentEnd = lastAddress(parent);
  let candidate = parent.network;
  for (const s of spans) {
    if (s.end < candidate) continue;
    if (s.start > candidate + size - 1n) break;
    // Align up past this span: candidates are multiples of the subnet size.
    candidate = ((s.end + size) / size) * size;
    if (candidate > parentEnd) return undefined;
  }
  return candidate + size - 1n <= parentEnd ? candidate : undefined;
}
