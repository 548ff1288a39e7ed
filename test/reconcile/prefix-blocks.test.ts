import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { prefixRange, type PrefixRange } from '../../src/reconcile/canonical.ts';
import { blockOf, blocksHold, byRange, disjointBlocks, disjointItems, separateBlocks, type Block } from '../../src/reconcile/prefix-blocks.ts';

const R = (text: string): PrefixRange => prefixRange(text)!;
const itself = (r: PrefixRange): PrefixRange => r;
const block = (...texts: string[]): Block<PrefixRange> => blockOf(texts.map(R), itself)!;
const texts = (rs: readonly PrefixRange[]): string[] => rs.map((r) => r.text);

test('a block is sorted, spans its widest prefix and keeps what nothing in it covers', () => {
  const b = block('2001:db8:0:2::/64', '2001:db8::/48', '2001:db8:0:1::/64');
  assert.deepEqual(texts(b.items), ['2001:db8::/48', '2001:db8:0:1::/64', '2001:db8:0:2::/64']);
  assert.equal(b.start, R('2001:db8::/48').network);
  assert.equal(b.end, R('2001:db8::/48').last);
  assert.deepEqual(texts(b.kept), ['2001:db8::/48']);
  assert.equal(blockOf([], itself), undefined);
});

test('separate blocks are ordered by address; touching or nested ones are not separate', () => {
  const cases: Array<[string, string[][], string[] | undefined]> = [
    ['apart, out of order', [['2001:db8:2::/48'], ['2001:db8:1::/48']], ['2001:db8:1::/48', '2001:db8:2::/48']],
    ['nested', [['2001:db8::/32'], ['2001:db8:1::/48']], undefined],
    ['the same prefix twice', [['2001:db8:1::/48'], ['2001:db8:1::/48']], undefined],
    ['adjacent', [['2001:db8::/48'], ['2001:db8:1::/48']], ['2001:db8::/48', '2001:db8:1::/48']],
  ];
  for (const [name, blocks, expected] of cases) {
    const separate = separateBlocks(blocks.map((b) => block(...b)));
    assert.deepEqual(separate?.map((b) => b.items[0]!.text), expected, name);
  }
});

test('blocksHold finds a prefix held exactly, not one merely inside a span', () => {
  const separate = separateBlocks([block('2001:db8:1::/48', '2001:db8:1:5::/64'), block('2001:db8:3::/48')])!;
  assert.equal(blocksHold(separate, R('2001:db8:1:5::/64'), itself), true);
  assert.equal(blocksHold(separate, R('2001:db8:3::/48'), itself), true);
  assert.equal(blocksHold(separate, R('2001:db8:1:6::/64'), itself), false);
  assert.equal(blocksHold(separate, R('2001:db8:2::/48'), itself), false);
  assert.equal(blocksHold(separate, R('::/0'), itself), false);
});

// Prefixes from a small space, so blocks overlap, nest and repeat often.
const prefix = fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 3 }), fc.constantFrom(44, 48, 64)).map(([a, b, len]) => R(`2001:db8:${a}:${b}::/${len}`));
const blocksArb = fc.array(fc.array(prefix, { minLength: 1, maxLength: 4 }), { maxLength: 6 });

test('property: the sweep of blocks equals the sweep of all their items at once', () => {
  fc.assert(
    fc.property(blocksArb, (groups) => {
      const blocks = groups.map((g) => blockOf(g, itself)!);
      assert.deepEqual(texts(disjointBlocks(blocks, itself)), texts(disjointItems(groups.flat(), itself)));
    }),
  );
});

test('property: blocksHold agrees with a search of every item', () => {
  fc.assert(
    fc.property(blocksArb, prefix, (groups, r) => {
      const separate = separateBlocks(groups.map((g) => blockOf(g, itself)!));
      if (separate === undefined) return;
      assert.equal(blocksHold(separate, r, itself), groups.flat().some((x) => byRange(x, r) === 0));
    }),
  );
});
