import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RouterAdvertisement } from '../../../src/proto/ndp/index.ts';
import { describeConflict, findConflicts } from '../../../src/services/ra/consistency.ts';

const OURS: RouterAdvertisement = {
  type: 'ra', curHopLimit: 64, managed: false, other: true, homeAgent: false, routerPreference: 'medium', proxy: false,
  routerLifetime: 1800, reachableTime: 30000, retransTimer: 1000,
  options: [
    { type: 'mtu', mtu: 1500 },
    { type: 'prefix-information', prefixLength: 64, onLink: true, autonomous: true, routerAddress: false, validLifetime: 86400, preferredLifetime: 14400, prefix: '2001:db8:1::' },
  ],
};
const ROGUE = 'fe80::bad';

test('§6.2.7 fields: each difference is named with the sender', () => {
  const cases: Array<[Partial<RouterAdvertisement>, string[]]> = [
    [{}, []],
    [{ curHopLimit: 255 }, ['curHopLimit']],
    [{ curHopLimit: 0 }, []],
    [{ managed: true, other: false }, ['managed', 'other']],
    [{ reachableTime: 1, retransTimer: 2 }, ['reachableTime', 'retransTimer']],
    [{ reachableTime: 0, retransTimer: 0 }, []],
    // Router lifetime and preference legitimately differ between routers.
    [{ routerLifetime: 0, routerPreference: 'high' }, []],
    [{ options: [{ type: 'mtu', mtu: 1400 }] }, ['mtu']],
    [{ options: [] }, []],
    [{ options: [{ type: 'prefix-information', prefixLength: 64, onLink: true, autonomous: true, routerAddress: false, validLifetime: 86400, preferredLifetime: 0, prefix: '2001:db8:1::' }] }, ['preferredLifetime']],
    [{ options: [{ type: 'prefix-information', prefixLength: 64, onLink: true, autonomous: true, routerAddress: false, validLifetime: 1, preferredLifetime: 1, prefix: '2001:db8:9::' }] }, []],
  ];
  for (const [change, fields] of cases) {
    const conflicts = findConflicts(OURS, { ...OURS, ...change }, ROGUE);
    assert.deepEqual(conflicts.map((c) => c.field), fields, JSON.stringify(change));
    assert.ok(conflicts.every((c) => c.source === ROGUE));
  }
});

test('decrementing prefixes are not compared; the sentence names router, field and values', () => {
  const theirs = { ...OURS, options: [{ ...OURS.options[1]!, validLifetime: 80000 } as const] };
  assert.equal(findConflicts(OURS, theirs, ROGUE, new Set(['2001:db8:1::/64'])).length, 0);
  const [c] = findConflicts(OURS, theirs, ROGUE);
  assert.deepEqual(c, { source: ROGUE, field: 'validLifetime', prefix: '2001:db8:1::/64', ours: 86400, theirs: 80000 });
  assert.match(describeConflict(c!), /fe80::bad advertises validLifetime of 2001:db8:1::\/64 = 80000, but this router advertises 86400/);
});
