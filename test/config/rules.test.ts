// One failing example per cross-field rule: the exact code and path, and no other problem.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfig } from '../../src/config/validate.ts';
import { demoDoc, summary, type Doc } from './support.ts';

interface Case {
  readonly name: string;
  readonly edit: (d: Doc) => void;
  readonly code: string;
  readonly path: string;
  /** Further problems the same edit rightly causes. */
  readonly more?: readonly string[];
}

const lan0 = (d: Doc) => d.interfaces.lan0;
const lan1 = (d: Doc) => d.interfaces.lan1;

const cases: Case[] = [
  // RA timers and lifetimes (RFC 4861 §6.2.1)
  { name: 'preferred > valid', edit: (d) => Object.assign(lan0(d).ra.prefixes[0], { validLifetime: 100, preferredLifetime: 200 }), code: 'preferred-exceeds-valid', path: 'interfaces.lan0.ra.prefixes[0].preferredLifetime' },
  { name: 'finite preferred under infinite valid is fine, infinite preferred under finite valid is not', edit: (d) => Object.assign(lan0(d).ra.prefixes[0], { validLifetime: 100, preferredLifetime: 'infinity' }), code: 'preferred-exceeds-valid', path: 'interfaces.lan0.ra.prefixes[0].preferredLifetime' },
  { name: 'Min > 0.75 × Max', edit: (d) => Object.assign(lan0(d).ra, { maxRtrAdvInterval: 100, minRtrAdvInterval: 76 }), code: 'min-interval-too-large', path: 'interfaces.lan0.ra.minRtrAdvInterval' },
  { name: 'router lifetime below Max', edit: (d) => Object.assign(lan0(d).ra, { maxRtrAdvInterval: 600, defaultLifetime: 599 }), code: 'router-lifetime-too-short', path: 'interfaces.lan0.ra.defaultLifetime' },
  { name: 'advertised MTU above the link MTU', edit: (d) => Object.assign(lan0(d).ra, { linkMtu: 9000 }), code: 'link-mtu-too-large', path: 'interfaces.lan0.ra.linkMtu' },
  { name: 'home agent info without the H flag', edit: (d) => Object.assign(lan0(d).ra, { homeAgentInfo: { preference: 1 } }), code: 'home-agent-flag-off', path: 'interfaces.lan0.ra.homeAgentInfo' },
  { name: 'link-local prefix advertised', edit: (d) => lan0(d).ra.prefixes.push({ prefix: 'fe80::/64' }), code: 'link-local-prefix', path: 'interfaces.lan0.ra.prefixes[1].prefix' },
  { name: 'prefix advertised twice', edit: (d) => lan0(d).ra.prefixes.push({ prefix: '2001:db8:1::/64' }), code: 'duplicate', path: 'interfaces.lan0.ra.prefixes[1].prefix' },
  // Interface fields
  { name: 'ips token twice', edit: (d) => lan0(d).ips.push('slaac', 'slaac'), code: 'duplicate', path: 'interfaces.lan0.ips[2]' },
  { name: 'same address twice in another spelling', edit: (d) => lan0(d).ips.push('2001:DB8:1:0::1/64'), code: 'duplicate', path: 'interfaces.lan0.ips[1]' },
  { name: 'gateway off-link', edit: (d) => d.interfaces.wan0.gateways.push('2001:db8:eeee::1'), code: 'not-on-link', path: 'interfaces.wan0.gateways[1]' },
  // DHCPv6 (RFC 8415)
  { name: 'DHCPv6 preferred > valid', edit: (d) => Object.assign(lan1(d).dhcpv6, { preferredLifetime: 9000, validLifetime: 8000 }), code: 'preferred-exceeds-valid', path: 'interfaces.lan1.dhcpv6.preferredLifetime' },
  { name: 'T1 after T2', edit: (d) => Object.assign(lan1(d).dhcpv6, { renewTime: 2000, rebindTime: 1000 }), code: 'renew-after-rebind', path: 'interfaces.lan1.dhcpv6.renewTime' },
  { name: 'stateful without pools', edit: (d) => Object.assign(lan1(d).dhcpv6, { addressPools: [], prefixDelegationPools: [] }), code: 'no-pools', path: 'interfaces.lan1.dhcpv6.mode' },
  { name: 'address range outside the interface prefixes', edit: (d) => (lan1(d).dhcpv6.addressPools[0] = { start: '2001:db8:9::1', end: '2001:db8:9::9' }), code: 'outside-prefixes', path: 'interfaces.lan1.dhcpv6.addressPools[0]' },
  { name: 'address prefix pool outside the interface prefixes', edit: (d) => lan1(d).dhcpv6.addressPools.push({ prefix: '2001:db8:9::/112' }), code: 'outside-prefixes', path: 'interfaces.lan1.dhcpv6.addressPools[1].prefix' },
  { name: 'range end before start', edit: (d) => (lan1(d).dhcpv6.addressPools[0] = { start: '2001:db8:2::9', end: '2001:db8:2::1' }), code: 'empty-range', path: 'interfaces.lan1.dhcpv6.addressPools[0].end' },
  { name: 'delegated length shorter than the PD pool', edit: (d) => (lan1(d).dhcpv6.prefixDelegationPools[0].delegatedLength = 32), code: 'delegated-too-short', path: 'interfaces.lan1.dhcpv6.prefixDelegationPools[0].delegatedLength' },
  { name: 'reservation with nothing reserved', edit: (d) => (lan1(d).dhcpv6.reservations = [{ duid: '000300010200' }]), code: 'empty-reservation', path: 'interfaces.lan1.dhcpv6.reservations[0]' },
  { name: 'DUID reserved twice', edit: (d) => (lan1(d).dhcpv6.reservations = [{ duid: '00:03:00:01:02:00', address: '2001:db8:2::5' }, { duid: '000300010200', address: '2001:db8:2::6' }]), code: 'duplicate', path: 'interfaces.lan1.dhcpv6.reservations[1].duid' },
  { name: 'reserved address off-link', edit: (d) => (lan1(d).dhcpv6.reservations = [{ duid: '000300010200', address: '2001:db8:9::5' }]), code: 'outside-prefixes', path: 'interfaces.lan1.dhcpv6.reservations[0].address' },
  { name: 'reserved prefix outside the PD pools', edit: (d) => (lan1(d).dhcpv6.reservations = [{ duid: '000300010200', prefix: '2001:db8:200::/56' }]), code: 'outside-pools', path: 'interfaces.lan1.dhcpv6.reservations[0].prefix' },
  // Overlaps
  { name: 'two interfaces on one prefix', edit: (d) => (d.interfaces.x0 = { kind: 'dummy', role: 'mgmt', ips: ['2001:db8:1::2/64'] }), code: 'overlap', path: 'interfaces.x0.ips[0]' },
  { name: 'PD pool over a LAN prefix', edit: (d) => (lan1(d).dhcpv6.prefixDelegationPools[0].prefix = '2001:db8:1::/48'), code: 'overlap', path: 'interfaces.lan1.dhcpv6.prefixDelegationPools[0].prefix' },
  { name: 'IPAM pool over a PD pool', edit: (d) => (d.ipam.hostPool = '2001:db8:100::/48'), code: 'overlap', path: 'ipam.hostPool' },
  { name: 'fixed host prefix over a LAN prefix', edit: (d) => (d.hosts.ch1.prefix = '2001:db8:1::/48'), code: 'overlap', path: 'hosts.ch1.prefix' },
  { name: 'two hosts with one fixed prefix', edit: (d) => { d.hosts.ch1.prefix = '2001:db8:4000::/48'; d.hosts.ch2 = { interface: 'hosts0', nextHop: 'fe80::2', prefix: '2001:db8:4000::/48' }; }, code: 'overlap', path: 'hosts.ch2.prefix' },
  { name: 'container network of one host inside another host', edit: (d) => { d.hosts.ch1.prefix = '2001:db8:4000::/48'; d.hosts.ch2 = { interface: 'hosts0', nextHop: 'fe80::2', networks: { x: { prefix: '2001:db8:4000::/80' } } }; }, code: 'overlap', path: 'hosts.ch2.networks.x.prefix' },
  // IPAM and hosts
  { name: 'host prefixes longer than the pool cannot fit', edit: (d) => (d.ipam = { hostPool: '2001:db8:4000::/50', hostPrefixLength: 48 }), code: 'pool-too-small', path: 'ipam.hostPrefixLength' },
  { name: 'container networks larger than a host prefix', edit: (d) => Object.assign(d.ipam, { hostPrefixLength: 64, containerNetworkLength: 56 }), code: 'network-larger-than-host', path: 'ipam.containerNetworkLength' },
  { name: 'host without prefix and no IPAM', edit: (d) => delete d.ipam, code: 'no-ipam', path: 'hosts.ch1' },
  { name: 'host with both prefix and prefixLength', edit: (d) => Object.assign(d.hosts.ch1, { prefix: '2001:db8:4000::/48', prefixLength: 56 }), code: 'conflict', path: 'hosts.ch1.prefixLength' },
  { name: 'host prefixLength shorter than the pool', edit: (d) => (d.hosts.ch1.prefixLength = 32), code: 'pool-too-small', path: 'hosts.ch1.prefixLength' },
  { name: 'global next hop off the host link', edit: (d) => (d.hosts.ch1.nextHop = '2001:db8:1::10'), code: 'not-on-link', path: 'hosts.ch1.nextHop' },
  { name: 'host on a wan interface', edit: (d) => Object.assign(d.hosts.ch1, { interface: 'wan0', nextHop: 'fe80::9' }), code: 'wrong-role', path: 'hosts.ch1.interface' },
  { name: 'fixed network outside the fixed host prefix', edit: (d) => Object.assign(d.hosts.ch1, { prefix: '2001:db8:4000::/48', networks: { web: { prefix: '2001:db8:4001::/80' } } }), code: 'outside-host-prefix', path: 'hosts.ch1.networks.web.prefix' },
  { name: 'port range backwards', edit: (d) => (d.hosts.ch1.publishedPorts[0].port = '9000-8000'), code: 'bad-range', path: 'hosts.ch1.publishedPorts[0].port' },
  { name: 'published port with no target', edit: (d) => delete d.hosts.ch1.publishedPorts[0].network, code: 'missing-target', path: 'hosts.ch1.publishedPorts[0]' },
  { name: 'published port with two targets', edit: (d) => (d.hosts.ch1.publishedPorts[0].address = '2001:db8:4000::1'), code: 'conflict', path: 'hosts.ch1.publishedPorts[0].address' },
  // References and names
  { name: 'published port to an unknown network', edit: (d) => (d.hosts.ch1.publishedPorts[0].network = 'nope'), code: 'unknown-network', path: 'hosts.ch1.publishedPorts[0].network' },
  { name: 'upstream on an unknown interface', edit: (d) => (d.upstream.interface = 'wan9'), code: 'unknown-interface', path: 'upstream.interface' },
  { name: 'upstream on a lan interface', edit: (d) => (d.upstream = { interface: 'lan0', mode: 'slaac' }), code: 'not-wan', path: 'upstream.interface' },
  { name: 'upstream without any wan', edit: (d) => (d.interfaces.wan0.role = 'mgmt'), code: 'no-wan', path: 'upstream' },
  { name: 'two upstream interfaces', edit: (d) => (d.interfaces.wan1 = { kind: 'dummy', role: 'wan' }), code: 'multiple-upstreams', path: 'interfaces.wan1.role' },
  { name: 'vlan on an unknown parent', edit: (d) => (d.interfaces.v10 = { kind: 'vlan', parent: 'eth9', id: 10, role: 'mgmt' }), code: 'unknown-interface', path: 'interfaces.v10.parent' },
  { name: 'vlan on itself', edit: (d) => (d.interfaces.v10 = { kind: 'vlan', parent: 'v10', id: 10, role: 'mgmt' }), code: 'self-reference', path: 'interfaces.v10.parent' },
  { name: 'vlan parent cycle', edit: (d) => { d.interfaces.va = { kind: 'vlan', parent: 'vb', id: 10, role: 'mgmt' }; d.interfaces.vb = { kind: 'vlan', parent: 'va', id: 11, role: 'mgmt' }; }, code: 'cycle', path: 'interfaces.va.parent', more: ['cycle @ interfaces.vb.parent'] },
  { name: 'bridge port unknown', edit: (d) => (d.interfaces.br0 = { kind: 'bridge', ports: ['eth9'], role: 'mgmt' }), code: 'unknown-interface', path: 'interfaces.br0.ports[0]' },
  { name: 'bond member unknown', edit: (d) => (d.interfaces.bond0 = { kind: 'bond', members: ['eth9'], role: 'mgmt' }), code: 'unknown-interface', path: 'interfaces.bond0.members[0]' },
  { name: 'one link in two masters', edit: (d) => { d.interfaces.e1 = { kind: 'ethernet', role: 'mgmt' }; d.interfaces.br0 = { kind: 'bridge', ports: ['e1'], role: 'mgmt' }; d.interfaces.bond0 = { kind: 'bond', members: ['e1'], role: 'mgmt' }; }, code: 'already-enslaved', path: 'interfaces.bond0.members[0]' },
  { name: 'host on an unknown interface', edit: (d) => (d.hosts.ch1.interface = 'eth9'), code: 'unknown-interface', path: 'hosts.ch1.interface' },
  { name: 'ndproxy upstream unknown', edit: (d) => (d.ndproxy = { rules: [{ upstream: 'eth9', prefix: '2001:db8:ffff::/64', mode: 'static' }] }), code: 'unknown-interface', path: 'ndproxy.rules[0].upstream' },
  { name: 'ndproxy iface unknown', edit: (d) => (d.ndproxy = { rules: [{ upstream: 'wan0', prefix: '2001:db8:ffff::/64', mode: 'iface', interface: 'eth9' }] }), code: 'unknown-interface', path: 'ndproxy.rules[0].interface' },
  { name: 'firewall management interface unknown', edit: (d) => d.firewall.management.interfaces.push('eth9'), code: 'unknown-interface', path: 'firewall.management.interfaces[1]' },
  { name: 'interface names differing in case', edit: (d) => (d.interfaces.LAN0 = { kind: 'dummy', role: 'mgmt' }), code: 'duplicate-name', path: 'interfaces.LAN0' },
  { name: 'host names differing in case', edit: (d) => (d.hosts.CH1 = { interface: 'hosts0', nextHop: 'fe80::3', prefix: '2001:db8:6000::/48' }), code: 'duplicate-name', path: 'hosts.CH1' },
  { name: 'network names differing in case', edit: (d) => (d.hosts.ch1.networks.WEB = {}), code: 'duplicate-name', path: 'hosts.ch1.networks.WEB' },
  { name: 'reserved interface name', edit: (d) => (d.interfaces.all = { kind: 'dummy', role: 'mgmt' }), code: 'reserved-name', path: 'interfaces.all' },
];

test('the demo document passes every rule', () => {
  const r = validateConfig(demoDoc());
  assert.deepEqual(r.ok ? [] : summary(r.error), []);
});

for (const c of cases) {
  test(`rule: ${c.name}`, () => {
    const doc = demoDoc();
    c.edit(doc);
    const r = validateConfig(doc);
    assert.equal(r.ok, false, 'expected a problem');
    if (r.ok) return;
    assert.deepEqual(summary(r.error), [`${c.code} @ ${c.path}`, ...(c.more ?? [])]);
    for (const p of r.error) assert.match(p.message, /^\S.*[.)]$/, 'messages are sentences');
  });
}

test('every problem is returned at once', () => {
  const doc = demoDoc();
  const picked = cases.filter((c) => /^(Min > 0.75|T1 after T2|vlan on itself|reserved interface name)/.test(c.name));
  for (const c of picked) c.edit(doc);
  const r = validateConfig(doc);
  assert.equal(r.ok, false);
  if (!r.ok) assert.deepEqual(new Set(summary(r.error)), new Set(picked.map((c) => `${c.code} @ ${c.path}`)));
});
