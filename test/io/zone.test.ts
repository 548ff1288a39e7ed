import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitZone, withZone } from '../../src/io/udp.ts';

const cases: ReadonlyArray<readonly [string, string]> = [
  ['fe80::1', 'fe80::1%lan0'],
  ['FE80:0:0:0:0:0:0:1', 'fe80::1%lan0'],
  ['fe80::1%eth9', 'fe80::1%eth9'],
  ['febf::1', 'febf::1%lan0'],
  ['ff02::1:2', 'ff02::1:2%lan0'],
  ['ff12::1:2', 'ff12::1:2%lan0'],
  ['ff05::1:3', 'ff05::1:3'],
  ['2001:db8::1', '2001:db8::1'],
  ['2001:DB8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
];

for (const [input, expected] of cases) {
  test(`withZone(${input}, lan0) is ${expected}`, () => {
    assert.equal(withZone(input, 'lan0'), expected);
  });
}

test('splitZone separates the zone and canonicalizes the address', () => {
  assert.deepEqual(splitZone('FE80::0:1%r0'), { address: 'fe80::1', zone: 'r0' });
  assert.deepEqual(splitZone('2001:db8::1'), { address: '2001:db8::1', zone: undefined });
});
