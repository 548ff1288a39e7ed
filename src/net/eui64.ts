// Link-layer ↔ IPv6: MAC addresses, modified EUI-64 interface identifiers (RFC 4291 §2.5.1 and
// Appendix A), solicited-node multicast (RFC 4291 §2.7.1) and Ethernet multicast MACs
// (RFC 2464 §7).
import { err, ok, problem } from '../lib/result.ts';
import type { Result } from '../lib/result.ts';
import { formatAddress, showText, valueOf } from './address.ts';
import type { Address } from './address.ts';
import { isMulticast } from './kind.ts';

/** A 48-bit MAC address, 6 bytes in transmission order. */
export type Mac = Uint8Array;

/** Parses `aa:bb:cc:dd:ee:ff`, also with `-` separators or uppercase digits. */
export function parseMac(text: string): Result<Mac> {
  const m = /^([0-9a-fA-F]{2})([:-])([0-9a-fA-F]{2})\2([0-9a-fA-F]{2})\2([0-9a-fA-F]{2})\2([0-9a-fA-F]{2})\2([0-9a-fA-F]{2})$/.exec(text);
  if (m === null) {
    return err(problem('bad-mac', `${showText(text)} is not a MAC address; write six hex pairs separated by ":" (or "-"), like 52:54:00:12:34:56`));
  }
  const pairs = [m[1], m[3], m[4], m[5], m[6], m[7]];
  return ok(Uint8Array.from(pairs, (p) => parseInt(p!, 16)));
}

/** Lowercase, colon-separated, as `ip link` prints it. */
export function formatMac(mac: Mac): string {
  return Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join(':');
}

/**
 * The modified EUI-64 interface identifier of a MAC: 0xfffe between its halves and the
 * universal/local bit inverted (RFC 4291 Appendix A), as the low 64 bits of an address.
 */
export function interfaceIdFromMac(mac: Mac): bigint {
  const b = checkedMac(mac);
  const eui = [b[0]! ^ 0x02, b[1]!, b[2]!, 0xff, 0xfe, b[3]!, b[4]!, b[5]!];
  return eui.reduce((v, x) => (v << 8n) | BigInt(x), 0n);
}

/** fe80::/64 plus the MAC's interface identifier (RFC 4862 §5.3), with an optional zone. */
export function linkLocalFromMac(mac: Mac, zone?: string): Address {
  const value = (0xfe80n << 112n) | interfaceIdFromMac(mac);
  return zone === undefined ? { value } : { value, zone };
}

/** A /64 prefix's network plus the MAC's interface identifier (SLAAC, RFC 4862 §5.5.3). */
export function slaacAddress(network: bigint, mac: Mac): Address {
  return { value: (network & ~((1n << 64n) - 1n)) | interfaceIdFromMac(mac) };
}

const SOLICITED_NODE = 0xff0200000000000000000001ff000000n;

/** ff02::1:ffXX:XXXX carrying the low 24 bits of `a` (RFC 4291 §2.7.1). */
export function solicitedNodeAddress(a: Address | bigint): Address {
  return { value: SOLICITED_NODE | (valueOf(a) & 0xffffffn) };
}

/** 33:33 followed by the low 32 bits of a multicast address (RFC 2464 §7). */
export function multicastMac(a: Address | bigint): Result<Mac> {
  const v = valueOf(a);
  if (!isMulticast(v)) {
    return err(problem('not-multicast', `${formatAddress(v)} is not a multicast address (ff00::/8), so it has no multicast MAC`));
  }
  const low = Number(v & 0xffffffffn);
  return ok(Uint8Array.of(0x33, 0x33, low >>> 24, (low >>> 16) & 0xff, (low >>> 8) & 0xff, low & 0xff));
}

function checkedMac(mac: Mac): Mac {
  if (mac.length !== 6) throw new RangeError(`a MAC address has 6 bytes, not ${mac.length}`);
  return mac;
}
