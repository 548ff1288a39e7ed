// The IPAM step of a pass: from the config's hosts to the allocations the desired state needs.
// Two levels: each host gets a prefix from `ipam.hostPool`; each of its container networks then
// gets a prefix from inside the host's. Pure: the caller persists the result.
import type { Config, HostConfig } from '../config/schema.ts';
import { allocationsOf, reconcileAllocations, type IpamState, type Reconciled, type WantedPool } from '../net/ipam.ts';
import { parsePrefix, type Prefix } from '../net/prefix.ts';
import { err, ok, problem, type Problem, type Result } from '../lib/result.ts';
import { plainPrefixRange } from './canonical.ts';
import { HOST_POOL, networkPool, sameData } from './hosts.ts';

/**
 * A prefix text as a value, strictly (host bits set is no prefix). Canonical text, which is
 * what IPAM stores, has no host bits, so its one fast parse decides; anything else is parsed as
 * written. Not through the range memo: the host prefixes of a cold pass are new texts, and a
 * changed host's pool is rebuilt only when its prefix moved.
 */
function prefixOf(text: string | undefined): Prefix | undefined {
  if (text === undefined) return undefined;
  const range = plainPrefixRange(text);
  if (range !== undefined && range.text === text) return range;
  const p = parsePrefix(text);
  return p.ok ? p.value : undefined;
}

function hostPool(config: Config, names: readonly string[], problems: Problem[]): WantedPool | undefined {
  const ipam = config.ipam;
  const poolPrefix = prefixOf(ipam?.hostPool);
  const owners = [];
  for (const name of names) {
    const host = config.hosts[name]!;
    const fixed = prefixOf(host.prefix);
    if (fixed === undefined && host.prefixLength !== undefined && host.prefixLength !== ipam?.hostPrefixLength) {
      problems.push(problem('unsupported', `Host ${name} asks for a /${host.prefixLength} while the pool hands out /${ipam?.hostPrefixLength ?? 48}s; give it a fixed prefix instead.`, { path: `hosts.${name}.prefixLength` }));
      continue;
    }
    if (fixed === undefined && poolPrefix === undefined) {
      problems.push(problem('no-pool', `Host ${name} has no fixed prefix and ipam.hostPool is not set.`, { path: `hosts.${name}` }));
      continue;
    }
    owners.push(fixed === undefined ? { owner: name } : { owner: name, fixed });
  }
  if (poolPrefix === undefined) return undefined;
  return { pool: HOST_POOL, poolPrefix, length: ipam?.hostPrefixLength ?? 48, owners };
}

/** A host's network pool with what it was built from. */
interface BuiltPool {
  readonly hostPrefix: string;
  readonly length: number;
  readonly networks: HostConfig['networks'];
  readonly pool: WantedPool;
}

/** Each host's network pool, aligned with the sorted host names (undefined: no host prefix yet). */
type NetworkPools = ReadonlyArray<BuiltPool | undefined>;

/**
 * The last pool built for each host name. Each commit parses a new config, so a pool is
 * recognised by value: the same host prefix, length and networks give back the same WantedPool,
 * which IPAM then recognises as settled without walking its owners (src/net/ipam.ts).
 */
const builtPools = new Map<string, BuiltPool>();

function prune(names: readonly string[]): void {
  if (builtPools.size <= 2 * names.length + 1024) return;
  const wanted = new Set(names);
  for (const name of builtPools.keys()) if (!wanted.has(name)) builtPools.delete(name);
}

/**
 * The network pools of the hosts that have a prefix in `state`. `earlier` is this config's
 * first-pass result: a host whose prefix did not move keeps its pool without another check.
 */
function networkPools(config: Config, names: readonly string[], state: IpamState, earlier?: NetworkPools): NetworkPools {
  const length = config.ipam?.containerNetworkLength ?? 80;
  const held = new Map(allocationsOf(state, HOST_POOL).map((r) => [r.owner, r.prefix]));
  const out = names.map((name, i): BuiltPool | undefined => {
    const host = config.hosts[name]!;
    const text = host.prefix ?? held.get(name);
    if (text === undefined) return undefined;
    const same = earlier?.[i];
    if (same !== undefined && same.hostPrefix === text) return same;
    const before = builtPools.get(name);
    if (before !== undefined && before.hostPrefix === text && before.length === length && sameData(before.networks, host.networks)) return before;
    const hostPrefix = prefixOf(text);
    if (hostPrefix === undefined) return undefined;
    const owners = Object.keys(host.networks).sort().map((net) => {
      const fixed = prefixOf(host.networks[net]!.prefix);
      return fixed === undefined ? { owner: `${name}/${net}` } : { owner: `${name}/${net}`, fixed };
    });
    const built = { hostPrefix: text, length, networks: host.networks, pool: { pool: networkPool(name), poolPrefix: hostPrefix, length: Math.max(length, hostPrefix.length), owners } };
    builtPools.set(name, built);
    return built;
  });
  prune(names);
  return out;
}

/**
 * Allocations for every host and container network of `config`: kept where they exist, made
 * where missing, released (into quarantine) where the owner is gone. Problems name the owner.
 */
export function allocateForConfig(state: IpamState, config: Config, now: number): Result<Reconciled> {
  const problems: Problem[] = [];
  const quarantineMs = (config.ipam?.quarantineSeconds ?? 86_400) * 1000;
  const names = Object.keys(config.hosts).sort();
  const hosts = hostPool(config, names, problems);
  const wanted = (pools: NetworkPools): WantedPool[] => {
    const out = hosts === undefined ? [] : [hosts];
    for (const p of pools) if (p !== undefined) out.push(p.pool);
    return out;
  };
  // Every pass lists every pool it wants kept: a pool left out is released as "no longer
  // listed". The first pass settles host prefixes (networks of hosts that already had one stay
  // put); the second gives networks to hosts that got their prefix in the first.
  const firstPools = networkPools(config, names, state);
  const first = reconcileAllocations(state, wanted(firstPools), now, { quarantineMs });
  if (!first.ok) return first;
  // When the first pass moved no host prefix and met no problem, it left every listed pool as
  // wanted and the second would list the same pools and find nothing to do.
  const hostsMoved = [...first.value.allocated, ...first.value.released].some((r) => r.pool === HOST_POOL);
  if (!hostsMoved && first.value.problems.length === 0) return ok({ ...first.value, problems });
  const second = reconcileAllocations(first.value.state, wanted(networkPools(config, names, first.value.state, firstPools)), now, { quarantineMs });
  if (!second.ok) return err(second.error);
  return ok({
    state: second.value.state,
    allocated: [...first.value.allocated, ...second.value.allocated],
    released: [...first.value.released, ...second.value.released],
    problems: [...problems, ...first.value.problems, ...second.value.problems],
  });
}
