// Reading `ip -json` output and routing a target by longest prefix.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { interfacesFromIp, routeDevice, routesFromIp } from '../../../src/services/ndproxy/kernel-view.ts';
import { value } from './ns-frames.ts';

test('routes: longest prefix wins, then the lowest metric; reject routes route nowhere', () => {
  const routes = routesFromIp([
    { dst: 'default', dev: 'wan0', metric: 1024 },
    { dst: '2001:db8::/64', dev: 'wan0', metric: 256 },
    { dst: '2001:db8::c008/125', dev: 'lan0', metric: 256 },
    { dst: '2001:db8::c008/125', dev: 'lan1', metric: 100 },
    { dst: '2001:db8::c00f', dev: 'lan2' },
    { dst: '2001:db8:dead::/48', type: 'unreachable', dev: 'lo' },
  ]);
  const cases: [string, string | undefined][] = [
    ['2001:db8::c009', 'lan1'],
    ['2001:db8::c00f', 'lan2'],
    ['2001:db8::5', 'wan0'],
    ['2001:db9::1', 'wan0'],
    ['2001:db8:dead::1', undefined],
  ];
  for (const [target, dev] of cases) assert.equal(routeDevice(routes, value(target)), dev, target);
  assert.equal(routeDevice(routesFromIp('nonsense'), value('::1')), undefined);
});

test('interfaces: MAC, index, state and a usable link-local address', () => {
  const m = interfacesFromIp([
    { ifindex: 2, ifname: 'wan0', address: '02:00:00:00:00:aa', flags: ['BROADCAST', 'UP'], addr_info: [
      { family: 'inet6', local: 'fe80::1', tentative: true },
      { family: 'inet6', local: '2001:db8::c001' },
      { family: 'inet6', local: 'fe80::aa' },
    ] },
    { ifindex: 3, ifname: 'lan0', address: '', flags: [] },
    { ifname: 'broken' },
  ]);
  assert.deepEqual(m.get('wan0'), { name: 'wan0', ifindex: 2, mac: '02:00:00:00:00:aa', linkLocal: value('fe80::aa'), up: true });
  assert.deepEqual(m.get('lan0'), { name: 'lan0', ifindex: 3, mac: undefined, linkLocal: undefined, up: false });
  assert.equal(m.size, 2);
});
