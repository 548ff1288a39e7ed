// Schema-level problems: zod issues mapped to codes and operator paths, and the salvage that
// keeps cross-field rules running beside them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatPath } from '../../src/config/paths.ts';
import { effectiveDefaultLifetime, effectiveMinRtrAdvInterval } from '../../src/config/ra-timers.ts';
import { validateConfig } from '../../src/config/validate.ts';
import { demoDoc, summary, type Doc } from './support.ts';

const cases: [name: string, edit: (d: Doc) => void, expected: string][] = [
  ['missing version', (d) => delete d.version, 'missing @ version'],
  ['wrong version', (d) => (d.version = 2), 'not-allowed @ version'],
  ['unknown key', (d) => (d.interfaces.lan0.ra.maxRtrAdvIntreval = 5), 'unknown-key @ interfaces.lan0.ra.maxRtrAdvIntreval'],
  ['wrong type', (d) => (d.interfaces.lan0.mtu = '1500'), 'wrong-type @ interfaces.lan0.mtu'],
  ['MTU below 1280', (d) => (d.interfaces.lan0.mtu = 1279), 'out-of-range @ interfaces.lan0.mtu'],
  ['Max above RFC 8319', (d) => (d.interfaces.lan0.ra.maxRtrAdvInterval = 65536), 'out-of-range @ interfaces.lan0.ra.maxRtrAdvInterval'],
  ['Max below 4', (d) => (d.interfaces.lan0.ra.maxRtrAdvInterval = 3), 'out-of-range @ interfaces.lan0.ra.maxRtrAdvInterval'],
  ['reachable time over an hour', (d) => (d.interfaces.lan0.ra.reachableTimeMs = 3_600_001), 'out-of-range @ interfaces.lan0.ra.reachableTimeMs'],
  ['cur hop limit over 255', (d) => (d.interfaces.lan0.ra.curHopLimit = 256), 'out-of-range @ interfaces.lan0.ra.curHopLimit'],
  ['link MTU between 0 and 1280', (d) => (d.interfaces.lan0.ra.linkMtu = 1000), 'out-of-range @ interfaces.lan0.ra.linkMtu'],
  ['lifetime text other than infinity', (d) => (d.interfaces.lan0.ra.prefixes[0].validLifetime = 'forever'), 'wrong-type @ interfaces.lan0.ra.prefixes[0].validLifetime'],
  ['33 ips', (d) => (d.interfaces.lan0.ips = Array.from({ length: 33 }, (_, i) => `2001:db8:1::${i + 1}/64`)), 'too-many @ interfaces.lan0.ips'],
  ['not an address', (d) => (d.interfaces.lan0.gateways = ['2001:db8::g']), 'not-ipv6 @ interfaces.lan0.gateways[0]'],
  ['zone on a next hop', (d) => (d.hosts.ch1.nextHop = 'fe80::1%hosts0'), 'zone-not-allowed @ hosts.ch1.nextHop'],
  ['multicast gateway', (d) => (d.interfaces.lan0.gateways = ['ff02::1']), 'multicast @ interfaces.lan0.gateways[0]'],
  ['prefix with host bits', (d) => (d.interfaces.lan0.ra.prefixes[0].prefix = '2001:db8:1::1/64'), 'host-bits @ interfaces.lan0.ra.prefixes[0].prefix'],
  ['address where a prefix belongs', (d) => (d.ipam.hostPool = '2001:db8:4000::'), 'not-prefix @ ipam.hostPool'],
  ['interface address without length', (d) => (d.interfaces.lan0.ips = ['2001:db8:1::1']), 'wrong-type @ interfaces.lan0.ips[0]'],
  ['PREF64 length not allowed', (d) => (d.interfaces.lan0.ra.pref64 = [{ prefix: '64:ff9b::/72' }]), 'bad-prefix-length @ interfaces.lan0.ra.pref64[0].prefix'],
  ['client not link-local', (d) => (d.interfaces.lan0.ra.clients = [{ address: '2001:db8::5' }]), 'not-link-local @ interfaces.lan0.ra.clients[0].address'],
  ['unknown interface kind', (d) => (d.interfaces.lan0.kind = 'wifi'), 'unknown-kind @ interfaces.lan0.kind'],
  ['vlan id 4095', (d) => (d.interfaces.v1 = { kind: 'vlan', parent: 'lan0', id: 4095, role: 'mgmt' }), 'out-of-range @ interfaces.v1.id'],
  ['bad interface name', (d) => (d.interfaces['a/b'] = { kind: 'dummy', role: 'mgmt' }), 'bad-name @ interfaces["a/b"]'],
  ['interface name too long', (d) => (d.interfaces.abcdefghijklmnop = { kind: 'dummy', role: 'mgmt' }), 'bad-name @ interfaces.abcdefghijklmnop'],
  ['bad DUID', (d) => (d.interfaces.lan1.dhcpv6.reservations = [{ duid: 'xyz', address: '2001:db8:2::5' }]), 'bad-duid @ interfaces.lan1.dhcpv6.reservations[0].duid'],
  ['DUID over 130 octets', (d) => (d.interfaces.lan1.dhcpv6.reservations = [{ duid: '00'.repeat(131), address: '2001:db8:2::5' }]), 'bad-duid @ interfaces.lan1.dhcpv6.reservations[0].duid'],
  ['information refresh below IRT_MINIMUM', (d) => (d.interfaces.lan0.dhcpv6.informationRefreshTime = 599), 'out-of-range @ interfaces.lan0.dhcpv6.informationRefreshTime'],
  ['bad domain', (d) => (d.interfaces.lan0.dhcpv6.domainSearch = ['bad..example']), 'bad-domain @ interfaces.lan0.dhcpv6.domainSearch[0]'],
  ['captive portal not a URI', (d) => (d.interfaces.lan0.ra.captivePortal = 'portal'), 'wrong-format @ interfaces.lan0.ra.captivePortal'],
  ['upstream mode unknown', (d) => (d.upstream.mode = 'pppoe'), 'unknown-kind @ upstream.mode'],
  ['bad host name', (d) => (d.hosts['-x'] = { interface: 'hosts0', nextHop: 'fe80::9' }), 'bad-name @ hosts.-x'],
  ['ipam host prefix length below 40', (d) => (d.ipam.hostPrefixLength = 39), 'out-of-range @ ipam.hostPrefixLength'],
];

for (const [name, edit, expected] of cases) {
  test(`schema: ${name}`, () => {
    const d = demoDoc();
    edit(d);
    const r = validateConfig(d);
    assert.equal(r.ok, false);
    if (!r.ok) assert.deepEqual(summary(r.error), [expected]);
  });
}

test('a document that is not a mapping is refused with a path-less problem', () => {
  const r = validateConfig([1, 2]);
  assert.equal(r.ok, false);
  if (!r.ok) assert.deepEqual(summary(r.error), ['wrong-type @ ']);
});

test('cross-field rules still run beside schema errors', () => {
  const d = demoDoc();
  d.interfaces.lan0.mtu = 'big';
  d.interfaces.lan1.dhcpv6.renewTime = 5000;
  d.interfaces.lan1.dhcpv6.rebindTime = 4000;
  d.hosts.ch1.interface = 'lan0'; // lan0 is invalid but exists: no unknown-interface
  const r = validateConfig(d);
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.deepEqual(summary(r.error), ['wrong-type @ interfaces.lan0.mtu', 'renew-after-rebind @ interfaces.lan1.dhcpv6.renewTime']);
  }
});

test('paths: map keys dotted, indexes bracketed, odd keys quoted', () => {
  assert.equal(formatPath(['interfaces', 'lan0', 'ra', 'prefixes', 1, 'preferredLifetime']), 'interfaces.lan0.ra.prefixes[1].preferredLifetime');
  assert.equal(formatPath(['interfaces', 'eth0.100', 'mtu']), 'interfaces["eth0.100"].mtu');
  assert.equal(formatPath([]), '');
});

test('property: RA timers accepted exactly when RFC 4861 §6.2.1 allows them', () => {
  fc.assert(
    fc.property(fc.integer({ min: 4, max: 65535 }), fc.integer({ min: 3, max: 65535 }), fc.integer({ min: 0, max: 65535 }), (max, min, life) => {
      const d = demoDoc();
      Object.assign(d.interfaces.lan0.ra, { maxRtrAdvInterval: max, minRtrAdvInterval: min, defaultLifetime: life });
      const r = validateConfig(d);
      const expected = [
        ...(min > 0.75 * max ? ['min-interval-too-large @ interfaces.lan0.ra.minRtrAdvInterval'] : []),
        ...(life !== 0 && life < max ? ['router-lifetime-too-short @ interfaces.lan0.ra.defaultLifetime'] : []),
      ];
      assert.deepEqual(r.ok ? [] : summary(r.error), expected);
    }),
    { numRuns: 200 },
  );
});

test('property: derived RA defaults always satisfy the rules they are derived from', () => {
  fc.assert(
    fc.property(fc.integer({ min: 4, max: 65535 }), (max) => {
      const min = effectiveMinRtrAdvInterval({ maxRtrAdvInterval: max });
      assert.ok(min >= 3 && min <= 0.75 * max, `min ${min} for max ${max}`);
      const life = effectiveDefaultLifetime({ maxRtrAdvInterval: max });
      assert.ok(life >= max && life <= 65535, `lifetime ${life} for max ${max}`);
    }),
  );
});

test('property: prefix lifetimes pass exactly when preferred ≤ valid', () => {
  const life = fc.oneof(fc.integer({ min: 0, max: 0xfffffffe }), fc.constant('infinity' as const));
  fc.assert(
    fc.property(life, life, (valid, preferred) => {
      const d = demoDoc();
      Object.assign(d.interfaces.lan0.ra.prefixes[0], { validLifetime: valid, preferredLifetime: preferred });
      const n = (x: number | 'infinity') => (x === 'infinity' ? Infinity : x);
      assert.equal(validateConfig(d).ok, n(preferred) <= n(valid));
    }),
    { numRuns: 200 },
  );
});
