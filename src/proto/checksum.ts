// The Internet checksum (RFC 1071) and the IPv6 upper-layer pseudo-header (RFC 8200 §8.1),
// shared by ICMPv6 (RFC 4443 §2.3) and UDP.

/** One's-complement sum of 16-bit words, folded, not yet complemented. */
function sumWords(acc: number, data: Uint8Array): number {
  let i = 0;
  for (; i + 1 < data.length; i += 2) acc += (data[i]! << 8) | data[i + 1]!;
  if (i < data.length) acc += data[i]! << 8;
  while (acc > 0xffff) acc = (acc & 0xffff) + (acc >>> 16);
  return acc;
}

/**
 * Checksum over the pseudo-header (source, destination, upper-layer length, next header) and
 * `payload`. With the checksum field zeroed this is the value to write; over a received packet
 * with its checksum in place a valid packet yields 0.
 */
export function pseudoHeaderChecksum(
  source: Uint8Array,
  destination: Uint8Array,
  nextHeader: number,
  payload: Uint8Array,
): number {
  const tail = new Uint8Array(8);
  new DataView(tail.buffer).setUint32(0, payload.length);
  tail[7] = nextHeader;
  let acc = sumWords(0, source);
  acc = sumWords(acc, destination);
  acc = sumWords(acc, tail);
  acc = sumWords(acc, payload);
  return ~acc & 0xffff;
}

export const NEXT_HEADER_ICMPV6 = 58;
export const NEXT_HEADER_UDP = 17;
