// IPv6 addresses: text ↔ value ↔ bytes. Values are 128-bit bigints so prefix math is plain
// arithmetic. Parsing accepts every form of RFC 4291 §2.2 plus a zone (RFC 4007 §11);
// formatting is the canonical form of RFC 5952 §4–5.
import { err, ok, problem } from '../lib/result.ts';
import type { Result } from '../lib/result.ts';
import { allowsZone } from './kind.ts';

/** An IPv6 address; `zone` is the interface (or zone index) of a non-global address. */
export interface Address {
  readonly value: bigint;
  readonly zone?: string;
}

export const ADDRESS_BITS = 128;
export const MAX_ADDRESS = (1n << 128n) - 1n;

/** Shows operator input in a message: bare when printable, quoted when empty or spaced. */
export function showText(text: string): string {
  return text === '' || /[\s"\\]|[^\x21-\x7e]/.test(text) ? JSON.stringify(text) : text;
}

const IPV4_TEXT = /^\d{1,3}(\.\d{1,3}){3}$/;

/** True when `text` is dotted-quad IPv4, which we refuse with a message saying so. */
export function looksLikeIpv4(text: string): boolean {
  return IPV4_TEXT.test(text);
}

/**
 * How a parse failure is worded: `<subject> is not <what>: <reason>`. Prefix and endpoint
 * parsers pass their whole input as the subject so the message names what the operator typed.
 */
export interface Wording {
  readonly subject: string;
  readonly what: string;
}

function fail(w: Wording, code: string, reason: string) {
  return err(problem(code, `${showText(w.subject)} is not ${w.what}: ${reason}`));
}

/**
 * Parses an IPv6 address with an optional zone (`fe80::1%eth0`). A zone is accepted only on
 * non-global addresses (RFC 4007 §11.1: meaningless for global ones, not used for loopback).
 */
export function parseAddress(text: string): Result<Address> {
  return parseAddressWorded(text, { subject: text, what: 'an IPv6 address' });
}

/** `parseAddress` with the failure wording of a larger form (a prefix, an endpoint). */
export function parseAddressWorded(text: string, w: Wording): Result<Address> {
  if (w.subject === '') return err(problem('empty', `an empty string is not ${w.what}`));
  if (text === '') return fail(w, 'empty', 'the address part is empty');
  if (text.trim() !== text) return fail(w, 'whitespace', 'it has leading or trailing whitespace');
  if (text.startsWith('[')) return fail(w, 'unexpected-brackets', 'brackets belong in URLs; write the address without them');
  if (text.includes('/')) return fail(w, 'unexpected-length', 'it has a /length; an address without one is required');
  const percent = text.indexOf('%');
  const body = percent < 0 ? text : text.slice(0, percent);
  if (looksLikeIpv4(body)) {
    return err(problem('not-ipv6', `${body} is an IPv4 address; an IPv6 address is required`));
  }
  const value = parseBody(w, body);
  if (!value.ok) return value;
  if (percent < 0) return ok({ value: value.value });
  const zone = text.slice(percent + 1);
  const zoneProblem = checkZone(zone);
  if (zoneProblem !== undefined) return fail(w, 'bad-zone', zoneProblem);
  if (!allowsZone(value.value)) {
    return fail(
      w,
      'zone-not-allowed',
      `a zone (%${zone}) belongs only on a non-global address such as fe80::/10 or ff02::/16 (RFC 4007 §11.1)`,
    );
  }
  return ok({ value: value.value, zone });
}

/** Why `zone` cannot name an interface, or undefined. Linux interface names: 1–15 bytes, no `/`, `:` or spaces. */
function checkZone(zone: string): string | undefined {
  if (zone === '') return 'the zone after % is empty';
  if (zone.length > 15) return `the zone ${showText(zone)} is longer than the 15 characters an interface name may have`;
  if (/[\s/:%]/.test(zone)) return `the zone ${showText(zone)} contains a character an interface name cannot have`;
  return undefined;
}

/** Parses the part before any zone into a value. */
function parseBody(w: Wording, body: string): Result<bigint> {
  const bad = /[^0-9a-fA-F:.]/.exec(body);
  if (bad !== null) return fail(w, 'bad-character', `${JSON.stringify(bad[0])} is not a hex digit, ":" or "."`);
  if (body.includes(':::')) return fail(w, 'bad-compression', 'it has ":::"; "::" stands for the zero groups');
  const first = body.indexOf('::');
  if (first >= 0 && body.indexOf('::', first + 1) >= 0) {
    return fail(w, 'bad-compression', '"::" may appear only once');
  }
  if (!body.includes(':')) return fail(w, 'too-few-groups', 'it has no ":"');
  const head = first < 0 ? body : body.slice(0, first);
  const tail = first < 0 ? '' : body.slice(first + 2);
  // A dotted IPv4 part may only end the whole address (RFC 4291 §2.2 form 3).
  const headGroups = parseGroups(w, head, first < 0 ? 'last-allowed' : 'not-last');
  if (!headGroups.ok) return headGroups;
  const tailGroups = parseGroups(w, tail, 'last-allowed');
  if (!tailGroups.ok) return tailGroups;
  const count = headGroups.value.length + tailGroups.value.length;
  if (first < 0) {
    if (count < 8) return fail(w, 'too-few-groups', `it has ${count} groups of 16 bits; 8 are needed without "::"`);
    if (count > 8) return fail(w, 'too-many-groups', `it has ${count} groups of 16 bits; an address has 8`);
  } else if (count > 7) {
    return fail(w, 'too-many-groups', `it has ${count} groups of 16 bits besides "::", which must stand for at least one`);
  }
  let value = 0n;
  headGroups.value.forEach((g, i) => (value |= BigInt(g) << BigInt(112 - 16 * i)));
  const n = tailGroups.value.length;
  tailGroups.value.forEach((g, i) => (value |= BigInt(g) << BigInt(16 * (n - 1 - i))));
  return ok(value);
}

/** The 16-bit groups of one side of "::" (or of a whole uncompressed address). */
function parseGroups(w: Wording, side: string, ipv4: 'last-allowed' | 'not-last'): Result<number[]> {
  if (side === '') return ok([]);
  const parts = side.split(':');
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const g = parts[i]!;
    if (g === '') return fail(w, 'empty-group', 'it has an empty group (a single ":" at the start or end)');
    if (g.includes('.')) {
      if (ipv4 === 'not-last' || i !== parts.length - 1) {
        return fail(w, 'bad-ipv4-tail', `the dotted IPv4 part ${g} may only end the address`);
      }
      const v4 = parseIpv4Tail(g);
      if (typeof v4 === 'string') return fail(w, 'bad-ipv4-tail', v4);
      groups.push(v4 >>> 16, v4 & 0xffff);
    } else if (g.length > 4) {
      return fail(w, 'group-too-long', `the group ${g} has more than 4 hex digits`);
    } else {
      groups.push(parseInt(g, 16));
    }
  }
  return ok(groups);
}

/**
 * A dotted-quad tail as a 32-bit number, or why not. Leading zeros are refused: some parsers
 * read them as octal (RFC 6943 §3.1.1), so their meaning is ambiguous.
 */
function parseIpv4Tail(g: string): number | string {
  const parts = g.split('.');
  if (parts.length !== 4) return `the IPv4 part ${g} needs four dotted numbers`;
  let v = 0;
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return `the IPv4 part ${g} has ${showText(p)}, not a decimal 0–255 without leading zeros`;
    const n = Number(p);
    if (n > 255) return `the IPv4 part ${g} has ${p}, above 255`;
    v = v * 256 + n;
  }
  return v;
}

/** The value of an address given either way. */
export function valueOf(a: Address | bigint): bigint {
  return typeof a === 'bigint' ? a : a.value;
}

/** RFC 5952 canonical text, with `%zone` when the address has one. */
export function formatAddress(a: Address | bigint): string {
  const text = formatValue(valueOf(a));
  return typeof a !== 'bigint' && a.zone !== undefined ? `${text}%${a.zone}` : text;
}

/**
 * The canonical text of `text` (`2001:DB8:0::1` → `2001:db8::1`, a zone kept), or undefined when
 * it is not an IPv6 address: for callers that compare or store addresses as text and skip what
 * does not parse, where a caller that reports the failure calls `parseAddress` itself.
 */
export function tryCanonicalAddress(text: string): string | undefined {
  const r = parseAddress(text);
  return r.ok ? formatAddress(r.value) : undefined;
}

function formatValue(v: bigint): string {
  // RFC 5952 §5: IPv4-mapped addresses keep their IPv4 part in dotted form.
  if (v >> 32n === 0xffffn) return `::ffff:${formatIpv4(Number(v & 0xffffffffn))}`;
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((v >> BigInt(16 * i)) & 0xffffn));
  const run = longestZeroRun(groups);
  const hex = groups.map((g) => g.toString(16));
  if (run === undefined) return hex.join(':');
  return `${hex.slice(0, run.start).join(':')}::${hex.slice(run.start + run.length).join(':')}`;
}

/**
 * The run of zero groups to compress (RFC 5952 §4.2): the longest, the first on a tie, and
 * never a single group (§4.2.2).
 */
function longestZeroRun(groups: readonly number[]): { start: number; length: number } | undefined {
  let best: { start: number; length: number } | undefined;
  let i = 0;
  while (i < groups.length) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i >= 2 && (best === undefined || j - i > best.length)) best = { start: i, length: j - i };
    i = j;
  }
  return best;
}

export function formatIpv4(v: number): string {
  return [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff].join('.');
}

/** The address held in 16 bytes at `offset` (network byte order). */
export function addressFromBytes(bytes: Uint8Array, offset = 0): Address {
  if (offset < 0 || offset + 16 > bytes.length) {
    throw new RangeError(`an IPv6 address needs 16 bytes at offset ${offset}; only ${bytes.length - offset} remain`);
  }
  let v = 0n;
  for (let i = 0; i < 16; i++) v = (v << 8n) | BigInt(bytes[offset + i]!);
  return { value: v };
}

/** The 16 bytes of an address, network byte order. */
export function addressToBytes(a: Address | bigint): Uint8Array {
  let v = valueOf(a);
  const out = new Uint8Array(16);
  for (let i = 15; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** Formats 16 bytes at `offset` as RFC 5952 canonical text. */
export function formatAddressBytes(bytes: Uint8Array, offset = 0): string {
  return formatValue(addressFromBytes(bytes, offset).value);
}

/** The 16 bytes of an IPv6 address in text form (no zone, no prefix), or undefined if it is not one. */
export function addressBytes(text: string): Uint8Array | undefined {
  if (text.includes('%')) return undefined;
  const parsed = parseAddress(text);
  return parsed.ok ? addressToBytes(parsed.value) : undefined;
}
