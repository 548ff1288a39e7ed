// Canonical text for addresses and prefixes, so desired and observed compare as strings
// (RFC 5952 §4 text; iproute2 and nft already print that form).
//
// A pass over a large fleet meets the same prefix several times (the allocation, the route, the
// filter sets, the kernel's read-back). So each text is canonicalised once and remembered; the
// canonical output is remembered as its own canonical form too, since iproute2 and nft print
// exactly that. The memo is bounded: a long-lived daemon sees prefixes come and go, so it
// starts afresh when full.
//
// A prefix is parsed once, through 16 bytes (src/net/prefix.ts writePrefix, ~0.5 µs), into
// both its canonical text and its range. Code that keeps the result itself calls the plain
// forms: a cold pass over 10,000 hosts meets ~110,000 new texts, and filling a Map that size
// costs more than the parses it would save.
import { formatAddress, parseAddress } from '../net/address.ts';
import { formatAddressAt, formatPrefixAt, writeAddress } from '../net/address-bytes.ts';
import { formatInterfaceAddress, formatPrefix, parseInterfaceAddress, parsePrefix, prefixSize, valueAt, writePrefix } from '../net/prefix.ts';

/** Where the plain forms parse; filled and read within one call. */
const BYTES = new Uint8Array(16);
const BYTES_VIEW = new DataView(BYTES.buffer);

/** Entries per memo before it is emptied; a 10,000-host fleet needs ~120,000 prefixes. */
export const MEMO_LIMIT = 1 << 19;

/** A bounded text → value memo. */
export class TextMemo<T> {
  readonly #map = new Map<string, T>();
  readonly #limit: number;

  constructor(limit = MEMO_LIMIT) {
    this.#limit = limit;
  }

  get size(): number {
    return this.#map.size;
  }

  get(text: string, compute: (text: string) => T): T {
    const hit = this.#map.get(text);
    if (hit !== undefined) return hit;
    const value = compute(text);
    this.set(text, value);
    return value;
  }

  set(text: string, value: T): void {
    if (this.#map.size >= this.#limit) this.#map.clear();
    this.#map.set(text, value);
  }

  clear(): void {
    this.#map.clear();
  }
}

/** `2001:DB8:0::1` → `2001:db8::1`; text that does not parse is returned unchanged. */
export function plainCanonicalAddress(text: string): string {
  // Without a zone the byte codec decides alone (it refuses a %zone, which parseAddress keeps).
  if (!text.includes('%')) return writeAddress(text, BYTES, 0) ? formatAddressAt(BYTES, 0) : text;
  const r = parseAddress(text);
  return r.ok ? formatAddress(r.value) : text;
}

/** The uncached form of `canonicalPrefix`, kept for the property test that the memo changes nothing. */
export function plainCanonicalPrefix(text: string): string {
  const r = parsePrefix(text.includes('/') ? text : `${text}/128`, { strict: false });
  return r.ok ? formatPrefix(r.value) : text;
}

/** The uncached form of `canonicalInterfaceAddress`. */
export function plainCanonicalInterfaceAddress(text: string): string {
  const r = parseInterfaceAddress(text);
  return r.ok ? formatInterfaceAddress(r.value) : text;
}

const addresses = new TextMemo<string>();
const interfaceAddresses = new TextMemo<string>();

function memoised(memo: TextMemo<string>, plain: (text: string) => string): (text: string) => string {
  return (text) => {
    const hit = memo.get(text, plain);
    // The canonical form is a fixed point of the same function: remember it so the kernel's
    // read-back (already canonical) costs one look-up.
    if (hit !== text) memo.set(hit, hit);
    return hit;
  };
}

/** `2001:DB8:0::1` → `2001:db8::1`; text that does not parse is returned unchanged. */
export const canonicalAddress: (text: string) => string = memoised(addresses, plainCanonicalAddress);

/** A prefix with host bits cleared; a bare address becomes a /128 (as nft and ip print host routes). */
export function canonicalPrefix(text: string): string {
  return prefixRange(text)?.text ?? text;
}

/** An interface address keeps its host bits: `2001:db8:0::1/64` → `2001:db8::1/64`. */
export const canonicalInterfaceAddress: (text: string) => string = memoised(interfaceAddresses, plainCanonicalInterfaceAddress);

/** A prefix as the range it covers, for ordering and containment without reparsing. */
export interface PrefixRange {
  /** Canonical text. */
  readonly text: string;
  readonly network: bigint;
  readonly last: bigint;
  readonly length: number;
}

const NOT_A_PREFIX = null;
const ranges = new TextMemo<PrefixRange | typeof NOT_A_PREFIX>();

/** The uncached form of `prefixRange`: one parse gives the range and the canonical text. */
export function plainPrefixRange(text: string): PrefixRange | undefined {
  const length = writePrefix(text.includes('/') ? text : `${text}/128`, BYTES, 0);
  if (length < 0) return undefined;
  const network = valueAt(BYTES_VIEW, 0);
  return { text: formatPrefixAt(BYTES, 0, length), network, last: network + prefixSize(length) - 1n, length };
}

function rangeOf(text: string): PrefixRange | typeof NOT_A_PREFIX {
  const r = plainPrefixRange(text);
  if (r === undefined) return NOT_A_PREFIX;
  // The canonical text is its own canonical form: the kernel's read-back then costs one look-up.
  if (r.text !== text) ranges.set(r.text, r);
  return r;
}

/** The range of a prefix (host bits cleared, a bare address as a /128); undefined when it does not parse. */
export function prefixRange(text: string): PrefixRange | undefined {
  return ranges.get(text, rangeOf) ?? undefined;
}

/** Empties every memo (tests use it to compare cold and warm results). */
export function clearCanonicalMemos(): void {
  for (const m of [addresses, interfaceAddresses, ranges]) m.clear();
}
