// Desired state: a pure function of the config revision, the IPAM allocations and the delegated
// prefixes, in the object shapes of types.ts. Nothing here reads the kernel.
import type { Problem } from '../lib/result.ts';
import type { Config, InterfaceConfig } from '../config/schema.ts';
import type { AllocationRecord, LeaseRecord } from '../store/records.ts';
import { parseAddress } from '../net/address.ts';
import { contains, parsePrefix } from '../net/prefix.ts';
import { canonicalAddress, canonicalInterfaceAddress, canonicalPrefix, prefixRange, type PrefixRange } from './canonical.ts';
import { blocksHold, byRange, separateBlocks, type Block } from './prefix-blocks.ts';
import { filterSpec } from './filters.ts';
import { hostPrefixes, resolveHosts, type ResolvedHost } from './hosts.ts';
import { ROUTE_PROTOCOL } from './types.ts';
import type { Address, DesiredState, Link, ProxyNeighbor, Route, Sysctl } from './types.ts';

/** A delegated prefix (RFC 8415 IA_PD) routed to the client that holds it. */
export interface LeaseRoute {
  readonly prefix: string;
  /** The client's link-local address. */
  readonly via: string;
  readonly dev: string;
}

/** Active, unexpired delegations with a known client link-local address, as routes. */
export function leaseRoutesOf(leases: readonly LeaseRecord[], now: number): LeaseRoute[] {
  return leases
    .filter((l) => l.kind === 'pd' && l.state === 'active' && l.expiresAt > now && l.clientLinkLocal !== undefined)
    .map((l) => ({ prefix: canonicalPrefix(l.lease), via: canonicalAddress(l.clientLinkLocal!), dev: l.iface }));
}

export interface Desired extends DesiredState {
  /** Objects left out because an input is missing (an unallocated host prefix, say). */
  readonly problems: readonly Problem[];
}

function linkOf(name: string, i: InterfaceConfig, masters: ReadonlyMap<string, string>): Link {
  const master = masters.get(name);
  const common = { name, mtu: i.mtu, up: i.enabled, ...(master === undefined ? {} : { master }) };
  switch (i.kind) {
    case 'vlan':
      return { ...common, kind: 'vlan', parent: i.parent, vlanId: i.id };
    case 'bond':
      return { ...common, kind: 'bond', bondMode: i.mode };
    default:
      return { ...common, kind: i.kind };
  }
}

function desiredLinks(config: Config): Link[] {
  const masters = new Map<string, string>();
  for (const [name, i] of Object.entries(config.interfaces)) {
    if (i.kind === 'bridge') for (const p of i.ports) masters.set(p, name);
    if (i.kind === 'bond') for (const m of i.members) masters.set(m, name);
  }
  return Object.entries(config.interfaces).map(([name, i]) => linkOf(name, i, masters));
}

function desiredAddresses(config: Config): Address[] {
  const seen = new Map<string, Address>();
  const add = (dev: string, cidr: string): void => {
    const a = { dev, cidr: canonicalInterfaceAddress(cidr) };
    seen.set(`${a.dev} ${a.cidr}`, a);
  };
  for (const [name, i] of Object.entries(config.interfaces)) {
    for (const ip of i.ips) if (ip !== 'slaac' && ip !== 'dhcpv6') add(name, ip);
  }
  const up = config.upstream;
  if (up?.mode === 'static') add(up.interface, up.address);
  return [...seen.values()];
}

/** Sysctl keys in slash form, since a VLAN name like eth0.10 has a dot of its own. */
export const confKey = (iface: string, leaf: string): string => `net/ipv6/conf/${iface}/${leaf}`;

function desiredSysctls(config: Config): Sysctl[] {
  const out: Sysctl[] = [{ key: 'net/ipv6/conf/all/forwarding', value: '1' }];
  for (const [name, i] of Object.entries(config.interfaces)) {
    // With forwarding on, the kernel ignores RAs unless accept_ra is 2; the WAN needs them for
    // its default route (RFC 4861 §6.3.4). Downstream links must not learn routes from hosts.
    out.push({ key: confKey(name, 'accept_ra'), value: i.role === 'wan' ? '2' : '0' });
  }
  const proxied = new Set(config.ndproxy.rules.filter((r) => r.mode === 'kernel').map((r) => r.upstream));
  for (const dev of [...proxied].sort()) out.push({ key: confKey(dev, 'proxy_ndp'), value: '1' });
  return out;
}

/** A host's routes (its prefix, then its networks) and their destinations as a block. */
interface HostRoutes {
  readonly routes: readonly Route[];
  /** Undefined when a destination has no range or two are the same prefix: that host takes the general path. */
  readonly block: Block<PrefixRange> | undefined;
}

/** Kept per host object, which resolveHosts reuses while the host is unchanged. */
const hostRoutesMemo = new WeakMap<ResolvedHost, HostRoutes>();

const itself = (r: PrefixRange): PrefixRange => r;

function hostRoutes(h: ResolvedHost): HostRoutes {
  const hit = hostRoutesMemo.get(h);
  if (hit !== undefined) return hit;
  const route = (dst: string): Route => ({ dst, via: h.nextHop, dev: h.iface, protocol: ROUTE_PROTOCOL });
  const routes = [route(h.prefix), ...h.networks.map((n) => route(n.prefix))];
  const { block, complete } = hostPrefixes(h);
  const distinct = complete && block !== undefined && !block.items.some((r, i, all) => i > 0 && byRange(all[i - 1]!, r) === 0);
  const made = { routes, block: distinct ? block : undefined };
  hostRoutesMemo.set(h, made);
  return made;
}

/** Routes by destination: a later route to the same prefix replaces the earlier in its place. */
function dedupeRoutes(routes: Iterable<Route>): Map<string, Route> {
  const out = new Map<string, Route>();
  for (const r of routes) out.set(r.dst, r);
  return out;
}

/**
 * Every host prefix appears once when each host's destinations are distinct and the hosts'
 * spans do not overlap; the static and delegated routes (a handful) then only need checking
 * against those spans, and the 100,000-odd host routes need no map of their own.
 */
function hostsSeparate(hosts: readonly HostRoutes[], extras: readonly Route[]): boolean {
  const blocks: Block<PrefixRange>[] = [];
  for (const h of hosts) {
    if (h.block === undefined) return false;
    blocks.push(h.block);
  }
  const separate = separateBlocks(blocks);
  if (separate === undefined) return false;
  return extras.every((r) => {
    const range = prefixRange(r.dst);
    return range !== undefined && !blocksHold(separate, range, itself);
  });
}

function desiredRoutes(config: Config, hosts: readonly ResolvedHost[], leaseRoutes: readonly LeaseRoute[]): Route[] {
  const up = config.upstream;
  const first: Route[] = up?.mode === 'static' ? [{ dst: '::/0', via: canonicalAddress(up.gateway), dev: up.interface, protocol: ROUTE_PROTOCOL }] : [];
  const last = leaseRoutes.map((l): Route => ({ dst: canonicalPrefix(l.prefix), via: canonicalAddress(l.via), dev: l.dev, protocol: ROUTE_PROTOCOL }));
  const perHost = hosts.map(hostRoutes);
  if (!hostsSeparate(perHost, [...first, ...last])) return [...dedupeRoutes([...first, ...perHost.flatMap((h) => h.routes), ...last]).values()];
  // No host route shares a destination with another route: only the static and delegated
  // routes can replace one another, and the static one keeps its place at the front.
  const extras = dedupeRoutes([...first, ...last]);
  const out: Route[] = [];
  for (const r of first) out.push(extras.get(r.dst)!);
  for (const h of perHost) for (const r of h.routes) out.push(r);
  for (const [dst, r] of extras) if (first[0]?.dst !== dst) out.push(r);
  return out;
}

function desiredProxyNeighbors(config: Config, leasedAddresses: readonly string[]): ProxyNeighbor[] {
  const out = new Map<string, ProxyNeighbor>();
  for (const r of config.ndproxy.rules) {
    if (r.mode !== 'kernel') continue;
    for (const a of [...r.addresses, ...leasedInside(r.prefix, leasedAddresses)]) {
      const n = { address: canonicalAddress(a), dev: r.upstream };
      out.set(`${n.dev} ${n.address}`, n);
    }
  }
  return [...out.values()];
}

// --- DHCPv6 address leases proxied by `kernel` ndproxy rules ---------------------------------
// A `kernel` rule lists exact addresses; an address the DHCPv6 server leases inside that rule's
// prefix needs the same kernel proxy entry, or the upstream could not reach the client. The
// userspace proxy's static/auto/iface rules answer for leased addresses without any entry.

/** Addresses of active, unexpired IA_NA leases (canonical text). */
export function leasedAddressesOf(leases: readonly LeaseRecord[], now: number): string[] {
  return leases.filter((l) => l.kind === 'na' && l.state === 'active' && l.expiresAt > now).map((l) => canonicalAddress(l.lease));
}

function leasedInside(prefix: string, leasedAddresses: readonly string[]): string[] {
  const p = parsePrefix(prefix);
  if (!p.ok) return [];
  return leasedAddresses.filter((a) => {
    const v = parseAddress(a);
    return v.ok && contains(p.value, v.value);
  });
}

/** The whole desired state of a revision: links, addresses, sysctls, routes, proxy entries, filters. */
export function desiredState(
  config: Config,
  allocations: readonly AllocationRecord[],
  leaseRoutes: readonly LeaseRoute[],
  leasedAddresses: readonly string[] = [],
): Desired {
  const { hosts, problems } = resolveHosts(config, allocations);
  return {
    links: desiredLinks(config),
    addresses: desiredAddresses(config),
    sysctls: desiredSysctls(config),
    routes: desiredRoutes(config, hosts, leaseRoutes),
    proxyNeighbors: desiredProxyNeighbors(config, leasedAddresses),
    nft: filterSpec(config, hosts, leaseRoutes),
    problems,
  };
}
