// Choosing an address or a delegated prefix for a new binding. The first candidate is a hash of
// (DUID, IAID), so a client that comes back after its lease ended is offered the same one again
// while it is free; collisions walk forward through the pool.
import { createHash } from 'node:crypto';
import { formatAddress } from '../../net/address.ts';
import { contains, formatPrefix, prefixSize, subnetCount, type Prefix } from '../../net/prefix.ts';
import type { LeaseKind } from '../../store/records.ts';
import type { ServerLink } from './types.ts';

/**
 * Candidates tried per request. A small pool is walked whole, so "exhausted" is exact; a /64 is
 * never full in practice, and this bounds the work one packet can cause.
 */
export const MAX_PROBES = 4096;

/** A 64-bit number from the client's identity, the same on every run. */
export function stableHash(duid: string, iaid: number, kind: LeaseKind): bigint {
  const digest = createHash('sha256').update(`${kind}|${duid}|${iaid}`).digest();
  return digest.readBigUInt64BE(0);
}

/** The addresses of all ranges, as one numbered sequence. */
function addressAt(link: ServerLink, index: bigint): bigint | undefined {
  let i = index;
  for (const r of link.addressRanges) {
    const size = r.end - r.start + 1n;
    if (i < size) return r.start + i;
    i -= size;
  }
  return undefined;
}

function delegatedAt(link: ServerLink, index: bigint): Prefix | undefined {
  let i = index;
  for (const p of link.delegationPools) {
    const size = subnetCount(p.prefix, p.delegatedLength);
    if (i < size) return { network: p.prefix.network + i * prefixSize(p.delegatedLength), length: p.delegatedLength };
    i -= size;
  }
  return undefined;
}

export function poolSize(link: ServerLink, kind: LeaseKind): bigint {
  if (kind === 'na') return link.addressRanges.reduce((n, r) => n + (r.end - r.start + 1n), 0n);
  return link.delegationPools.reduce((n, p) => n + subnetCount(p.prefix, p.delegatedLength), 0n);
}

/** The lease text of the `index`th candidate: an address, or a prefix in CIDR form. */
function candidate(link: ServerLink, kind: LeaseKind, index: bigint): string | undefined {
  if (kind === 'na') {
    const a = addressAt(link, index);
    return a === undefined ? undefined : formatAddress(a);
  }
  const p = delegatedAt(link, index);
  return p === undefined ? undefined : formatPrefix(p);
}

/**
 * The first free candidate from the client's hashed starting point, or undefined when the probes
 * found none (the pool is exhausted). `isFree` says whether nobody holds or has reserved it.
 */
export function pickFromPool(
  link: ServerLink,
  kind: LeaseKind,
  duid: string,
  iaid: number,
  isFree: (lease: string) => boolean,
): string | undefined {
  const size = poolSize(link, kind);
  if (size === 0n) return undefined;
  const start = stableHash(duid, iaid, kind) % size;
  const probes = size < BigInt(MAX_PROBES) ? size : BigInt(MAX_PROBES);
  for (let i = 0n; i < probes; i++) {
    const lease = candidate(link, kind, (start + i) % size);
    if (lease !== undefined && isFree(lease)) return lease;
  }
  return undefined;
}

/** Whether an address lies in one of the link's dynamic ranges. */
export function inAddressPool(link: ServerLink, address: bigint): boolean {
  return link.addressRanges.some((r) => address >= r.start && address <= r.end);
}

/** Whether a prefix is exactly one of the delegatable prefixes of a pool. */
export function inDelegationPool(link: ServerLink, prefix: Prefix): boolean {
  return link.delegationPools.some((p) => p.delegatedLength === prefix.length && contains(p.prefix, prefix));
}

/** Whether an address is on the link (RFC 8415 §18.3.2, §18.3.3). */
export function onLink(link: ServerLink, address: bigint): boolean {
  return link.onLink.some((p) => contains(p, address));
}

/** Whether a delegated prefix belongs to this link's pools (Rebind of IA_PD, §18.3.5). */
export function prefixAppropriate(link: ServerLink, prefix: Prefix): boolean {
  return link.delegationPools.some((p) => contains(p.prefix, prefix));
}
