// What an IPv6 address is and how far it reaches: the address types of RFC 4291 §2.4 and the
// special-purpose blocks an edge router meets, with the multicast scope nibble of RFC 4291 §2.7
// (scope names as updated by RFC 7346).
import type { Address } from './address.ts';

export type AddressKind =
  | 'unspecified' // ::/128, RFC 4291 §2.5.2
  | 'loopback' // ::1/128, RFC 4291 §2.5.3
  | 'ipv4-mapped' // ::ffff:0:0/96, RFC 4291 §2.5.5.2
  | 'nat64' // 64:ff9b::/96, RFC 6052 §2.1
  | 'documentation' // 2001:db8::/32 (RFC 3849) and 3fff::/20 (RFC 9637)
  | 'link-local' // fe80::/10, RFC 4291 §2.5.6
  | 'site-local' // fec0::/10, deprecated by RFC 3879
  | 'unique-local' // fc00::/7, RFC 4193
  | 'multicast' // ff00::/8, RFC 4291 §2.7
  | 'global-unicast'; // everything else, RFC 4291 §2.4

export type Scope =
  | 'none' // the unspecified address has no scope (RFC 4007 §11.1)
  | 'interface-local'
  | 'link-local'
  | 'realm-local'
  | 'admin-local'
  | 'site-local'
  | 'organization-local'
  | 'global'
  | 'reserved'
  | 'unassigned';

export interface Classification {
  readonly kind: AddressKind;
  readonly scope: Scope;
  /** The 4-bit scope field of a multicast address (ffXs::), RFC 4291 §2.7. */
  readonly multicastScope?: number;
}

// Multicast scope values, RFC 4291 §2.7 and RFC 7346 §2 (3 = realm-local).
const MULTICAST_SCOPES: Readonly<Record<number, Scope>> = {
  0x0: 'reserved',
  0x1: 'interface-local',
  0x2: 'link-local',
  0x3: 'realm-local',
  0x4: 'admin-local',
  0x5: 'site-local',
  0x8: 'organization-local',
  0xe: 'global',
  0xf: 'reserved',
};

function inBlock(v: bigint, network: bigint, length: number): boolean {
  const shift = BigInt(128 - length);
  return v >> shift === network >> shift;
}

const value = (a: Address | bigint): bigint => (typeof a === 'bigint' ? a : a.value);

export function classifyAddress(a: Address | bigint): Classification {
  const v = value(a);
  if (v === 0n) return { kind: 'unspecified', scope: 'none' };
  // RFC 4007 §4: loopback is treated as link-local scope on the loopback link.
  if (v === 1n) return { kind: 'loopback', scope: 'link-local' };
  if (inBlock(v, 0xffffn << 32n, 96)) return { kind: 'ipv4-mapped', scope: 'global' };
  if (inBlock(v, 0x64ff9bn << 96n, 96)) return { kind: 'nat64', scope: 'global' };
  if (inBlock(v, 0xff00n << 112n, 8)) {
    const nibble = Number((v >> 112n) & 0xfn);
    return { kind: 'multicast', scope: MULTICAST_SCOPES[nibble] ?? 'unassigned', multicastScope: nibble };
  }
  if (inBlock(v, 0xfe80n << 112n, 10)) return { kind: 'link-local', scope: 'link-local' };
  if (inBlock(v, 0xfec0n << 112n, 10)) return { kind: 'site-local', scope: 'site-local' };
  // RFC 4193 §3.3: ULAs have global scope, filtered at site borders by policy.
  if (inBlock(v, 0xfc00n << 112n, 7)) return { kind: 'unique-local', scope: 'global' };
  if (inBlock(v, 0x20010db8n << 96n, 32) || inBlock(v, 0x3fffn << 112n, 20)) {
    return { kind: 'documentation', scope: 'global' };
  }
  return { kind: 'global-unicast', scope: 'global' };
}

export const isMulticast = (a: Address | bigint): boolean => value(a) >> 120n === 0xffn;
export const isLinkLocalUnicast = (a: Address | bigint): boolean => inBlock(value(a), 0xfe80n << 112n, 10);

/**
 * Whether a zone (`%eth0`) means anything on this address: RFC 4007 §11.1 applies the format to
 * non-global unicast and multicast, not to global addresses, the loopback or the unspecified one.
 */
export function allowsZone(a: Address | bigint): boolean {
  const c = classifyAddress(a);
  if (c.kind === 'link-local' || c.kind === 'site-local') return true;
  return c.kind === 'multicast' && c.scope !== 'global' && c.scope !== 'reserved';
}
