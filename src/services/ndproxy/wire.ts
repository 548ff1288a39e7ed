// Byte-level reads and writes for the proxy's receive and answer paths: 128-bit addresses as
// bigints straight from the frame, 48-bit MACs as plain numbers, and the ICMPv6 checksum summed
// where the packet lies. The general codecs go through text (RFC 5952) and fresh arrays, which
// is right for configuration and wrong for a path that runs once per solicitation. Pure.
import { parseMac } from '../../net/eui64.ts';

/** A 48-bit MAC address as an integer (exact in a double): no string per packet. */
export type MacValue = number;

/** The address in 16 bytes at `at` of `view` (network byte order). */
export function readAddress(view: DataView, at: number): bigint {
  return (view.getBigUint64(at) << 64n) | view.getBigUint64(at + 8);
}

const LOW_64 = (1n << 64n) - 1n;

/** Writes `value` as 16 bytes at `at`. */
export function writeAddress(view: DataView, at: number, value: bigint): void {
  view.setBigUint64(at, (value >> 64n) & LOW_64);
  view.setBigUint64(at + 8, value & LOW_64);
}

/** The MAC in 6 bytes at `at`. */
export function readMac(bytes: Uint8Array, at: number): MacValue {
  // 2^32 × the high 16 bits + the low 32 bits; `>>> 0` keeps the low word unsigned.
  const high = (bytes[at]! << 8) | bytes[at + 1]!;
  const low = ((bytes[at + 2]! << 24) | (bytes[at + 3]! << 16) | (bytes[at + 4]! << 8) | bytes[at + 5]!) >>> 0;
  return high * 0x1_0000_0000 + low;
}

export function writeMac(bytes: Uint8Array, at: number, mac: MacValue): void {
  const high = Math.floor(mac / 0x1_0000_0000);
  const low = mac >>> 0;
  bytes[at] = high >>> 8;
  bytes[at + 1] = high & 0xff;
  bytes[at + 2] = low >>> 24;
  bytes[at + 3] = (low >>> 16) & 0xff;
  bytes[at + 4] = (low >>> 8) & 0xff;
  bytes[at + 5] = low & 0xff;
}

/** `aa:bb:cc:dd:ee:ff` as a MacValue, or undefined when it is not a MAC. */
export function macValue(text: string): MacValue | undefined {
  const p = parseMac(text);
  return p.ok ? readMac(p.value, 0) : undefined;
}

/**
 * The ICMPv6 checksum of the IPv6 packet whose fixed header starts at `ip` in `frame`, with an
 * ICMPv6 message of `length` bytes right after it (RFC 4443 §2.3 over the pseudo-header of
 * RFC 8200 §8.1, summed as in RFC 1071). The source and destination are read where they lie.
 * Over a received message with its checksum in place a valid one yields 0; with the checksum
 * field zeroed it is the value to write.
 */
export function icmpChecksum(frame: Uint8Array, ip: number, length: number): number {
  // Source and destination addresses (bytes 8–39 of the IPv6 header), the upper-layer length
  // (below 2^16 here, so only its low word) and next header 58.
  let acc = length + 58;
  for (let i = ip + 8; i < ip + 40; i += 2) acc += (frame[i]! << 8) | frame[i + 1]!;
  const start = ip + 40;
  const end = start + length;
  let i = start;
  for (; i + 1 < end; i += 2) acc += (frame[i]! << 8) | frame[i + 1]!;
  if (i < end) acc += frame[i]! << 8;
  // At most 2^15 words of 2^16 each: the sum stays far below 2^53, so two folds are enough.
  acc = (acc & 0xffff) + Math.floor(acc / 0x1_0000);
  acc = (acc & 0xffff) + (acc >>> 16);
  return ~acc & 0xffff;
}
