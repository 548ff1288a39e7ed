// Relayed messages (RFC 8415 §9, §19): which link a relayed client is on, and wrapping the
// answer back into one Relay-reply per Relay-forward it came through.
import type { Dhcp6Message, Dhcp6RelayMessage } from '../../proto/dhcpv6/index.ts';
import { findOption } from '../../proto/dhcpv6/index.ts';
import { parseAddress } from '../../net/address.ts';
import { isLinkLocalUnicast } from '../../net/kind.ts';
import { onLink } from './pools.ts';
import type { ServerLink } from './types.ts';

/**
 * The link of a relayed client: the innermost relay's link-address names it (§19.1.1). A
 * Lightweight relay (RFC 6221) leaves it unspecified, so the next relay out is asked instead.
 */
export function linkOfRelays(relays: readonly Dhcp6Message[], links: ReadonlyMap<string, ServerLink>): ServerLink | undefined {
  for (let i = relays.length - 1; i >= 0; i--) {
    const relay = relays[i] as Dhcp6RelayMessage;
    const parsed = parseAddress(relay.linkAddress);
    if (!parsed.ok || parsed.value.value === 0n || isLinkLocalUnicast(parsed.value)) continue;
    const address = parsed.value.value;
    for (const link of links.values()) if (onLink(link, address)) return link;
    return undefined;
  }
  return undefined;
}

/**
 * Wraps `reply` in a Relay-reply for each relay, innermost first (§19.3): same hop count, link
 * and peer addresses, and the Interface-ID option echoed when the relay sent one (§21.18).
 */
export function wrapForRelays(reply: Dhcp6Message, relays: readonly Dhcp6Message[]): Dhcp6Message {
  let out = reply;
  for (let i = relays.length - 1; i >= 0; i--) {
    const relay = relays[i] as Dhcp6RelayMessage;
    const interfaceId = findOption(relay, 'interface-id');
    out = {
      type: 'relay-reply',
      hopCount: relay.hopCount,
      linkAddress: relay.linkAddress,
      peerAddress: relay.peerAddress,
      options: [...(interfaceId === undefined ? [] : [interfaceId]), { kind: 'relay-message', message: out }],
    };
  }
  return out;
}
