// nf_tables set elements as the kernel holds them, both ways: our canonical key text
// (`br0 . 2001:db8::/48`, `2001:db8::/80 . tcp . 80-90`, see src/reconcile/types.ts) into the
// element keys nft 1.0.6 itself sends, and the elements of a GETSETELEM dump back into that text.
//
// Key bytes (nft's datatypes, include/datatype.h): ifname = IFNAMSIZ (16) bytes NUL-padded;
// ipv6_addr = 16 bytes network order; inet_proto = 1 byte; inet_service = 2 bytes big-endian. In a
// concatenation every field is padded to a multiple of 4 bytes (the kernel's NFT_REG32 layout).
//
// Intervals, as nft 1.0.6 sends them (checked with `nft --debug=mnl`):
// - a single-field interval set (the kernel's rbtree) holds an interval as two elements: a start
//   (key = first address) and an end (flag NFT_SET_ELEM_INTERVAL_END, key = last address + 1).
//   An interval that reaches the top of the space has no end element; nft marks its start with
//   the element userdata "interval open" (NFTNL_UDATA_SET_ELEM_FLAGS = NFTNL_SET_ELEM_F_INTERVAL_OPEN)
//   so that its own listing knows, and we do the same.
// - a concatenated interval set (pipapo) holds one element: NFTA_SET_ELEM_KEY = every field's
//   start, NFTA_SET_ELEM_KEY_END = every field's end.
// nft also adds an interval-end element at key 0 the first time it fills an rbtree set (a relic
// of older kernels' lookups); the kernel does not need it and we do not send it, but the decoder
// skips a leading end element without a start so tables nft filled read back the same.
//
// Both directions work on the key bytes and plain numbers, never a 128-bit bigint: a first load
// of a 10,000-host fleet encodes and reads back some 30,000 keys. A prefix's first and last
// address are its address with the host bits cleared and set; a range is a prefix when its two
// ends differ only in a run of trailing bits, clear in the first and set in the last.
import { err, ok, problem, type Result } from '../../lib/result.ts';
import { formatAddressAt, writeAddress } from '../../net/address-bytes.ts';

const IFNAMSIZ = 16;
/** NFT_SET_ELEM_INTERVAL_END (nf_tables.h, enum nft_set_elem_flags). */
export const NFT_SET_ELEM_INTERVAL_END = 0x1;
/** The element userdata nft attaches to an open-ended interval's start (libnftnl udata.h). */
export const INTERVAL_OPEN_USERDATA: Uint8Array = Uint8Array.of(0x01, 0x04, 0x01, 0x00, 0x00, 0x00);

/** A set's shape: its type list (nft datatype names) and whether it holds intervals. */
export interface SetShape {
  readonly name: string;
  readonly type: readonly string[];
  readonly interval: boolean;
}

/** One kernel set element. */
export interface WireElement {
  readonly key: Uint8Array;
  /** Concatenated intervals: every field's end. */
  readonly keyEnd?: Uint8Array;
  /** NFTA_SET_ELEM_FLAGS; absent (as nft sends it) when 0. */
  readonly flags?: number;
  readonly userdata?: Uint8Array;
}

const PROTOCOLS: ReadonlyMap<string, number> = new Map([
  ['tcp', 6], ['udp', 17], ['dccp', 33], ['ipv6-icmp', 58], ['sctp', 132], ['udplite', 136],
]);
const PROTOCOL_NAMES: ReadonlyMap<number, string> = new Map([...PROTOCOLS].map(([n, v]) => [v, n]));

const FIELD_BYTES: Readonly<Record<string, number>> = { ifname: IFNAMSIZ, ipv6_addr: 16, inet_proto: 1, inet_service: 2 };

const bad = (set: SetShape, key: string, why: string) =>
  err(problem('nft-element-invalid', `set ${set.name}: element ${JSON.stringify(key)} ${why}`));

const pad4 = (n: number): number => (n + 3) & ~3;

const DASH = 0x2d;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

// ---- Encoding: each field writes its first value into one key and its last into the other.

/** An interface name: its UTF-8 bytes (1–15 of them), NUL-padded to IFNAMSIZ. */
function writeIfname(text: string, into: Uint8Array, at: number): boolean {
  const n = text.length;
  let ascii = n > 0 && n < IFNAMSIZ;
  for (let i = 0; ascii && i < n; i++) ascii = text.charCodeAt(i) < 0x80;
  if (ascii) {
    for (let i = 0; i < IFNAMSIZ; i++) into[at + i] = i < n ? text.charCodeAt(i) : 0;
    return true;
  }
  const b = Buffer.from(text, 'utf8');
  if (b.length === 0 || b.length >= IFNAMSIZ) return false;
  into.fill(0, at, at + IFNAMSIZ);
  into.set(b, at);
  return true;
}

/** The decimal prefix length at `from` to the end (`0` or 1–3 digits without a leading zero, at most 128), or -1. */
function prefixLength(text: string, from: number): number {
  const n = text.length - from;
  if (n < 1 || n > 3 || (n > 1 && text.charCodeAt(from) === DIGIT_0)) return -1;
  let v = 0;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < DIGIT_0 || c > DIGIT_9) return -1;
    v = v * 10 + c - DIGIT_0;
  }
  return v <= 128 ? v : -1;
}

/**
 * An address field: `a` (one address), `a/len` (host bits cleared, as nft does), or `a-b`.
 * The address text rules are src/net's (writeAddress falls back to its exact parser).
 */
function writeAddressRange(text: string, first: Uint8Array, last: Uint8Array, at: number): boolean {
  const dash = text.indexOf('-');
  if (dash >= 0) {
    return writeAddress(text.slice(0, dash), first, at) && writeAddress(text.slice(dash + 1), last, at) && compareBytes(first, last, at, 16) <= 0;
  }
  const slash = text.indexOf('/');
  const length = slash < 0 ? 128 : prefixLength(text, slash + 1);
  if (length < 0 || !writeAddress(slash < 0 ? text : text.slice(0, slash), first, at)) return false;
  for (let i = 0; i < 16; i++) {
    const netBits = length - 8 * i;
    const mask = netBits >= 8 ? 0xff : netBits <= 0 ? 0 : (0xff << (8 - netBits)) & 0xff;
    const b = first[at + i]! & mask;
    first[at + i] = b;
    last[at + i] = b | (~mask & 0xff);
  }
  return true;
}

/** Decimal digits from `from` up to `to`, or -1 when there are none or another character. */
function decimal(text: string, from: number, to: number): number {
  if (from >= to) return -1;
  let v = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < DIGIT_0 || c > DIGIT_9) return -1;
    v = v * 10 + c - DIGIT_0;
  }
  return v;
}

/** A number field of `width` bytes (big-endian): `n`, `lo-hi`, or one of `names`. */
function writeNumberRange(text: string, width: number, first: Uint8Array, last: Uint8Array, at: number, names?: ReadonlyMap<string, number>): boolean {
  let lo = names?.get(text);
  let hi = lo;
  if (lo === undefined) {
    const dash = text.indexOf('-');
    lo = decimal(text, 0, dash < 0 ? text.length : dash);
    hi = dash < 0 ? lo : decimal(text, dash + 1, text.length);
    if (lo < 0 || hi! < lo || hi! >= 2 ** (8 * width)) return false;
  }
  for (let i = width - 1, a = lo, b = hi!; i >= 0; i--, a = Math.floor(a / 256), b = Math.floor(b / 256)) {
    first[at + i] = a & 0xff;
    last[at + i] = b & 0xff;
  }
  return true;
}

/** One field's first and last value at `at` of each key; false when `text` is not a valid `type`. */
function writeField(type: string, text: string, first: Uint8Array, last: Uint8Array, at: number): boolean {
  switch (type) {
    case 'ifname':
      if (!writeIfname(text, first, at)) return false;
      last.set(first.subarray(at, at + IFNAMSIZ), at);
      return true;
    case 'ipv6_addr':
      return writeAddressRange(text, first, last, at);
    case 'inet_proto':
      return writeNumberRange(text, 1, first, last, at, PROTOCOLS);
    case 'inet_service':
      return writeNumberRange(text, 2, first, last, at);
    default:
      return false;
  }
}

/** Byte order of `width` bytes at `at` of each: negative, zero or positive. */
function compareBytes(a: Uint8Array, b: Uint8Array, at: number, width: number): number {
  for (let i = at; i < at + width; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return 0;
}

/** Adds one to the big-endian value in `key`; false (and zero) when it was all ones: the top of the space. */
function increment(key: Uint8Array): boolean {
  for (let i = key.length - 1; i >= 0; i--) {
    if (key[i] !== 0xff) {
      key[i]!++;
      return true;
    }
    key[i] = 0;
  }
  return false;
}

const SEPARATOR = ' . ';

/** The key's fields, split by hand: String.prototype.split with a string separator costs 1.4x this on our keys. */
function fields(key: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (let at = key.indexOf(SEPARATOR); at >= 0; at = key.indexOf(SEPARATOR, from)) {
    out.push(key.slice(from, at));
    from = at + SEPARATOR.length;
  }
  out.push(from === 0 ? key : key.slice(from));
  return out;
}

/** The kernel elements for one key of `set`, as nft 1.0.6 would send them. */
export function encodeElement(set: SetShape, key: string): Result<WireElement[]> {
  const types = set.type;
  const parts = fields(key);
  if (parts.length !== types.length) return bad(set, key, `has ${parts.length} fields; the set's type has ${types.length}`);
  const concat = types.length > 1;
  let size = 0;
  for (const t of types) size += concat ? pad4(FIELD_BYTES[t] ?? 0) : (FIELD_BYTES[t] ?? 0);
  // Every field's first value, and every field's last; padding stays zero in both.
  const first = new Uint8Array(size);
  const last = new Uint8Array(size);
  let at = 0;
  for (let i = 0; i < types.length; i++) {
    const t = types[i]!;
    const width = FIELD_BYTES[t];
    if (width === undefined) return bad(set, key, `is of type ${t}, which this codec does not know`);
    if (!writeField(t, parts[i]!, first, last, at)) return bad(set, key, `has ${JSON.stringify(parts[i])}, which is not a valid ${t}`);
    if (!set.interval && compareBytes(first, last, at, width) !== 0) return bad(set, key, 'is a range, but the set has no interval flag');
    at += concat ? pad4(width) : width;
  }
  if (!set.interval) return ok([{ key: first }]);
  if (concat) return ok([{ key: first, keyEnd: last }]);
  // The rbtree's end element is one past the last value; past the top there is none.
  if (!increment(last)) return ok([{ key: first, userdata: INTERVAL_OPEN_USERDATA }]);
  return ok([{ key: first }, { key: last, flags: NFT_SET_ELEM_INTERVAL_END }]);
}

/** Every key's elements, or the first key that cannot be encoded. */
export function encodeElements(set: SetShape, keys: readonly string[]): Result<WireElement[]> {
  const out: WireElement[] = [];
  for (const k of keys) {
    const r = encodeElement(set, k);
    if (!r.ok) return r;
    for (const e of r.value) out.push(e);
  }
  return ok(out);
}

// ---- Decoding: each field's text from its first and last value, read where they lie.

function ifnameText(bytes: Uint8Array, at: number): string {
  let end = at;
  let ascii = true;
  for (; end < at + IFNAMSIZ && bytes[end] !== 0; end++) if (bytes[end]! >= 0x80) ascii = false;
  if (ascii) return String.fromCharCode(...bytes.subarray(at, end));
  return Buffer.from(bytes.buffer, bytes.byteOffset + at, end - at).toString('utf8');
}

/** The big-endian value of `width` bytes (1 or 2 for our number types; 0 reads as 0). */
function numberAt(bytes: Uint8Array, at: number, width: number): number {
  let v = 0;
  for (let i = at; i < at + width; i++) v = v * 256 + bytes[i]!;
  return v;
}

/**
 * The length of the prefix whose first and last address are the 16 bytes at `at` of each, or
 * -1 when they are not one: from the first byte where they differ on, the first must have only
 * clear bits and the last only set bits, and the differing bits of that byte must be its lowest.
 */
function prefixLengthOf(first: Uint8Array, last: Uint8Array, at: number): number {
  let i = 0;
  while (i < 16 && first[at + i] === last[at + i]) i++;
  if (i === 16) return 128;
  const diff = first[at + i]! ^ last[at + i]!;
  if ((diff & (diff + 1)) !== 0 || (first[at + i]! & diff) !== 0) return -1;
  for (let j = i + 1; j < 16; j++) if (first[at + j] !== 0 || last[at + j] !== 0xff) return -1;
  return 8 * i + Math.clz32(diff) - 24;
}

/** `first`..`last` of an address field as a prefix when it is one, else `first-last`. */
function addressText(first: Uint8Array, last: Uint8Array, at: number): string {
  const length = prefixLengthOf(first, last, at);
  return length >= 0 ? `${formatAddressAt(first, at)}/${length}` : `${formatAddressAt(first, at)}-${formatAddressAt(last, at)}`;
}

function fieldText(type: string, first: Uint8Array, last: Uint8Array, at: number, width: number): string {
  if (type === 'ipv6_addr') return addressText(first, last, at);
  const single = compareBytes(first, last, at, width) === 0;
  if (type === 'ifname') return single ? ifnameText(first, at) : `${ifnameText(first, at)}-${ifnameText(last, at)}`;
  const lo = numberAt(first, at, width);
  if (!single) return `${lo}-${numberAt(last, at, width)}`;
  return type === 'inet_proto' ? (PROTOCOL_NAMES.get(lo) ?? String(lo)) : String(lo);
}

function keyText(type: readonly string[], first: Uint8Array, last: Uint8Array): string {
  const concat = type.length > 1;
  let text = '';
  let at = 0;
  for (let i = 0; i < type.length; i++) {
    const t = type[i]!;
    const width = FIELD_BYTES[t] ?? 0;
    text += i === 0 ? fieldText(t, first, last, at, width) : ` . ${fieldText(t, first, last, at, width)}`;
    at += concat ? pad4(width) : width;
  }
  return text;
}

const isEnd = (e: WireElement): boolean => ((e.flags ?? 0) & NFT_SET_ELEM_INTERVAL_END) !== 0;

/** Unsigned byte order, a shorter key first when it is a prefix of the longer (Buffer.compare's order). */
function compareKeys(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Ascending key order, an end before a start at the same key (a range ending where the next begins). */
function inOrder(a: WireElement, b: WireElement): number {
  return compareKeys(a.key, b.key) || Number(isEnd(b)) - Number(isEnd(a));
}

/** `key` minus one, in `into` (the value below an end element, the last of its range). */
function beforeKey(key: Uint8Array, into: Uint8Array): Uint8Array {
  let borrow = true;
  for (let i = into.length - 1; i >= 0; i--) {
    const b = key[i] ?? 0;
    into[i] = borrow ? (b - 1) & 0xff : b;
    borrow &&= b === 0;
  }
  return into;
}

/**
 * The rbtree's elements as key text: each start paired with the next end above it. The kernel
 * dumps them in descending order (a start before an end at the same key), so reversing is
 * usually enough; anything else is sorted.
 */
function decodeRbtree(set: SetShape, elements: readonly WireElement[]): string[] {
  const t = set.type[0]!;
  const width = FIELD_BYTES[t] ?? 16;
  const sorted = [...elements].reverse();
  let ordered = true;
  for (let i = 1; ordered && i < sorted.length; i++) ordered = inOrder(sorted[i - 1]!, sorted[i]!) < 0;
  if (!ordered) sorted.sort(inOrder);
  const last = new Uint8Array(width);
  const out: string[] = [];
  let open: Uint8Array | undefined;
  for (const e of sorted) {
    // A start without an end before the next element is a range up to that element (never sent
    // by nft or us, but it must read back as something the planner sees as different).
    if (open !== undefined) out.push(fieldText(t, open, beforeKey(e.key, last), 0, width));
    open = isEnd(e) ? undefined : e.key;
  }
  if (open !== undefined) out.push(fieldText(t, open, last.fill(0xff), 0, width));
  return out;
}

/** The elements of a dump (or of a notification) as our key text, in key order for interval sets. */
export function decodeElements(set: SetShape, elements: readonly WireElement[]): string[] {
  if (set.interval && set.type.length === 1) return decodeRbtree(set, elements);
  const out: string[] = new Array(elements.length);
  for (let i = 0; i < elements.length; i++) {
    const e = elements[i]!;
    out[i] = keyText(set.type, e.key, e.keyEnd ?? e.key);
  }
  return out;
}
