// Canonical text for addresses and prefixes, so desired and observed compare as strings
// (RFC 5952 §4 text; iproute2 and nft already print that form).
import { formatAddress, parseAddress } from '../net/address.ts';
import { formatInterfaceAddress, formatPrefix, parseInterfaceAddress, parsePrefix } from '../net/prefix.ts';

/** `2001:DB8:0::1` → `2001:db8::1`; text that does not parse is returned unchanged. */
export function canonicalAddress(text: string): string {
  const r = parseAddress(text);
  return r.ok ? formatAddress(r.value) : text;
}

/** A prefix with host bits cleared; a bare address becomes a /128 (as nft and ip print host routes). */
export function canonicalPrefix(text: string): string {
  const r = parsePrefix(text.includes('/') ? text : `${text}/128`, { strict: false });
  return r.ok ? formatPrefix(r.value) : text;
}

/** An interface address keeps its host bits: `2001:db8:0::1/64` → `2001:db8::1/64`. */
export function canonicalInterfaceAddress(text: string): string {
  const r = parseInterfaceAddress(text);
  return r.ok ? formatInterfaceAddress(r.value) : text;
}
