// IPAM and container-host rules: allocation lengths that fit the pool, next hops that are on
// the host's link, fixed networks inside the host's prefix, published ports that name a target.
import { problem, type Problem } from '../lib/result.ts';
import { onLinkPrefixes, type PlacedPrefix } from './facts.ts';
import { formatPath, type PathSegment } from './paths.ts';
import type { KnownNames } from './reference-rules.ts';
import type { Config, HostConfig } from './schema.ts';
import { addressValue, prefixValue } from './net-text.ts';
import { contains } from '../net/prefix.ts';
import { isLinkLocalUnicast } from '../net/kind.ts';

type Add = (code: string, message: string, path: readonly PathSegment[]) => void;

function ipamProblems(config: Config, add: Add): void {
  const ipam = config.ipam;
  if (ipam === undefined) return;
  const pool = prefixValue(ipam.hostPool);
  if (pool !== undefined && ipam.hostPrefixLength < pool.length) {
    add('pool-too-small', `Host prefixes of /${ipam.hostPrefixLength} do not fit in the pool ${ipam.hostPool}; use /${pool.length} or longer.`, ['ipam', 'hostPrefixLength']);
  }
  if (ipam.containerNetworkLength < ipam.hostPrefixLength) {
    add('network-larger-than-host', `Container networks of /${ipam.containerNetworkLength} do not fit in a /${ipam.hostPrefixLength} host prefix.`, ['ipam', 'containerNetworkLength']);
  }
}

/** `80` → [80, 80]; `8000-8100` → [8000, 8100]. */
export function portRange(port: number | string): readonly [number, number] {
  if (typeof port === 'number') return [port, port];
  const [a, b] = port.split('-').map(Number);
  return [a ?? 0, b ?? 0];
}

/** On-link prefixes by interface name, worked out once per interface rather than once per host. */
type OnLink = (iface: string) => readonly PlacedPrefix[];

function onLinkOf(config: Config): OnLink {
  const seen = new Map<string, readonly PlacedPrefix[]>();
  return (iface) => {
    let placed = seen.get(iface);
    if (placed === undefined) seen.set(iface, (placed = onLinkPrefixes(config, iface)));
    return placed;
  };
}

function hostProblems(config: Config, known: KnownNames, onLink: OnLink, name: string, h: HostConfig, add: Add): void {
  const base = ['hosts', name];
  const iface = config.interfaces[h.interface];
  if (iface !== undefined && (iface.role === 'wan' || iface.role === 'mgmt')) {
    add('wrong-role', `Hosts attach to a lan or hosts interface; "${h.interface}" has role ${iface.role}.`, [...base, 'interface']);
  }
  const hop = iface === undefined ? undefined : addressValue(h.nextHop);
  if (hop !== undefined && !isLinkLocalUnicast(hop) && !onLink(h.interface).some((p) => contains(p.cidr, hop))) {
    add('not-on-link', `Next hop ${h.nextHop} is neither link-local nor inside a prefix of "${h.interface}".`, [...base, 'nextHop']);
  }
  if (h.prefix !== undefined && h.prefixLength !== undefined) {
    add('conflict', 'Give either a fixed prefix or a prefixLength for IPAM, not both.', [...base, 'prefixLength']);
  }
  if (h.prefix === undefined) {
    const ipam = config.ipam;
    if (ipam === undefined) {
      if (!known.sections.has('ipam')) add('no-ipam', 'This host has no fixed prefix and no ipam section exists to allocate one.', [...base]);
    } else if (h.prefixLength !== undefined) {
      const pool = prefixValue(ipam.hostPool);
      if (pool !== undefined && h.prefixLength < pool.length) {
        add('pool-too-small', `A /${h.prefixLength} does not fit in the pool ${ipam.hostPool}.`, [...base, 'prefixLength']);
      }
    }
  }
  const own = h.prefix === undefined ? undefined : prefixValue(h.prefix);
  // Only a fixed host prefix constrains its networks; IPAM places the rest inside it.
  if (own !== undefined) {
    for (const [net, n] of Object.entries(h.networks)) {
      const c = n.prefix === undefined ? undefined : prefixValue(n.prefix);
      if (c !== undefined && !contains(own, c)) {
        add('outside-host-prefix', `Network prefix ${n.prefix} is not inside the host's prefix ${h.prefix}.`, [...base, 'networks', net, 'prefix']);
      }
    }
  }
  h.publishedPorts.forEach((p, i) => {
    const at = (...rest: PathSegment[]): PathSegment[] => [...base, 'publishedPorts', i, ...rest];
    const [first, last] = portRange(p.port);
    if (first < 1 || last > 65535 || first > last) {
      add('bad-range', `Port range ${p.port} must run from a lower to a higher port within 1–65535.`, at('port'));
    }
    if (p.network === undefined && p.address === undefined) add('missing-target', 'Name a network or an address to publish to.', at());
    if (p.network !== undefined && p.address !== undefined) add('conflict', 'Give either network or address, not both.', at('address'));
  });
}

export function hostRuleProblems(config: Config, known: KnownNames): Problem[] {
  const out: Problem[] = [];
  const add: Add = (code, message, path) => out.push(problem(code, message, { path: formatPath(path) }));
  ipamProblems(config, add);
  const onLink = onLinkOf(config);
  for (const [name, h] of Object.entries(config.hosts)) hostProblems(config, known, onLink, name, h, add);
  return out;
}
