// IPv6 address text ↔ the 16 bytes a netlink attribute carries, on the hot path of route dumps
// and batches (110,000 routes, two addresses each). src/net/address.ts does the same through a
// 128-bit bigint, which costs ~2 µs an address; this works on 16-bit groups as plain numbers.
// Only the common form takes the fast path: anything else (a dotted IPv4 tail, an IPv4-mapped
// value, a malformed text) goes through src/net/address.ts, which also words the errors. A
// property test holds both to the same answers.
import { addressBytes, formatAddressBytes } from './address.ts';

/**
 * Writes the 16 bytes of the address `text` (no zone, no /length) at `offset`; false when it is
 * not an IPv6 address (nothing useful is written then).
 */
export function writeAddress(text: string, into: Uint8Array, offset: number): boolean {
  if (writeHexColon(text, into, offset)) return true;
  const slow = addressBytes(text);
  if (slow === undefined) return false;
  into.set(slow, offset);
  return true;
}

/**
 * The hex-and-colons form (RFC 4291 §2.2 forms 1 and 2) in one pass over the character codes:
 * no regular expression, split or parseInt, since a 110,000-route batch parses 220,000 of
 * these. False for anything it cannot decide alone (a dotted tail included).
 */
function writeHexColon(text: string, into: Uint8Array, offset: number): boolean {
  const n = text.length;
  if (n < 2 || n > 39) return false;
  const g = GROUPS;
  let count = 0;
  /** Where `::` stands in the groups, or -1. */
  let gap = -1;
  let i = 0;
  if (text.charCodeAt(0) === COLON) {
    if (text.charCodeAt(1) !== COLON) return false;
    gap = 0;
    i = 2;
  }
  while (i < n) {
    let value = 0;
    let digits = 0;
    for (; i < n && digits <= 4; i++) {
      const d = hexDigit(text.charCodeAt(i));
      if (d < 0) break;
      value = (value << 4) | d;
      digits++;
    }
    if (digits === 0 || digits > 4 || count === 8) return false;
    g[count++] = value;
    if (i === n) break;
    if (text.charCodeAt(i) !== COLON) return false;
    i++;
    if (i < n && text.charCodeAt(i) === COLON) {
      if (gap >= 0) return false;
      gap = count;
      i++;
    } else if (i === n) return false;
  }
  if (gap < 0 ? count !== 8 : count > 7) return false;
  const zeros = 8 - count;
  for (let k = 0, out = offset; k < 8; k++, out += 2) {
    const v = gap < 0 || k < gap ? g[k]! : k < gap + zeros ? 0 : g[k - zeros]!;
    into[out] = v >> 8;
    into[out + 1] = v & 0xff;
  }
  return true;
}

const COLON = 0x3a;

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/** RFC 5952 canonical text of the 16 bytes at `offset` (network byte order). */
export function formatAddressAt(bytes: Uint8Array, offset: number): string {
  if (isMapped(bytes, offset)) return formatAddressBytes(bytes, offset);
  return TEXT.toString('latin1', 0, writeText(bytes, offset, 0));
}

/** `address/length` in canonical text, the address being the 16 bytes at `offset`, as one flat string. */
export function formatPrefixAt(bytes: Uint8Array, offset: number, length: number): string {
  if (isMapped(bytes, offset)) return `${formatAddressBytes(bytes, offset)}/${length}`;
  let n = writeText(bytes, offset, 0);
  TEXT[n++] = SLASH;
  if (length >= 100) TEXT[n++] = DIGIT_0 + Math.floor(length / 100);
  if (length >= 10) TEXT[n++] = DIGIT_0 + (Math.floor(length / 10) % 10);
  TEXT[n++] = DIGIT_0 + (length % 10);
  return TEXT.toString('latin1', 0, n);
}

/** RFC 5952 §5: an IPv4-mapped address keeps its dotted tail; src/net knows how. */
function isMapped(b: Uint8Array, o: number): boolean {
  for (let i = 0; i < 10; i++) if (b[o + i] !== 0) return false;
  return b[o + 10] === 0xff && b[o + 11] === 0xff;
}

/**
 * Writes the canonical text into TEXT from `at`, returning where it ends. The characters go
 * into a scratch buffer and come out as one flat string: a string built by `+=` is a rope that
 * V8 flattens again when it is first hashed, and a dump's texts are all Map keys.
 */
function writeText(bytes: Uint8Array, offset: number, at: number): number {
  const g = GROUPS;
  for (let i = 0; i < 8; i++) g[i] = (bytes[offset + 2 * i]! << 8) | bytes[offset + 2 * i + 1]!;
  // §4.2: compress the longest run of two or more zero groups, the first on a tie.
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  // §4.3: lowercase hex; §4.1: no leading zeros.
  let n = at;
  let colon = false;
  for (let i = 0; i < 8; i++) {
    if (i === bestAt) {
      TEXT[n++] = COLON;
      TEXT[n++] = COLON;
      i += bestLen - 1;
      colon = false;
      continue;
    }
    if (colon) TEXT[n++] = COLON;
    const v = g[i]!;
    if (v >= 0x1000) TEXT[n++] = HEX[v >> 12]!;
    if (v >= 0x100) TEXT[n++] = HEX[(v >> 8) & 0xf]!;
    if (v >= 0x10) TEXT[n++] = HEX[(v >> 4) & 0xf]!;
    TEXT[n++] = HEX[v & 0xf]!;
    colon = true;
  }
  return n;
}

const GROUPS = new Uint16Array(8);
/** Room for the longest address text (39) and a `/128`. */
const TEXT = Buffer.alloc(48);
const HEX = Buffer.from('0123456789abcdef', 'latin1');
const SLASH = 0x2f;
const DIGIT_0 = 0x30;
