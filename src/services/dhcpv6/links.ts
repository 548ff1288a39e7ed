// Compiles the config's per-interface `dhcpv6` blocks into the links the server answers for:
// address ranges and delegation pools as numbers, reservations by DUID, on-link prefixes.
import type { Config } from '../../config/schema.ts';
import type { Dhcpv6Config } from '../../config/dhcpv6-schema.ts';
import { onLinkPrefixes } from '../../config/facts.ts';
import { formatAddress, parseAddress, tryCanonicalAddress } from '../../net/address.ts';
import { isLinkLocalUnicast, isMulticast } from '../../net/kind.ts';
import { contains, lastAddress, parsePrefix, prefixOf, tryCanonicalPrefix, type Prefix } from '../../net/prefix.ts';
import type { AddressRange, DelegationPool, ServerLink } from './types.ts';

function addressValue(text: string): bigint | undefined {
  const r = parseAddress(text);
  return r.ok ? r.value.value : undefined;
}

function prefixValue(text: string): Prefix | undefined {
  const r = parsePrefix(text, { strict: false });
  return r.ok ? r.value : undefined;
}

/** The canonical lease text of an address or a prefix (as leases are stored), or undefined. */
export function canonicalLease(text: string): string | undefined {
  return text.includes('/') ? tryCanonicalPrefix(text) : tryCanonicalAddress(text);
}

function addressRange(pool: Dhcpv6Config['addressPools'][number]): AddressRange | undefined {
  if ('prefix' in pool) {
    const p = prefixValue(pool.prefix);
    if (p === undefined) return undefined;
    // The all-zero interface identifier is the Subnet-Router anycast address (RFC 4291 §2.6.1).
    const start = p.length < 128 ? p.network + 1n : p.network;
    return { start, end: lastAddress(p) };
  }
  const start = addressValue(pool.start);
  const end = addressValue(pool.end);
  return start === undefined || end === undefined || start > end ? undefined : { start, end };
}

/** One served link from an interface's `dhcpv6` block and the prefixes on that link. */
export function compileLink(name: string, config: Dhcpv6Config, onLink: readonly Prefix[]): ServerLink {
  const stateful = config.mode === 'stateful';
  const addressRanges = stateful ? config.addressPools.flatMap((p) => addressRange(p) ?? []) : [];
  const delegationPools: DelegationPool[] = stateful
    ? config.prefixDelegationPools.flatMap((p) => {
        const prefix = prefixValue(p.prefix);
        return prefix === undefined || p.delegatedLength < prefix.length ? [] : [{ prefix, delegatedLength: p.delegatedLength }];
      })
    : [];
  const reservations = new Map<string, { address?: string; prefix?: string }>();
  const reserved = new Set<string>();
  if (stateful) {
    for (const r of config.reservations) {
      const address = r.address === undefined ? undefined : tryCanonicalAddress(r.address);
      const prefix = r.prefix === undefined ? undefined : tryCanonicalPrefix(r.prefix);
      reservations.set(r.duid.replaceAll(':', '').toLowerCase(), {
        ...(address === undefined ? {} : { address }),
        ...(prefix === undefined ? {} : { prefix }),
      });
      if (address !== undefined) reserved.add(address);
      if (prefix !== undefined) reserved.add(prefix);
    }
  }
  // Pools sit inside the link's prefixes (config rule); a pool alone still marks its addresses on-link.
  const poolPrefixes = addressRanges.map((r) => prefixOf(r.start, 64)).filter((p) => !onLink.some((o) => contains(o, p)));
  return { name, config, onLink: [...onLink, ...poolPrefixes], addressRanges, delegationPools, reservations, reserved };
}

/** Every interface whose DHCPv6 mode is stateless or stateful. */
export function serverLinksFromConfig(config: Config): Map<string, ServerLink> {
  const links = new Map<string, ServerLink>();
  for (const [name, iface] of Object.entries(config.interfaces)) {
    const d = iface.dhcpv6;
    if (d === undefined || d.mode === 'off' || !iface.enabled) continue;
    links.set(name, compileLink(name, d, onLinkPrefixes(config, name).map((p) => prefixOf(p.cidr.network, p.cidr.length))));
  }
  return links;
}

/**
 * The unicast addresses the server listens on for each served interface: the interface's own
 * configured addresses beyond link-local (GUA and ULA). Relay agents send Relay-forward to one of
 * them (RFC 8415 §19.1: by unicast, or to All_DHCP_Servers, which we do not join).
 */
export function listenAddressesFromConfig(config: Config): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const name of serverLinksFromConfig(config).keys()) {
    const ips = config.interfaces[name]?.ips ?? [];
    const addresses = ips.flatMap((ip) => {
      if (ip === 'slaac' || ip === 'dhcpv6') return [];
      const a = parseAddress(ip.slice(0, ip.indexOf('/') < 0 ? ip.length : ip.indexOf('/')));
      return a.ok && !isLinkLocalUnicast(a.value) && !isMulticast(a.value) ? [formatAddress(a.value)] : [];
    });
    out.set(name, [...new Set(addresses)].sort());
  }
  return out;
}
