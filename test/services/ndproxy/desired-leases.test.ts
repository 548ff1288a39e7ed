// DHCPv6 address leases inside a `kernel` ndproxy rule's prefix become kernel proxy entries.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { desiredState, leasedAddressesOf } from '../../../src/reconcile/desired.ts';
import type { LeaseRecord } from '../../../src/store/records.ts';
import { parse, ROUTER } from '../../reconcile/fixtures.ts';

const lease = (l: Partial<LeaseRecord>): LeaseRecord => ({
  iface: 'br0', duid: '0001', iaid: 1, kind: 'na', lease: '2001:db8:ffff::200', preferredLifetime: 100, validLifetime: 200, expiresAt: 2000, state: 'active', ...l,
});

test('only active, unexpired address leases count', () => {
  const leases = [
    lease({}),
    lease({ lease: '2001:db8:ffff:0:0:0:0:201', expiresAt: 500 }),
    lease({ lease: '2001:db8:ffff::202', state: 'released' }),
    lease({ kind: 'pd', lease: '2001:db8:ffff:1::/64' }),
  ];
  assert.deepEqual(leasedAddressesOf(leases, 1000), ['2001:db8:ffff::200']);
});

test('leased addresses inside a kernel rule join its proxy entries; others do not', () => {
  const d = desiredState(parse(ROUTER), [], [], ['2001:db8:ffff::200', '2001:db8:ffff::100', '2001:db8:3::5']);
  assert.deepEqual(d.proxyNeighbors.map((n) => `${n.dev} ${n.address}`).sort(), ['eth0 2001:db8:ffff::100', 'eth0 2001:db8:ffff::200']);
  assert.deepEqual(desiredState(parse(ROUTER), [], []).proxyNeighbors, [{ address: '2001:db8:ffff::100', dev: 'eth0' }]);
});
