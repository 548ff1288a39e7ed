import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { unwrap } from '../../src/lib/result.ts';
import { parseAddress } from '../../src/net/address.ts';
import {
  contains,
  formatPrefix,
  lastAddress,
  nextFreeSubnet,
  nthSubnet,
  overlaps,
  parsePrefix,
  subnetCount,
} from '../../src/net/prefix.ts';
import type { Prefix } from '../../src/net/prefix.ts';

const P = (text: string): Prefix => unwrap(parsePrefix(text));
const A = (text: string) => unwrap(parseAddress(text));

test('contains: prefixes and addresses', () => {
  const cases: ReadonlyArray<readonly [string, string, boolean]> = [
    ['2001:db8::/32', '2001:db8:1::/48', true],
    ['2001:db8::/32', '2001:db8::/32', true],
    ['2001:db8::/32', '2001:db8::/31', false],
    ['2001:db8::/32', '2001:db9::/48', false],
    ['::/0', '2001:db8::/64', true],
    ['2001:db8:1::/48', '2001:db8:1:ffff::/64', true],
    ['2001:db8:1::/48', '2001:db8:2::/64', false],
    ['2001:db8::/64', '2001:db8::/128', true],
  ];
  for (const [outer, inner, expected] of cases) assert.equal(contains(P(outer), P(inner)), expected, `${outer} ⊇ ${inner}`);
  assert.equal(contains(P('fe80::/10'), A('fe80::1%eth0')), true);
  assert.equal(contains(P('fe80::/10'), A('fec0::1')), false);
  assert.equal(contains(P('2001:db8::/64'), A('2001:db8::ffff:ffff:ffff:ffff').value), true);
  assert.equal(contains(P('2001:db8::/64'), A('2001:db8:0:1::').value), false);
});

test('overlaps is symmetric and true exactly when one holds the other', () => {
  const cases: ReadonlyArray<readonly [string, string, boolean]> = [
    ['2001:db8::/32', '2001:db8:ff::/48', true],
    ['2001:db8:1::/48', '2001:db8:2::/48', false],
    ['2001:db8::/48', '2001:db8::/48', true],
    ['2001:db8::/127', '2001:db8::1/128', true],
    ['2001:db8::/128', '2001:db8::1/128', false],
    ['::/0', 'ff02::1/128', true],
  ];
  for (const [a, b, expected] of cases) {
    assert.equal(overlaps(P(a), P(b)), expected, `${a} ∩ ${b}`);
    assert.equal(overlaps(P(b), P(a)), expected, `${b} ∩ ${a}`);
  }
});

test('subnetCount and nthSubnet', () => {
  assert.equal(subnetCount(P('2001:db8::/32'), 48), 65536n);
  assert.equal(subnetCount(P('2001:db8::/64'), 76), 4096n);
  assert.equal(subnetCount(P('2001:db8::/64'), 64), 1n);
  assert.equal(subnetCount(P('2001:db8::/64'), 48), 0n);
  assert.equal(subnetCount(P('::/0'), 128), 1n << 128n);
  const cases: ReadonlyArray<readonly [string, number, bigint, string]> = [
    ['2001:db8::/32', 48, 0n, '2001:db8::/48'],
    ['2001:db8::/32', 48, 1n, '2001:db8:1::/48'],
    ['2001:db8::/32', 48, 65535n, '2001:db8:ffff::/48'],
    ['2001:db8::/64', 76, 1n, '2001:db8:0:0:10::/76'],
    ['2001:db8::/64', 76, 4095n, '2001:db8:0:0:fff0::/76'],
    ['2001:db8:0:0:10::/76', 80, 3n, '2001:db8:0:0:13::/80'],
    ['fd00:dead:beef::/48', 64, 258n, 'fd00:dead:beef:102::/64'],
  ];
  for (const [parent, length, n, expected] of cases) {
    assert.equal(formatPrefix(unwrap(nthSubnet(P(parent), length, n))), expected);
  }
  const out = nthSubnet(P('2001:db8::/64'), 76, 4096);
  assert.equal(out.ok ? 'ok' : out.error.message, '2001:db8::/64 has 4096 /76 subnets, numbered 0–4095; 4096 is outside that');
  const short = nthSubnet(P('2001:db8::/64'), 60, 0);
  assert.equal(short.ok ? 'ok' : short.error.code, 'bad-length');
});

test('nextFreeSubnet takes the lowest subnet clear of every used prefix', () => {
  const cases: ReadonlyArray<readonly [string, number, readonly string[], string | undefined]> = [
    ['2001:db8::/46', 48, [], '2001:db8::/48'],
    ['2001:db8::/46', 48, ['2001:db8::/48'], '2001:db8:1::/48'],
    ['2001:db8::/46', 48, ['2001:db8:1::/48'], '2001:db8::/48'],
    ['2001:db8::/46', 48, ['2001:db8::/48', '2001:db8:1::/48', '2001:db8:3::/48'], '2001:db8:2::/48'],
    ['2001:db8::/46', 48, ['2001:db8::/47'], '2001:db8:2::/48'],
    ['2001:db8::/46', 48, ['2001:db8::/56', '2001:db8:1:100::/56'], '2001:db8:2::/48'],
    ['2001:db8::/46', 48, ['2001:db8::/46'], undefined],
    ['2001:db8::/46', 48, ['2001:db8::/32'], undefined],
    ['2001:db8::/46', 48, ['2001:db9::/48', '2001:db8:3::/48', '2001:db8::/48'], '2001:db8:1::/48'],
    ['2001:db8::/64', 76, ['2001:db8::/76', '2001:db8:0:0:20::/76'], '2001:db8:0:0:10::/76'],
    ['2001:db8::/64', 64, [], '2001:db8::/64'],
    ['2001:db8::/64', 63, [], undefined],
  ];
  for (const [parent, length, used, expected] of cases) {
    const got = nextFreeSubnet(P(parent), length, used.map(P));
    assert.equal(got === undefined ? undefined : formatPrefix(got), expected, `${parent} /${length} after ${used.join(' ')}`);
  }
});

test('property: nextFreeSubnet returns the lowest subnet that overlaps nothing used', () => {
  const parent = P('2001:db8::/56');
  fc.assert(
    fc.property(fc.array(fc.record({ n: fc.integer({ min: 0, max: 255 }), length: fc.integer({ min: 57, max: 64 }) }), { maxLength: 30 }), fc.integer({ min: 56, max: 64 }), (picks, length) => {
      const used = picks.map(({ n, length: l }) => ({ network: parent.network + (BigInt(n) << 64n) & ~((1n << BigInt(128 - l)) - 1n), length: l }));
      const got = nextFreeSubnet(parent, length, used);
      const count = Number(subnetCount(parent, length));
      let expected: Prefix | undefined;
      for (let i = 0; i < count && expected === undefined; i++) {
        const c = unwrap(nthSubnet(parent, length, i));
        if (!used.some((u) => overlaps(u, c))) expected = c;
      }
      assert.deepEqual(got, expected);
      if (got !== undefined) assert.ok(contains(parent, got) && lastAddress(got) <= lastAddress(parent));
    }),
    { numRuns: 500 },
  );
});

test('nthSubnet and subnetCount refuse fractional lengths and indexes with a result, never a throw', () => {
  const p = unwrap(parsePrefix('2001:db8::/48'));
  assert.equal(subnetCount(p, 64.5), 0n);
  const badLength = nthSubnet(p, 64.5, 0);
  assert.ok(!badLength.ok && badLength.error.code === 'bad-length');
  const badIndex = nthSubnet(p, 64, 1.5);
  assert.ok(!badIndex.ok && badIndex.error.code === 'out-of-range');
});
