// What the RA service does with each ICMPv6 message its socket delivers: Router Solicitations
// feed the scheduler, other routers' Router Advertisements are checked for consistency, and
// everything else is dropped with a named reason for the counters (RFC 4861 §6.1.1, §6.1.2).
import { parseNdp, validateReceived, type DropReason, type ReceiveMeta, type RouterAdvertisement } from '../../proto/ndp/index.ts';

export type RaDropReason = DropReason | 'unexpected-type' | 'own-advertisement';

export type Received =
  | { readonly kind: 'rs'; readonly source: string; readonly hasSllao: boolean }
  | { readonly kind: 'ra'; readonly source: string; readonly message: RouterAdvertisement }
  | { readonly kind: 'drop'; readonly reason: RaDropReason };

/**
 * Classifies one received message. `ownSources` are our link-local addresses: multicast loopback
 * hands our own RAs back to the socket, and they are not another router's.
 */
export function classifyReceived(bytes: Uint8Array, meta: ReceiveMeta, ownSources: ReadonlySet<string>): Received {
  const reason = validateReceived(bytes, meta);
  if (reason !== undefined) return { kind: 'drop', reason };
  const parsed = parseNdp(bytes);
  // validateReceived has parsed these bytes already; a failure here would be a codec bug.
  if (!parsed.ok) return { kind: 'drop', reason: 'malformed-option' };
  const msg = parsed.value;
  switch (msg.type) {
    case 'rs':
      return { kind: 'rs', source: meta.source, hasSllao: msg.options.some((o) => o.type === 'source-lla') };
    case 'ra':
      if (ownSources.has(meta.source)) return { kind: 'drop', reason: 'own-advertisement' };
      return { kind: 'ra', source: meta.source, message: msg };
    default:
      return { kind: 'drop', reason: 'unexpected-type' };
  }
}

/** Counts per reason, as plain numbers the API exposes. */
export type DropCounts = Partial<Record<RaDropReason, number>>;

export function countDrop(counts: DropCounts, reason: RaDropReason): DropCounts {
  return { ...counts, [reason]: (counts[reason] ?? 0) + 1 };
}
