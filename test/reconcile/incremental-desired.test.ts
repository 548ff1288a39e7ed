// Reuse across commits must be invisible: after random fleets and random edits, the warm path
// (hosts remembered by value, per-host routes and set elements reused, IPAM skipping settled
// pools and a needless second pass) gives exactly what a cold computation or the plain
// two-pass IPAM gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ConfigInput, Config } from '../../src/config/schema.ts';
import { unwrap } from '../../src/lib/result.ts';
import { reconcileAllocations, release, type IpamState, type Reconciled, type WantedPool } from '../../src/net/ipam.ts';
import { parsePrefix } from '../../src/net/prefix.ts';
import { allocateForConfig } from '../../src/reconcile/allocations.ts';
import { clearCanonicalMemos } from '../../src/reconcile/canonical.ts';
import { desiredState, type LeaseRoute } from '../../src/reconcile/desired.ts';
import { clearResolvedHosts, resolveHosts, type ResolvedHost } from '../../src/reconcile/hosts.ts';
import { disjointPrefixes, sourceSetName } from '../../src/reconcile/filters.ts';
import { onLinkPrefixes } from '../../src/config/facts.ts';
import type { Route } from '../../src/reconcile/types.ts';
import { parse, ROUTER } from './fixtures.ts';

const NAMES = ['h0', 'h1', 'h2', 'h3', 'h4', 'h10'];
const NETS = ['a', 'b', 'web'];

/** One host as an operator might write it; `fixed` gives it a prefix of its own outside the pool. */
const hostArb = fc.record({
  iface: fc.constantFrom('br0', 'eth1.10'),
  hop: fc.integer({ min: 1, max: 40 }),
  linkLocal: fc.boolean(),
  fixed: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
  nets: fc.subarray(NETS),
  fixedNet: fc.boolean(),
  port: fc.option(fc.constantFrom(80, 443, '8000-8100'), { nil: undefined }),
});
type HostSpec = typeof hostArb extends fc.Arbitrary<infer T> ? T : never;
type Fleet = Partial<Record<string, HostSpec>>;

const fleetArb: fc.Arbitrary<Fleet> = fc.dictionary(fc.constantFrom(...NAMES), hostArb, { maxKeys: NAMES.length });
/** An edit: hosts added or replaced, and hosts removed (null). */
const editArb: fc.Arbitrary<Partial<Record<string, HostSpec | null>>> = fc.dictionary(fc.constantFrom(...NAMES), fc.option(hostArb, { nil: null }), { maxKeys: 3 });

function applyEdit(f: Fleet, edit: Partial<Record<string, HostSpec | null>>): Fleet {
  const out: Fleet = { ...f };
  for (const [name, spec] of Object.entries(edit)) {
    if (spec === null || spec === undefined) delete out[name];
    else out[name] = spec;
  }
  return out;
}

function configOf(f: Fleet): Config {
  const hosts: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(f)) {
    if (s === undefined) continue;
    const base = s.fixed === undefined ? undefined : `2001:db9:${s.fixed}::`;
    const networks = Object.fromEntries(s.nets.map((n: string, i: number) => [n, s.fixedNet && base !== undefined ? { prefix: `${base.slice(0, -1)}${i + 1}::/64` } : {}]));
    const hop = s.linkLocal ? `fe80::${s.hop.toString(16)}` : s.iface === 'br0' ? `2001:db8:3::${s.hop.toString(16)}` : `2001:db8:10::${s.hop.toString(16)}`;
    hosts[name] = {
      interface: s.iface,
      nextHop: hop,
      ...(base === undefined ? {} : { prefix: `${base}/48` }),
      networks,
      publishedPorts: s.port === undefined || s.nets[0] === undefined ? [] : [{ protocol: 'tcp', port: s.port, network: s.nets[0] }],
    };
  }
  return parse({ ...ROUTER, hosts: hosts as ConfigInput['hosts'], ipam: { hostPool: '2001:db8:4000::/44', hostPrefixLength: 48, containerNetworkLength: 64 } });
}

/** IPAM as it was before the shortcuts: every pool listed twice, from plainly parsed prefixes. */
function plainAllocate(state: IpamState, config: Config, now: number): Reconciled {
  const P = (t: string | undefined) => (t === undefined ? undefined : unwrap(parsePrefix(t)));
  const names = Object.keys(config.hosts).sort();
  const quarantineMs = config.ipam!.quarantineSeconds * 1000;
  const hostPool: WantedPool = {
    pool: 'hosts', poolPrefix: P(config.ipam!.hostPool)!, length: config.ipam!.hostPrefixLength,
    owners: names.map((n) => (config.hosts[n]!.prefix === undefined ? { owner: n } : { owner: n, fixed: P(config.hosts[n]!.prefix)! })),
  };
  const wanted = (s: IpamState): WantedPool[] => {
    const held = new Map(s.filter((r) => r.pool === 'hosts' && r.releasedAt === undefined).map((r) => [r.owner, r.prefix]));
    const pools = names.flatMap((n) => {
      const h = config.hosts[n]!;
      const prefix = P(h.prefix ?? held.get(n));
      if (prefix === undefined) return [];
      const owners = Object.keys(h.networks).sort().map((net) => {
        const fixed = P(h.networks[net]!.prefix);
        return fixed === undefined ? { owner: `${n}/${net}` } : { owner: `${n}/${net}`, fixed };
      });
      return [{ pool: `host:${n}`, poolPrefix: prefix, length: Math.max(config.ipam!.containerNetworkLength, prefix.length), owners }];
    });
    return [hostPool, ...pools];
  };
  const first = unwrap(reconcileAllocations(state, wanted(state), now, { quarantineMs }));
  const second = unwrap(reconcileAllocations(first.state, wanted(first.state), now, { quarantineMs }));
  return {
    state: second.state,
    allocated: [...first.allocated, ...second.allocated],
    released: [...first.released, ...second.released],
    problems: [...first.problems, ...second.problems],
  };
}

const byOwner = (records: Reconciled['released']) => [...records].sort((a, b) => (`${a.pool} ${a.owner}` < `${b.pool} ${b.owner}` ? -1 : 1));

const LEASES: LeaseRoute[] = [{ prefix: '2001:db8:100::/56', via: 'fe80::1', dev: 'eth1.10' }];

test('property: IPAM with its shortcuts equals the plain two-pass computation over a run of edits', () => {
  // Steps an hour or a quarantine period apart, so released prefixes expire and are pruned too;
  // some steps first release one live allocation behind the config's back (an operator's
  // `ipam release`), so a pool IPAM saw settled before has changed under the same config.
  const step = fc.tuple(editArb, fc.constantFrom(3600_000, 86_400_001), fc.option(fc.nat(), { nil: undefined }));
  fc.assert(
    fc.property(fleetArb, fc.array(step, { minLength: 1, maxLength: 4 }), (start, steps) => {
      let fleet = start;
      let state: IpamState = [];
      let now = 0;
      for (const [edit, gap, pick] of [[{}, 0, undefined] as const, ...steps]) {
        now += gap;
        const live = state.filter((r) => r.releasedAt === undefined);
        const victim = pick === undefined ? undefined : live[pick % Math.max(1, live.length)];
        if (victim !== undefined) state = unwrap(release(state, victim.pool, victim.owner, now)).state;
        fleet = applyEdit(fleet, edit);
        const config = configOf(fleet);
        // The plain run starts cold (a copy, so no index is memoised for it); the fast one warm.
        const plain = plainAllocate(structuredClone(state), config, now);
        const fast = unwrap(allocateForConfig(state, config, now));
        // Releases of one pool come in the order of its index, which depends on whether the
        // index was built from the list or carried over from the last call: compare as sets.
        assert.deepEqual({ ...fast, released: byOwner(fast.released) }, { ...plain, released: byOwner(plain.released) });
        state = fast.state;
      }
    }),
    { numRuns: 150 },
  );
});

/** Routes as one map by destination over everything, in order: what the shortcuts must reproduce. */
function plainRoutes(config: Config, hosts: readonly ResolvedHost[], leases: readonly LeaseRoute[]): Route[] {
  const out = new Map<string, Route>();
  const add = (dst: string, via: string, dev: string) => out.set(dst, { dst, via, dev, protocol: 'v6edge' });
  if (config.upstream?.mode === 'static') add('::/0', config.upstream.gateway, config.upstream.interface);
  for (const h of hosts) for (const p of [h.prefix, ...h.networks.map((n) => n.prefix)]) add(p, h.nextHop, h.iface);
  for (const l of leases) add(l.prefix, l.via, l.dev);
  return [...out.values()];
}

/** The prefix sets sorted and swept whole, without per-host blocks. */
function plainSets(config: Config, hosts: readonly ResolvedHost[], leases: readonly LeaseRoute[]): Record<string, readonly string[]> {
  const byIface = new Map<string, string[]>();
  const on = (iface: string, p: string) => byIface.set(iface, [...(byIface.get(iface) ?? []), p]);
  for (const iface of ['br0', 'eth1', 'eth1.10', 'eth2', 'eth3', 'bond0']) for (const p of onLinkPrefixes(config, iface)) if (['lan', 'hosts'].includes(config.interfaces[iface]!.role)) on(iface, p.text);
  for (const h of hosts) for (const p of [h.prefix, ...h.networks.map((n) => n.prefix)]) on(h.iface, p);
  for (const l of leases) on(l.dev, l.prefix);
  const inside = Object.keys(config.interfaces).filter((i) => ['lan', 'hosts'].includes(config.interfaces[i]!.role)).sort();
  return {
    ...Object.fromEntries(inside.map((iface, i) => [sourceSetName(i), disjointPrefixes(byIface.get(iface) ?? [])])),
    host_prefixes: disjointPrefixes(hosts.flatMap((h) => [h.prefix, ...h.networks.map((n) => n.prefix)])),
  };
}

/** Delegated prefixes that collide with the static default route, a host's prefix or one of its networks, or nothing. */
const leasesArb = (state: IpamState): fc.Arbitrary<LeaseRoute[]> => {
  const live = state.filter((r) => r.releasedAt === undefined).map((r) => r.prefix);
  const prefix = fc.oneof(fc.constant('::/0'), fc.constant('2001:db8:100::/56'), fc.constant('2001:db9:1::/48'), ...(live.length > 0 ? [fc.constantFrom(...live)] : []));
  return fc.array(fc.record({ prefix, via: fc.constantFrom('fe80::1', 'fe80::2'), dev: fc.constantFrom('eth1.10', 'br0') }), { maxLength: 3 });
};

test('property: desired state after edits equals the desired state computed cold, and the plain routes and sets', () => {
  fc.assert(
    fc.property(fleetArb, fc.array(editArb, { minLength: 1, maxLength: 3 }), fc.boolean(), fc.nat(), fc.nat(), (start, edits, copied, dropSeed, leaseSeed) => {
      let fleet = start;
      let state: IpamState = [];
      for (const edit of [{}, ...edits]) {
        fleet = applyEdit(fleet, edit);
        const config = configOf(fleet);
        state = unwrap(allocateForConfig(state, config, 0)).state;
        const leases = fc.sample(leasesArb(state), { numRuns: 1, seed: leaseSeed })[0]!;
        // Sometimes as the store hands them back (new objects), sometimes with one record missing.
        let allocations: IpamState = copied ? structuredClone(state) : state;
        if (allocations.length > 0 && dropSeed % 3 === 0) allocations = allocations.filter((_, i) => i !== dropSeed % allocations.length);
        const warm = desiredState(config, allocations, leases);
        const hosts = resolveHosts(config, allocations).hosts;
        assert.deepEqual(warm.routes, plainRoutes(config, hosts, leases));
        const sets = Object.fromEntries(warm.nft.sets.map((x) => [x.name, x.elements]));
        const plain = plainSets(config, hosts, leases);
        for (const [name, elements] of Object.entries(plain)) assert.deepEqual(sets[name], elements, name);
        clearResolvedHosts();
        clearCanonicalMemos();
        const cold = desiredState(configOf(fleet), structuredClone(allocations), leases);
        assert.deepEqual(warm, cold);
      }
    }),
    { numRuns: 150 },
  );
});

test('an unchanged host is resolved to the same object across commits; an edited one is not', () => {
  const f: Fleet = {
    h0: { iface: 'br0', hop: 1, linkLocal: true, fixed: undefined, nets: ['a'], fixedNet: false, port: 80 },
    h1: { iface: 'br0', hop: 2, linkLocal: true, fixed: undefined, nets: ['a', 'b'], fixedNet: false, port: undefined },
  };
  const config = configOf(f);
  const state = unwrap(allocateForConfig([], config, 0)).state;
  const before = resolveHosts(config, state).hosts;
  const edited = configOf({ ...f, h1: { ...f.h1!, hop: 9 } });
  const after = resolveHosts(edited, structuredClone(state)).hosts;
  assert.equal(after[0], before[0], 'h0 reused');
  assert.notEqual(after[1], before[1], 'h1 resolved anew');
  assert.equal(after[1]!.nextHop, 'fe80::9');
});
