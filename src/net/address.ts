// IPv6 text ↔ bytes. The packet codecs depend only on these two functions; the rest of the
// address toolkit grows around them.
import ipaddr from 'ipaddr.js';

/** Formats 16 bytes at `offset` as RFC 5952 canonical text. */
export function formatAddressBytes(bytes: Uint8Array, offset = 0): string {
  const slice = Array.from(bytes.subarray(offset, offset + 16));
  return (ipaddr.fromByteArray(slice) as ipaddr.IPv6).toRFC5952String();
}

/** The 16 bytes of an IPv6 address in text form (no zone, no prefix), or undefined if it is not one. */
export function addressBytes(text: string): Uint8Array | undefined {
  if (text.includes('%') || text.includes('/') || !ipaddr.IPv6.isValid(text)) return undefined;
  return Uint8Array.from(ipaddr.IPv6.parse(text).toByteArray());
}
