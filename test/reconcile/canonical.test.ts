import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  canonicalAddress, canonicalInterfaceAddress, canonicalPrefix, clearCanonicalMemos, plainCanonicalAddress,
  plainCanonicalInterfaceAddress, plainCanonicalPrefix, prefixRange, TextMemo,
} from '../../src/reconcile/canonical.ts';
import { disjointPrefixes } from '../../src/reconcile/filters.ts';
import { lastAddress, parsePrefix } from '../../src/net/prefix.ts';

/** An address written in one of the many RFC 4291 §2.2 text forms of the same value. */
const addressText = fc
  .tuple(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }), fc.boolean(), fc.boolean(), fc.nat(7))
  .map(([groups, upper, pad, skip]) => {
    const hex = groups.map((g) => (pad ? g.toString(16).padStart(4, '0') : g.toString(16)));
    // Sometimes compress a run of zero groups by hand, not necessarily the longest one.
    const zeroAt = groups.indexOf(0, skip);
    const text = zeroAt >= 0 ? `${hex.slice(0, zeroAt).join(':')}::${hex.slice(zeroAt + 1).join(':')}` : hex.join(':');
    return upper ? text.toUpperCase() : text;
  });

const prefixText = fc.tuple(addressText, fc.integer({ min: 0, max: 128 })).map(([a, len]) => `${a}/${len}`);
const junk = fc.string({ maxLength: 12 });
const anyText = fc.oneof(addressText, prefixText, junk);

const cases: Array<[string, (t: string) => string, (t: string) => string]> = [
  ['canonicalAddress', canonicalAddress, plainCanonicalAddress],
  ['canonicalPrefix', canonicalPrefix, plainCanonicalPrefix],
  ['canonicalInterfaceAddress', canonicalInterfaceAddress, plainCanonicalInterfaceAddress],
];

for (const [name, memo, plain] of cases) {
  test(`${name}: the memoised result equals the plain parse and format, cold and warm`, () => {
    fc.assert(
      fc.property(fc.array(anyText, { maxLength: 20 }), (texts) => {
        clearCanonicalMemos();
        for (const t of texts) assert.equal(memo(t), plain(t), `cold ${JSON.stringify(t)}`);
        for (const t of [...texts].reverse()) assert.equal(memo(t), plain(t), `warm ${JSON.stringify(t)}`);
        // The canonical form is a fixed point, memoised or not.
        for (const t of texts) assert.equal(memo(memo(t)), plain(t));
      }),
    );
  });
}

test('canonical text: a table of the forms iproute2, nft and configs write', () => {
  const table: Array<[string, string]> = [
    ['2001:DB8:0:0::1', '2001:db8::1'],
    ['2001:db8::/32', '2001:db8::/32'],
    ['2001:db8::1/32', '2001:db8::/32'],
    ['2001:db8::1', '2001:db8::1/128'],
    ['not a prefix', 'not a prefix'],
  ];
  clearCanonicalMemos();
  for (let round = 0; round < 2; round++) {
    assert.equal(canonicalAddress(table[0]![0]), table[0]![1]);
    for (const [input, want] of table.slice(1)) assert.equal(canonicalPrefix(input), want, input);
  }
  assert.equal(canonicalInterfaceAddress('2001:DB8::0:1/64'), '2001:db8::1/64');
});

test('prefixRange equals parsePrefix and lastAddress; unparsable text has no range', () => {
  fc.assert(
    fc.property(prefixText, (t) => {
      const p = parsePrefix(t, { strict: false });
      assert.ok(p.ok);
      for (let i = 0; i < 2; i++) {
        assert.deepEqual(prefixRange(t), { text: plainCanonicalPrefix(t), network: p.value.network, last: lastAddress(p.value), length: p.value.length });
      }
    }),
  );
  assert.equal(prefixRange('2001:db8::/129'), undefined);
  assert.equal(prefixRange('2001:db8::/129'), undefined);
});

/** disjointPrefixes without any memo: parse everything, sort, keep what no earlier prefix covers. */
function plainDisjoint(texts: readonly string[]): string[] {
  const parsed = [...new Set(texts.map(plainCanonicalPrefix))].flatMap((text) => {
    const p = parsePrefix(text);
    return p.ok ? [{ text, network: p.value.network, last: lastAddress(p.value), length: p.value.length }] : [];
  });
  parsed.sort((a, b) => (a.network !== b.network ? (a.network < b.network ? -1 : 1) : a.length - b.length));
  const out: string[] = [];
  let end = -1n;
  for (const x of parsed) {
    if (x.network <= end) continue;
    out.push(x.text);
    end = x.last;
  }
  return out;
}

test('disjointPrefixes through the memo equals the plain computation', () => {
  // Short prefixes from a small space, so overlaps and duplicates are common.
  const small = fc.tuple(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 44, max: 52 })).map(([n, len]) => `2001:db8:${n.toString(16)}::/${len}`);
  fc.assert(
    fc.property(fc.array(fc.oneof(small, prefixText, junk), { maxLength: 30 }), fc.boolean(), (texts, cold) => {
      if (cold) clearCanonicalMemos();
      assert.deepEqual(disjointPrefixes(texts), plainDisjoint(texts));
    }),
  );
});

test('TextMemo: computes once per text and starts afresh when full', () => {
  const memo = new TextMemo<number>(3);
  let calls = 0;
  const f = (t: string): number => (calls++, t.length);
  assert.equal(memo.get('a', f), 1);
  assert.equal(memo.get('a', f), 1);
  assert.equal(calls, 1);
  memo.get('bb', f);
  memo.get('ccc', f);
  assert.equal(memo.size, 3);
  memo.get('dddd', f);
  assert.equal(memo.size, 1, 'a full memo is emptied before the next entry');
  assert.equal(memo.get('a', f), 1);
  assert.equal(calls, 5);
});
