// IPv6 address text ↔ the 16 bytes a netlink attribute carries, on the hot path of route dumps
// and batches (110,000 routes, two addresses each). src/net/address.ts does the same through a
// 128-bit bigint, which costs ~2 µs an address; this works on 16-bit groups as plain numbers.
// Only the common form takes the fast path: anything else (a dotted IPv4 tail, an IPv4-mapped
// value, a malformed text) goes through src/net/address.ts, which also words the errors. A
// property test holds both to the same answers.
import { addressBytes, formatAddressBytes } from '../../net/address.ts';

const HEX_COLON = /^[0-9a-fA-F:]{2,39}$/;

/**
 * Writes the 16 bytes of the address `text` (no zone, no /length) at `offset`; false when it is
 * not an IPv6 address (nothing useful is written then).
 */
export function writeAddress(text: string, into: Uint8Array, offset: number): boolean {
  if (HEX_COLON.test(text) && writeHexColon(text, into, offset)) return true;
  const slow = addressBytes(text);
  if (slow === undefined) return false;
  into.set(slow, offset);
  return true;
}

/** The hex-and-colons form (RFC 4291 §2.2 forms 1 and 2); false for anything it cannot decide alone. */
function writeHexColon(text: string, into: Uint8Array, offset: number): boolean {
  const gap = text.indexOf('::');
  if (gap >= 0 && text.indexOf('::', gap + 1) >= 0) return false;
  const head = gap < 0 ? text : text.slice(0, gap);
  const tail = gap < 0 ? '' : text.slice(gap + 2);
  const hs = head === '' ? [] : head.split(':');
  const ts = tail === '' ? [] : tail.split(':');
  const n = hs.length + ts.length;
  if (gap < 0 ? n !== 8 : n > 7) return false;
  into.fill(0, offset, offset + 16);
  return putGroups(hs, into, offset) && putGroups(ts, into, offset + 2 * (8 - ts.length));
}

function putGroups(groups: readonly string[], into: Uint8Array, at: number): boolean {
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]!;
    if (g.length === 0 || g.length > 4) return false;
    const v = parseInt(g, 16);
    into[at + 2 * i] = v >> 8;
    into[at + 2 * i + 1] = v & 0xff;
  }
  return true;
}

/** RFC 5952 canonical text of the 16 bytes at `offset` (network byte order). */
export function formatAddressAt(bytes: Uint8Array, offset: number): string {
  const g = GROUPS;
  for (let i = 0; i < 8; i++) g[i] = (bytes[offset + 2 * i]! << 8) | bytes[offset + 2 * i + 1]!;
  // RFC 5952 §5: an IPv4-mapped address keeps its dotted tail; src/net knows how.
  if (g[5] === 0xffff && g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0) return formatAddressBytes(bytes, offset);
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
  // §4.3: lowercase hex; §4.1: no leading zeros. Built by hand: this runs twice per route of a
  // 110,000-route dump.
  let text = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestAt) {
      text += '::';
      i += bestLen - 1;
      continue;
    }
    if (text !== '' && !text.endsWith(':')) text += ':';
    text += g[i]!.toString(16);
  }
  return text;
}

const GROUPS = new Uint16Array(8);
