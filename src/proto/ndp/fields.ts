// Field encodings shared by the NDP message and option codecs: link-layer address text, the
// two-bit preference, domain names in DNS wire format, and integer range checks.
import { err, ok, problem } from '../../lib/result.ts';
import type { Result } from '../../lib/result.ts';
import type { RoutePreference } from './types.ts';

/** True when `value` is an integer that fits in `bits` unsigned bits. */
export function isUint(value: number, bits: number): boolean {
  return Number.isInteger(value) && value >= 0 && value < 2 ** bits;
}

/** A big-endian unsigned field: where errors point, its value, its width and its byte offset. */
export type Field = readonly [path: string, value: number, bits: 8 | 16 | 32, at: number];

/** `length` bytes holding `fields`, or an `invalid-value` problem naming the first that does not fit. */
export function packFields(length: number, fields: readonly Field[]): Result<Uint8Array> {
  const out = new Uint8Array(length);
  const view = new DataView(out.buffer);
  for (const [path, value, bits, at] of fields) {
    if (!isUint(value, bits)) {
      return err(problem('invalid-value', `${value} is not a whole number from 0 to ${2 ** bits - 1}`, { path }));
    }
    if (bits === 8) view.setUint8(at, value);
    else if (bits === 16) view.setUint16(at, value);
    else view.setUint32(at, value);
  }
  return ok(out);
}

/** Lowercase colon hex, e.g. `aa:bb:cc:dd:ee:ff`. */
export function linkLayerText(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(':');
}

/** Bytes of colon hex text (two digits per byte, either case), or undefined when malformed. */
export function linkLayerBytes(text: string): Uint8Array | undefined {
  if (!/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2})*$/.test(text)) return undefined;
  return Uint8Array.from(text.split(':'), (h) => parseInt(h, 16));
}

// RFC 4191 §2.1: 01 high, 00 medium, 11 low, 10 reserved.
const PREFERENCES: readonly RoutePreference[] = ['medium', 'high', 'reserved', 'low'];

export function preferenceFromBits(bits: number): RoutePreference {
  return PREFERENCES[bits & 0b11]!;
}

export function preferenceBits(preference: RoutePreference): number {
  return PREFERENCES.indexOf(preference);
}

/** RFC 4191 §2.3: the shortest Route Information option that carries a prefix of this length. */
export function minimumRouteUnits(prefixLength: number): 1 | 2 | 3 {
  return prefixLength === 0 ? 1 : prefixLength <= 64 ? 2 : 3;
}

/** RFC 8781 §4: the prefix length for each Prefix Length Code 0–5. */
export const PREF64_LENGTHS: readonly number[] = [96, 64, 56, 48, 40, 32];

// RFC 1035 §2.3.1 letters, digits and hyphen, plus underscore (seen in service names). Limiting
// labels to these keeps the text form unambiguous: no dots, spaces or control bytes in a label.
const LABEL = /^[A-Za-z0-9_-]{1,63}$/;

/** Why a domain name cannot be encoded, or undefined when it can (RFC 1035 §3.1 limits). */
export function domainNameProblem(name: string): string | undefined {
  const labels = name.split('.');
  const bad = labels.find((l) => !LABEL.test(l));
  if (bad !== undefined) {
    return `label "${bad}" in "${name}" must be 1 to 63 letters, digits, hyphens or underscores`;
  }
  if (name.length + 2 > 255) return `"${name}" is longer than 255 octets in wire format`;
  return undefined;
}

/** Wire format of a name that passed `domainNameProblem`: length-prefixed labels, then 0. */
export function encodeDomainName(name: string): Uint8Array {
  const out = new Uint8Array(name.length + 2);
  let at = 0;
  for (const label of name.split('.')) {
    out[at++] = label.length;
    for (let i = 0; i < label.length; i++) out[at++] = label.charCodeAt(i);
  }
  return out;
}

export type DecodedName =
  | { readonly ok: true; readonly name: string; readonly next: number }
  | { readonly ok: false; readonly at: number; readonly reason: string };

/**
 * Reads one uncompressed name starting at `start` (RFC 8106 §5.2 forbids compression). The caller
 * has already checked that the first length byte is non-zero.
 */
export function decodeDomainName(bytes: Uint8Array, start: number): DecodedName {
  const labels: string[] = [];
  let at = start;
  for (;;) {
    const len = bytes[at];
    if (len === undefined) return { ok: false, at, reason: 'a domain name runs past the end of the option' };
    if (len === 0) break;
    if (len > 63) return { ok: false, at, reason: `label length ${len} is over 63 (compression is not allowed)` };
    if (at + 1 + len > bytes.length) return { ok: false, at, reason: 'a label runs past the end of the option' };
    const label = String.fromCharCode(...bytes.subarray(at + 1, at + 1 + len));
    if (!LABEL.test(label)) return { ok: false, at, reason: 'a label holds bytes other than letters, digits, hyphens or underscores' };
    labels.push(label);
    at += 1 + len;
  }
  if (at + 1 - start > 255) return { ok: false, at: start, reason: 'a domain name is longer than 255 octets' };
  return { ok: true, name: labels.join('.'), next: at + 1 };
}
