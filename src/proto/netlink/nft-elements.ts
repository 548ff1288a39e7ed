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
import { err, ok, problem, type Result } from '../../lib/result.ts';
import { formatAddress } from '../../net/address.ts';
import { lastAddress, parsePrefix } from '../../net/prefix.ts';

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

/** One field's range in the set's key space. */
type FieldRange = readonly [bigint, bigint];

const FIELD_BYTES: Readonly<Record<string, number>> = { ifname: IFNAMSIZ, ipv6_addr: 16, inet_proto: 1, inet_service: 2 };

const bad = (set: SetShape, key: string, why: string) =>
  err(problem('nft-element-invalid', `set ${set.name}: element ${JSON.stringify(key)} ${why}`));

function ifnameValue(text: string): bigint | undefined {
  const b = Buffer.from(text, 'utf8');
  if (b.length === 0 || b.length >= IFNAMSIZ) return undefined;
  let v = 0n;
  for (let i = 0; i < IFNAMSIZ; i++) v = (v << 8n) | BigInt(b[i] ?? 0);
  return v;
}

function addressRange(text: string): FieldRange | undefined {
  const dash = text.indexOf('-');
  if (dash >= 0) {
    const lo = parsePrefix(`${text.slice(0, dash)}/128`);
    const hi = parsePrefix(`${text.slice(dash + 1)}/128`);
    return lo.ok && hi.ok && lo.value.network <= hi.value.network ? [lo.value.network, hi.value.network] : undefined;
  }
  const p = parsePrefix(text.includes('/') ? text : `${text}/128`, { strict: false });
  return p.ok ? [p.value.network, lastAddress(p.value)] : undefined;
}

function numberRange(text: string, max: number, names?: ReadonlyMap<string, number>): FieldRange | undefined {
  const named = names?.get(text);
  if (named !== undefined) return [BigInt(named), BigInt(named)];
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (m === null) return undefined;
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  return lo <= hi && hi <= max ? [BigInt(lo), BigInt(hi)] : undefined;
}

function fieldRange(type: string, text: string): FieldRange | undefined {
  switch (type) {
    case 'ifname': {
      const v = ifnameValue(text);
      return v === undefined ? undefined : [v, v];
    }
    case 'ipv6_addr':
      return addressRange(text);
    case 'inet_proto':
      return numberRange(text, 0xff, PROTOCOLS);
    case 'inet_service':
      return numberRange(text, 0xffff);
    default:
      return undefined;
  }
}

/** `bytes` bytes of `v`, big-endian, into `out` at `at` (through hex: a bigint per byte costs 5x more). */
function putValue(out: Uint8Array, at: number, bytes: number, v: bigint): void {
  out.set(Buffer.from(v.toString(16).padStart(2 * bytes, '0'), 'hex'), at);
}

function getValue(buf: Uint8Array, at: number, bytes: number): bigint {
  return BigInt(`0x${Buffer.from(buf.buffer, buf.byteOffset + at, bytes).toString('hex') || '0'}`);
}

const pad4 = (n: number): number => (n + 3) & ~3;

function keyBytes(type: readonly string[], values: readonly bigint[]): Uint8Array {
  const concat = type.length > 1;
  const widths = type.map((t) => (concat ? pad4(FIELD_BYTES[t]!) : FIELD_BYTES[t]!));
  const out = new Uint8Array(widths.reduce((a, b) => a + b, 0));
  let at = 0;
  type.forEach((t, i) => {
    putValue(out, at, FIELD_BYTES[t]!, values[i]!);
    at += widths[i]!;
  });
  return out;
}

/** The kernel elements for one key of `set`, as nft 1.0.6 would send them. */
export function encodeElement(set: SetShape, key: string): Result<WireElement[]> {
  const parts = key.split(' . ');
  if (parts.length !== set.type.length) return bad(set, key, `has ${parts.length} fields; the set's type has ${set.type.length}`);
  const ranges: FieldRange[] = [];
  for (const [i, t] of set.type.entries()) {
    if (FIELD_BYTES[t] === undefined) return bad(set, key, `is of type ${t}, which this codec does not know`);
    const r = fieldRange(t, parts[i]!);
    if (r === undefined) return bad(set, key, `has ${JSON.stringify(parts[i])}, which is not a valid ${t}`);
    if (!set.interval && r[0] !== r[1]) return bad(set, key, 'is a range, but the set has no interval flag');
    ranges.push(r);
  }
  const starts = ranges.map((r) => r[0]);
  if (!set.interval) return ok([{ key: keyBytes(set.type, starts) }]);
  if (set.type.length > 1) return ok([{ key: keyBytes(set.type, starts), keyEnd: keyBytes(set.type, ranges.map((r) => r[1])) }]);
  const [first, last] = ranges[0]!;
  const top = (1n << BigInt(8 * FIELD_BYTES[set.type[0]!]!)) - 1n;
  if (last === top) return ok([{ key: keyBytes(set.type, [first]), userdata: INTERVAL_OPEN_USERDATA }]);
  return ok([{ key: keyBytes(set.type, [first]) }, { key: keyBytes(set.type, [last + 1n]), flags: NFT_SET_ELEM_INTERVAL_END }]);
}

/** Every key's elements, or the first key that cannot be encoded. */
export function encodeElements(set: SetShape, keys: readonly string[]): Result<WireElement[]> {
  const out: WireElement[] = [];
  for (const k of keys) {
    const r = encodeElement(set, k);
    if (!r.ok) return r;
    out.push(...r.value);
  }
  return ok(out);
}

function ifnameText(v: bigint): string {
  const bytes = new Uint8Array(IFNAMSIZ);
  putValue(bytes, 0, IFNAMSIZ, v);
  const nul = bytes.indexOf(0);
  return Buffer.from(bytes.subarray(0, nul < 0 ? IFNAMSIZ : nul)).toString('utf8');
}

/** `first`..`last` of an address field as a prefix when it is one, else `first-last`. */
function addressText(first: bigint, last: bigint): string {
  const size = last - first + 1n;
  if ((size & (size - 1n)) === 0n && (first & (size - 1n)) === 0n) {
    return `${formatAddress(first)}/${129 - size.toString(2).length}`;
  }
  return `${formatAddress(first)}-${formatAddress(last)}`;
}

function fieldText(type: string, first: bigint, last: bigint): string {
  switch (type) {
    case 'ipv6_addr':
      return addressText(first, last);
    case 'ifname':
      return first === last ? ifnameText(first) : `${ifnameText(first)}-${ifnameText(last)}`;
    case 'inet_proto':
      return first === last ? (PROTOCOL_NAMES.get(Number(first)) ?? String(first)) : `${first}-${last}`;
    default:
      return first === last ? String(first) : `${first}-${last}`;
  }
}

function fieldValues(type: readonly string[], key: Uint8Array): bigint[] {
  const concat = type.length > 1;
  const out: bigint[] = [];
  let at = 0;
  for (const t of type) {
    const w = FIELD_BYTES[t] ?? 0;
    out.push(getValue(key, at, w));
    at += concat ? pad4(w) : w;
  }
  return out;
}

function keyText(type: readonly string[], starts: readonly bigint[], ends: readonly bigint[]): string {
  return type.map((t, i) => fieldText(t, starts[i]!, ends[i]!)).join(' . ');
}

const isEnd = (e: WireElement): boolean => ((e.flags ?? 0) & NFT_SET_ELEM_INTERVAL_END) !== 0;

function compareKeys(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

/** Ascending key order, an end before a start at the same key (a range ending where the next begins). */
function inOrder(a: WireElement, b: WireElement): number {
  return compareKeys(a.key, b.key) || Number(isEnd(b)) - Number(isEnd(a));
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
  if (!sorted.every((e, i) => i === 0 || inOrder(sorted[i - 1]!, e) < 0)) sorted.sort(inOrder);
  const out: string[] = [];
  let open: bigint | undefined;
  for (const e of sorted) {
    const v = getValue(e.key, 0, width);
    // A start without an end before the next element is a range up to that element (never sent
    // by nft or us, but it must read back as something the planner sees as different).
    if (open !== undefined) out.push(fieldText(t, open, v - 1n));
    open = isEnd(e) ? undefined : v;
  }
  if (open !== undefined) out.push(fieldText(t, open, (1n << BigInt(8 * width)) - 1n));
  return out;
}

/** The elements of a dump (or of a notification) as our key text, in key order for interval sets. */
export function decodeElements(set: SetShape, elements: readonly WireElement[]): string[] {
  if (set.interval && set.type.length === 1) return decodeRbtree(set, elements);
  return elements.map((e) => {
    const starts = fieldValues(set.type, e.key);
    const ends = e.keyEnd === undefined ? starts : fieldValues(set.type, e.keyEnd);
    return keyText(set.type, starts, ends);
  });
}
