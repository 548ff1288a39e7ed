// The IPAM step of a pass: from the config's hosts to the allocations the desired state needs.
// Two levels: each host gets a prefix from `ipam.hostPool`; each of its container networks then
// gets a prefix from inside the host's. Pure: the caller persists the result.
import type { Config } from '../config/schema.ts';
import { reconcileAllocations, type IpamState, type Reconciled, type WantedPool } from '../net/ipam.ts';
import { parsePrefix, type Prefix } from '../net/prefix.ts';
import { err, ok, problem, type Problem, type Result } from '../lib/result.ts';
import { HOST_POOL, networkPool } from './hosts.ts';

function prefixOf(text: string | undefined): Prefix | undefined {
  if (text === undefined) return undefined;
  const p = parsePrefix(text);
  return p.ok ? p.value : undefined;
}

function hostPool(config: Config, problems: Problem[]): WantedPool | undefined {
  const names = Object.keys(config.hosts).sort();
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

function networkPools(config: Config, state: IpamState): WantedPool[] {
  const length = config.ipam?.containerNetworkLength ?? 80;
  const held = new Map(state.filter((r) => r.pool === HOST_POOL && r.releasedAt === undefined).map((r) => [r.owner, r.prefix]));
  const pools: WantedPool[] = [];
  for (const name of Object.keys(config.hosts).sort()) {
    const host = config.hosts[name]!;
    const hostPrefix = prefixOf(host.prefix ?? held.get(name));
    if (hostPrefix === undefined) continue;
    const owners = Object.keys(host.networks).sort().map((net) => {
      const fixed = prefixOf(host.networks[net]!.prefix);
      return fixed === undefined ? { owner: `${name}/${net}` } : { owner: `${name}/${net}`, fixed };
    });
    pools.push({ pool: networkPool(name), poolPrefix: hostPrefix, length: Math.max(length, hostPrefix.length), owners });
  }
  return pools;
}

/**
 * Allocations for every host and container network of `config`: kept where they exist, made
 * where missing, released (into quarantine) where the owner is gone. Problems name the owner.
 */
export function allocateForConfig(state: IpamState, config: Config, now: number): Result<Reconciled> {
  const problems: Problem[] = [];
  const quarantineMs = (config.ipam?.quarantineSeconds ?? 86_400) * 1000;
  const hosts = hostPool(config, problems);
  const wanted = (s: IpamState): WantedPool[] => [...(hosts === undefined ? [] : [hosts]), ...networkPools(config, s)];
  // Every pass lists every pool it wants kept: a pool left out is released as "no longer
  // listed". The first pass settles host prefixes (networks of hosts that already had one stay
  // put); the second gives networks to hosts that got their prefix in the first.
  const first = reconcileAllocations(state, wanted(state), now, { quarantineMs });
  if (!first.ok) return first;
  const second = reconcileAllocations(first.value.state, wanted(first.value.state), now, { quarantineMs });
  if (!second.ok) return err(second.error);
  return ok({
    state: second.value.state,
    allocated: [...first.value.allocated, ...second.value.allocated],
    released: [...first.value.released, ...second.value.released],
    problems: [...problems, ...first.value.problems, ...second.value.problems],
  });
}
