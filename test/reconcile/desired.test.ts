import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desiredState, leaseRoutesOf } from '../../src/reconcile/desired.ts';
import { fleet, parse, ROUTER } from './fixtures.ts';

test('links: every configured kind with its mtu, state, parent, mode and master', () => {
  const d = desiredState(parse(ROUTER), [], []);
  const byName = new Map(d.links.map((l) => [l.name, l]));
  assert.deepEqual(byName.get('eth1.10'), { name: 'eth1.10', kind: 'vlan', parent: 'eth1', vlanId: 10, mtu: 1500, up: true });
  assert.deepEqual(byName.get('bond0'), { name: 'bond0', kind: 'bond', bondMode: '802.3ad', mtu: 1500, up: true });
  assert.deepEqual(byName.get('lo1'), { name: 'lo1', kind: 'dummy', mtu: 1500, up: true });
  assert.deepEqual(byName.get('br0'), { name: 'br0', kind: 'bridge', mtu: 1400, up: true });
  assert.equal(byName.get('eth2')?.master, 'bond0');
  assert.equal(byName.get('eth1')?.mtu, 9000);
});

test('addresses, sysctls and proxy entries follow the interfaces and the ndproxy kernel rules', () => {
  const d = desiredState(parse(ROUTER), [], []);
  assert.deepEqual(d.addresses.map((a) => `${a.dev} ${a.cidr}`).sort(), [
    'bond0 2001:db8:20::1/64', 'br0 2001:db8:3::1/64', 'eth0 2001:db8:ffff::2/64', 'eth1.10 2001:db8:10::1/64', 'lo1 2001:db8:99::1/128',
  ]);
  const sysctl = new Map(d.sysctls.map((s) => [s.key, s.value]));
  assert.equal(sysctl.get('net/ipv6/conf/all/forwarding'), '1');
  assert.equal(sysctl.get('net/ipv6/conf/eth0/accept_ra'), '2');
  assert.equal(sysctl.get('net/ipv6/conf/eth1.10/accept_ra'), '0');
  assert.equal(sysctl.get('net/ipv6/conf/eth0/proxy_ndp'), '1');
  assert.equal(sysctl.get('net/ipv6/conf/br0/proxy_ndp'), undefined);
  assert.deepEqual(d.proxyNeighbors, [{ address: '2001:db8:ffff::100', dev: 'eth0' }]);
});

test('routes: host prefix and container /80s via the next hop, delegated prefixes via the client, all proto v6edge', () => {
  const leases = leaseRoutesOf([
    { iface: 'eth1.10', duid: '0001', iaid: 1, kind: 'pd', lease: '2001:db8:100::/56', preferredLifetime: 1, validLifetime: 2, expiresAt: 2000, state: 'active', clientLinkLocal: 'FE80::1' },
    { iface: 'eth1.10', duid: '0002', iaid: 1, kind: 'pd', lease: '2001:db8:200::/56', preferredLifetime: 1, validLifetime: 2, expiresAt: 500, state: 'active', clientLinkLocal: 'fe80::2' },
    { iface: 'eth1.10', duid: '0003', iaid: 1, kind: 'na', lease: '2001:db8:10::5', preferredLifetime: 1, validLifetime: 2, expiresAt: 2000, state: 'active' },
  ], 1000);
  const d = desiredState(parse(ROUTER), [], leases);
  assert.deepEqual(d.routes.map((r) => `${r.dst} via ${r.via} dev ${r.dev} proto ${r.protocol}`), [
    '::/0 via 2001:db8:ffff::1 dev eth0 proto v6edge',
    '2001:db8:1000::/48 via 2001:db8:3::10 dev br0 proto v6edge',
    '2001:db8:1000:2::/80 via 2001:db8:3::10 dev br0 proto v6edge',
    '2001:db8:1000:1::/80 via 2001:db8:3::10 dev br0 proto v6edge',
    '2001:db8:100::/56 via fe80::1 dev eth1.10 proto v6edge',
  ]);
});

test('IPAM allocations supply prefixes; a host without one is reported and left out', () => {
  const { config, allocations } = fleet(3);
  const d = desiredState(config, allocations.filter((a) => !a.owner.startsWith('h2')), []);
  assert.ok(d.routes.some((r) => r.dst === '2001:db8:4000::/48' && r.via === 'fe80::1'));
  assert.ok(d.routes.some((r) => r.dst === '2001:db8:4001:1::/80'));
  assert.equal(d.routes.some((r) => r.dst.startsWith('2001:db8:4002:')), false);
  assert.deepEqual(d.problems.map((p) => [p.code, p.where]), [['not-allocated', { path: 'hosts.h2' }]]);
});

test('leaseRoutesOf: only active, unexpired delegations with a known client link-local become routes', () => {
  const base = { iface: 'lan1', duid: '0001', iaid: 1, kind: 'pd' as const, lease: '2001:db8:100::/56', preferredLifetime: 1, validLifetime: 2, expiresAt: 2000, clientLinkLocal: 'fe80::1' };
  const cases: Array<[string, Parameters<typeof leaseRoutesOf>[0][number], number]> = [
    ['active', { ...base, state: 'active' }, 1],
    ['released', { ...base, state: 'released' }, 0],
    ['declined', { ...base, state: 'declined' }, 0],
    ['expired state', { ...base, state: 'expired' }, 0],
    ['past its valid lifetime', { ...base, state: 'active', expiresAt: 1000 }, 0],
    ['no client link-local to route via', { state: 'active', iface: 'lan1', duid: '0001', iaid: 1, kind: 'pd', lease: '2001:db8:100::/56', preferredLifetime: 1, validLifetime: 2, expiresAt: 2000 }, 0],
  ];
  for (const [name, lease, routes] of cases) assert.equal(leaseRoutesOf([lease], 1000).length, routes, name);
});
