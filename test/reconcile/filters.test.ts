import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desiredState } from '../../src/reconcile/desired.ts';
import { counterNames, disjointPrefixes, FORWARD_ICMPV6_TYPES, INPUT_ICMPV6_TYPES } from '../../src/reconcile/filters.ts';
import { planFilter } from '../../src/reconcile/plan-nft.ts';
import type { FilterSpec, ObservedFilter } from '../../src/reconcile/types.ts';
import { fleet, parse, ROUTER } from './fixtures.ts';

const spec = (hosts = 0): FilterSpec => {
  const { config, allocations } = fleet(hosts);
  return desiredState(config, allocations, []).nft;
};

/** What nft would report after loading `f`. */
const loaded = (f: FilterSpec): ObservedFilter => ({
  sets: f.sets,
  chains: f.chains.map((c) => ({ ...c, rules: c.rules.map((r) => r.comment) })),
  counters: f.chains.flatMap((c) => c.rules.map((r) => r.name)),
});

const icmpTypesOf = (f: FilterSpec, rule: string): unknown => {
  const r = f.chains.flatMap((c) => c.rules).find((x) => x.name === rule);
  return (r?.expr[0] as { match: { right: { set: number[] } } }).match.right.set;
};

test('RFC 4890: transit and local ICMPv6 types are accepted; redirects only when allowed', () => {
  const f = desiredState(parse(ROUTER), [], []).nft;
  for (const t of [1, 2, 3, 4, 128, 129]) assert.ok(FORWARD_ICMPV6_TYPES.includes(t), `forward ${t}`);
  for (const t of [1, 2, 3, 4, 128, 129, 130, 131, 132, 133, 134, 135, 136, 141, 142, 143, 148, 149, 151, 152, 153]) assert.ok(INPUT_ICMPV6_TYPES.includes(t), `input ${t}`);
  assert.deepEqual(icmpTypesOf(f, 'fwd_icmpv6'), FORWARD_ICMPV6_TYPES);
  assert.equal((icmpTypesOf(f, 'in_icmpv6') as number[]).includes(137), false);
  const allowing = desiredState(parse({ ...ROUTER, firewall: { redirects: 'allow' } }), [], []).nft;
  assert.equal((icmpTypesOf(allowing, 'in_icmpv6') as number[]).includes(137), true);
});

test('the ruleset: policy drop, rogue RA/DHCPv6 guard before ICMPv6 accept, no nat chain', () => {
  const f = desiredState(parse(ROUTER), [], []).nft;
  assert.deepEqual(f.chains.map((c) => `${c.name}:${c.hook}:${c.policy}`), ['input:input:drop', 'forward:forward:drop']);
  const input = f.chains[0]!.rules.map((r) => r.name);
  assert.ok(input.indexOf('in_rogue_ra') < input.indexOf('in_icmpv6'));
  assert.ok(input.indexOf('in_rogue_dhcpv6') < input.indexOf('in_dhcpv6_server'));
  assert.ok(input.includes('in_ssh'));
  assert.equal(JSON.stringify(f).includes('nat'), false);
  const sets = new Map(f.sets.map((s) => [s.name, s.elements]));
  assert.deepEqual(sets.get('mgmt_ifaces'), ['lo1']);
  assert.deepEqual(sets.get('published'), ['2001:db8:1000:1::/80 . tcp . 443', '2001:db8:1000:2::/80 . udp . 8000-8100']);
  // The /80s lie inside the /48 on the same interface: one element covers them (nft refuses overlaps).
  assert.deepEqual(sourcesOf(f, 'br0'), ['2001:db8:3::/64', '2001:db8:1000::/48']);
  assert.deepEqual(sourcesOf(f, 'eth1.10'), ['2001:db8:10::/64']);
  assert.deepEqual(sets.get('host_prefixes'), ['2001:db8:1000::/48']);
  // Anti-spoofing: one rule per inside interface, against that interface's own set, one counter.
  const spoofed = f.chains[1]!.rules.filter((r) => r.name === 'fwd_spoofed');
  assert.equal(spoofed.length, 6);
  assert.deepEqual(counterNames(f).filter((n) => n === 'fwd_spoofed'), ['fwd_spoofed']);
});

/** The source set the anti-spoofing rule for `iface` checks against. */
function sourcesOf(f: FilterSpec, iface: string): readonly string[] | undefined {
  const rule = f.chains.find((c) => c.name === 'forward')!.rules.find((r) => r.name === 'fwd_spoofed' && JSON.stringify(r.expr[0]).includes(`"right":"${iface}"`));
  const set = /"right":"@([a-z_0-9]+)"/.exec(JSON.stringify(rule?.expr[1]))?.[1];
  return f.sets.find((s) => s.name === set)?.elements;
}

test('no SSH rule without a management side', () => {
  const f = desiredState(parse({ ...ROUTER, interfaces: { ...ROUTER.interfaces, lo1: { kind: 'dummy', role: 'lan' } }, firewall: {} }), [], []).nft;
  assert.equal(f.chains.flatMap((c) => c.rules).some((r) => r.name === 'in_ssh'), false);
});

test('10,000 hosts: the same rules as one host, sets with 10,000 elements', () => {
  const one = spec(1);
  const many = spec(10_000);
  const rules = (f: FilterSpec) => f.chains.map((c) => c.rules.map((r) => r.comment));
  assert.deepEqual(rules(many), rules(one));
  assert.equal(many.sets.length, one.sets.length);
  const sizes = new Map(many.sets.map((s) => [s.name, s.elements.length]));
  assert.equal(sizes.get('host_prefixes'), 10_000);
  assert.equal(sizes.get('published'), 10_000);
  assert.ok(sourcesOf(many, 'br0')!.length >= 10_000);
});

test('a change of hosts is only element changes: no table rebuild, no flush', () => {
  const before = spec(50);
  const after = spec(51);
  const changes = planFilter(after, loaded(before));
  assert.deepEqual(changes.map((c) => c.op).sort(), ['add-elements', 'add-elements', 'add-elements']);
  assert.deepEqual(planFilter(before, loaded(after)).map((c) => c.op), ['delete-elements', 'delete-elements', 'delete-elements']);
  assert.deepEqual(planFilter(after, loaded(after)), []);
});

test('a changed, missing or extra rule rebuilds the table in one change', () => {
  const f = spec(2);
  const l = loaded(f);
  const dropped = { ...l, chains: l.chains.map((c) => ({ ...c, rules: c.rules.slice(1) })) };
  assert.deepEqual(planFilter(f, dropped).map((c) => c.op), ['replace-table']);
  assert.deepEqual(planFilter(f, undefined).map((c) => c.op), ['replace-table']);
  const logging = desiredState(parse({ ...ROUTER, firewall: { logDrops: true } }), [], []).nft;
  assert.deepEqual(planFilter(logging, loaded(desiredState(parse(ROUTER), [], []).nft)).map((c) => c.op), ['replace-table']);
});

test('disjointPrefixes keeps the covering prefix and drops duplicates', () => {
  assert.deepEqual(disjointPrefixes(['2001:db8:0:1::/64', '2001:db8::/48', '2001:db8:0:1::/64', '2001:db9::/48', '2001:db8:0:0::5']), ['2001:db8::/48', '2001:db9::/48']);
});
