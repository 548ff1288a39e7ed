import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  canonicalAddress, canonicalInterfaceAddress, canonicalPrefix, clearCanonicalMemos, plainCanonicalAddress,
  plainCanonicalInterfaceAddress, plainCanonicalPrefix, plainPrefixRange, prefixRange, TextMemo,
} from '../../src/reconcile/canonical.ts';
import { disjointPrefixes } from '../../src/reconcile/filters.ts';
import { formatAddress, parseAddress } from '../../src/net/address.ts';
import { lastAddress, parsePrefix, prefixMask, prefixSize } from '../../src/net/prefix.ts';

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

// --- The byte fast paths against the exact bigint path of src/net/address.ts -------------------

/** Texts a config, iproute2 or nft may hand over: dotted IPv4 tails, zones, bare addresses, junk. */
const dotted = fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 128 }), fc.boolean())
  .map(([g, v4, len, bare]) => `::${g.toString(16)}:${[v4 >>> 24, (v4 >>> 16) & 0xff, (v4 >>> 8) & 0xff, v4 & 0xff].join('.')}${bare ? '' : `/${len}`}`);
const zoned = fc.tuple(addressText, fc.constantFrom('eth0', 'br0', '')).map(([a, z]) => `${a}%${z}`);
const edgeText = fc.oneof(addressText, prefixText, junk, dotted, zoned, prefixText.map((t) => t.replace('/', '/0')), prefixText.map((t) => `${t} `));

/** canonicalPrefix the exact way: address.ts parses and formats, parsePrefix's rules for the length. */
function exactRange(text: string): { text: string; network: bigint; last: bigint; length: number } | undefined {
  const withLength = text.includes('/') ? text : `${text}/128`;
  const slash = withLength.indexOf('/');
  const lengthText = withLength.slice(slash + 1);
  if (!/^(0|[1-9]\d{0,2})$/.test(lengthText) || Number(lengthText) > 128) return undefined;
  const addressText = withLength.slice(0, slash);
  const a = addressText.includes('%') ? undefined : parseAddress(addressText);
  if (a === undefined || !a.ok) return undefined;
  const length = Number(lengthText);
  const network = a.value.value & prefixMask(length);
  return { text: `${formatAddress(network)}/${length}`, network, last: network + prefixSize(length) - 1n, length };
}

test('property: prefixRange, plainPrefixRange and canonicalPrefix equal the exact path on any text', () => {
  fc.assert(
    fc.property(fc.array(edgeText, { maxLength: 8 }), (texts) => {
      clearCanonicalMemos();
      for (const t of [...texts, ...texts]) {
        const want = exactRange(t);
        assert.deepEqual(plainPrefixRange(t), want, JSON.stringify(t));
        assert.deepEqual(prefixRange(t), want, JSON.stringify(t));
        assert.equal(canonicalPrefix(t), want?.text ?? t, JSON.stringify(t));
      }
    }),
    { numRuns: 500 },
  );
});

test('property: canonicalAddress and its plain form equal the exact path, zones kept', () => {
  fc.assert(
    fc.property(fc.array(edgeText, { maxLength: 8 }), (texts) => {
      clearCanonicalMemos();
      for (const t of [...texts, ...texts]) {
        const a = parseAddress(t);
        const want = a.ok ? formatAddress(a.value) : t;
        assert.equal(plainCanonicalAddress(t), want, JSON.stringify(t));
        assert.equal(canonicalAddress(t), want, JSON.stringify(t));
      }
    }),
    { numRuns: 500 },
  );
  assert.equal(plainCanonicalAddress('FE80::0:1%eth0'), 'fe80::1%eth0');
  assert.equal(plainCanonicalAddress('::FFFF:192.0.2.1'), '::ffff:192.0.2.1');
});
