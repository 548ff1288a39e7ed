// Container hosts as the planners need them: every prefix resolved, from the config when fixed
// and from IPAM allocations otherwise. A host whose prefix is not allocated yet is reported and
// left out, so one missing allocation never blocks the rest of a pass.
import { problem, type Problem } from '../lib/result.ts';
import type { Config, HostConfig } from '../config/schema.ts';
import type { AllocationRecord } from '../store/records.ts';
import { portRange } from '../config/host-rules.ts';
import { canonicalAddress, canonicalPrefix } from './canonical.ts';

export interface ResolvedNetwork {
  readonly name: string;
  readonly prefix: string;
}

export interface PublishedTarget {
  readonly protocol: 'tcp' | 'udp';
  /** Destination prefix: a container network, or one address as a /128. */
  readonly prefix: string;
  readonly ports: readonly [number, number];
}

export interface ResolvedHost {
  readonly name: string;
  readonly iface: string;
  readonly nextHop: string;
  readonly prefix: string;
  readonly networks: readonly ResolvedNetwork[];
  readonly published: readonly PublishedTarget[];
}

/** IPAM pool names (see src/store/records.ts): `hosts`, and `host:NAME` for a host's networks. */
export const HOST_POOL = 'hosts';
export const networkPool = (host: string): string => `host:${host}`;

/**
 * Live allocations by pool, then owner, so resolving n hosts costs n look-ups, not n scans (and
 * no key strings are built per look-up). IPAM writes canonical text (src/net/ipam.ts formats
 * every prefix it hands out); `canonicalPrefix` is still applied, as a memo hit, for records
 * that came from elsewhere.
 */
type Held = ReadonlyMap<string, ReadonlyMap<string, string>>;

function heldPrefixes(allocations: readonly AllocationRecord[]): Held {
  const out = new Map<string, Map<string, string>>();
  for (const a of allocations) {
    if (a.releasedAt !== undefined) continue;
    let pool = out.get(a.pool);
    if (pool === undefined) out.set(a.pool, (pool = new Map()));
    pool.set(a.owner, a.prefix);
  }
  return out;
}

function allocated(held: Held, pool: string, owners: readonly string[]): string | undefined {
  const inPool = held.get(pool);
  if (inPool === undefined) return undefined;
  for (const owner of owners) {
    const prefix = inPool.get(owner);
    if (prefix !== undefined) return canonicalPrefix(prefix);
  }
  return undefined;
}

function resolveHost(name: string, h: HostConfig, allocations: Held, problems: Problem[]): ResolvedHost | undefined {
  const prefix = h.prefix !== undefined ? canonicalPrefix(h.prefix) : allocated(allocations, HOST_POOL, [name]);
  if (prefix === undefined) {
    problems.push(problem('not-allocated', `Host ${name} has no prefix yet (IPAM has not allocated one); its routes and filters wait for it.`, { path: `hosts.${name}` }));
    return undefined;
  }
  const networks: ResolvedNetwork[] = [];
  for (const [net, n] of Object.entries(h.networks).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const p = n.prefix !== undefined ? canonicalPrefix(n.prefix) : allocated(allocations, networkPool(name), [`${name}/${net}`, net]);
    if (p === undefined) {
      problems.push(problem('not-allocated', `Network ${net} of host ${name} has no prefix yet (IPAM has not allocated one).`, { path: `hosts.${name}.networks.${net}` }));
    } else {
      networks.push({ name: net, prefix: p });
    }
  }
  const published: PublishedTarget[] = [];
  for (const p of h.publishedPorts) {
    const target = p.address !== undefined ? canonicalPrefix(p.address) : networks.find((n) => n.name === p.network)?.prefix;
    if (target !== undefined) published.push({ protocol: p.protocol, prefix: target, ports: portRange(p.port) });
  }
  return { name, iface: h.interface, nextHop: canonicalAddress(h.nextHop), prefix, networks, published };
}

/** Every host of `config` with its prefixes, in name order, and what could not be resolved. */
export function resolveHosts(config: Config, allocations: readonly AllocationRecord[]): { hosts: ResolvedHost[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const hosts: ResolvedHost[] = [];
  const held = heldPrefixes(allocations);
  for (const name of Object.keys(config.hosts).sort()) {
    const r = resolveHost(name, config.hosts[name]!, held, problems);
    if (r !== undefined) hosts.push(r);
  }
  return { hosts, problems };
}
