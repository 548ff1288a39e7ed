// The fast paths of IPAM: a new pool filled by arithmetic on its network (consecutivePool) must
// give exactly what the general lowest-free placement gives, and indexedLookup must hand out
// only what parsing the record's text would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { unwrap } from '../../src/lib/result.ts';
import { indexedLookup, reconcileAllocations, type IpamState, type WantedOwner, type WantedPool } from '../../src/net/ipam.ts';
import { formatPrefix, lastAddress, parsePrefix, prefixMask } from '../../src/net/prefix.ts';

const NOW = 1_000_000;
const value128 = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n });

/** A pool somewhere in the address space, handing out prefixes 0–4 bits longer (so it runs out). */
const poolArb = fc
  .tuple(value128, fc.integer({ min: 0, max: 126 }), fc.integer({ min: 0, max: 4 }))
  .map(([v, length, extra]) => ({ poolPrefix: { network: v & prefixMask(length), length }, length: Math.min(128, length + extra) }));
const ownersArb = fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9/]{0,6}$/), { maxLength: 20 });

const wantedPool = (pool: { poolPrefix: WantedPool['poolPrefix']; length: number }, owners: readonly WantedOwner[]): WantedPool => ({ pool: 'host:x', ...pool, owners });

/** Some pool already held, so the new one is placed after it in the state. */
const EARLIER: IpamState = [{ pool: 'a', owner: 'o', prefix: '2001:db8::/48' }];

test('property: a new pool listed in order gets what the general path gives it listed out of order', () => {
  fc.assert(
    fc.property(poolArb, ownersArb, fc.boolean(), (pool, names, earlier) => {
      const sorted = [...names].sort();
      const owners = sorted.map((owner) => ({ owner }));
      const state = earlier ? EARLIER : [];
      // Descending order is not the order consecutivePool takes, so this goes the general way.
      const fast = unwrap(reconcileAllocations(state, [wantedPool(pool, owners)], NOW));
      const general = unwrap(reconcileAllocations(state, [wantedPool(pool, [...owners].reverse())], NOW));
      assert.deepEqual(fast, general);
      // What was handed out is what it says: consecutive subnets from the pool's start, canonical text.
      fast.allocated.forEach((r, i) => {
        const p = unwrap(parsePrefix(r.prefix));
        assert.equal(r.prefix, formatPrefix(p));
        assert.equal(p.network, pool.poolPrefix.network + BigInt(i) * (1n << BigInt(128 - pool.length)));
      });
      // And it is settled: asking again changes nothing.
      const again = unwrap(reconcileAllocations(fast.state, [wantedPool(pool, owners)], NOW));
      assert.equal(again.state, fast.state);
      assert.equal(again.allocated.length, 0);
    }),
    { numRuns: 500 },
  );
});

test('a new pool with a fixed prefix or duplicate owners takes the general path and says so', () => {
  const pool = { poolPrefix: unwrap(parsePrefix('2001:db8::/46')), length: 48 };
  const fixed = unwrap(parsePrefix('2001:db8:2::/48'));
  const r = unwrap(reconcileAllocations([], [wantedPool(pool, [{ owner: 'a' }, { owner: 'b', fixed }, { owner: 'c' }])], NOW));
  assert.deepEqual(r.allocated.map((a) => `${a.owner} ${a.prefix}`), ['b 2001:db8:2::/48', 'a 2001:db8::/48', 'c 2001:db8:1::/48']);
  const dup = unwrap(reconcileAllocations([], [wantedPool(pool, [{ owner: 'a' }, { owner: 'a' }])], NOW));
  assert.deepEqual(dup.problems.map((p) => p.code), ['duplicate-owner']);
  assert.equal(dup.allocated.length, 1);
  const full = unwrap(reconcileAllocations([], [wantedPool(pool, ['a', 'b', 'c', 'd', 'e'].map((owner) => ({ owner })))], NOW));
  assert.deepEqual(full.problems.map((p) => [p.code, p.where]), [['exhausted', { path: 'host:x.e' }]]);
});

test('indexedLookup: the decoded prefix of each record IPAM indexed with canonical text, nothing for others', () => {
  const pool = { poolPrefix: unwrap(parsePrefix('2001:db8::/44')), length: 48 };
  const made = unwrap(reconcileAllocations([], [wantedPool(pool, ['a', 'b', 'c'].map((owner) => ({ owner })))], NOW)).state;
  const lookup = indexedLookup(made);
  for (const r of made) {
    const e = lookup(r);
    const p = unwrap(parsePrefix(r.prefix));
    assert.deepEqual(e && { start: e.start, end: e.end, length: e.prefix.length }, { start: p.network, end: lastAddress(p), length: p.length });
  }
  // A copy of the records is not what IPAM indexed; nor is a list it never saw.
  assert.equal(lookup({ ...made[0]! }), undefined);
  assert.equal(indexedLookup(made.map((r) => ({ ...r })))(made[0]!), undefined);
  // A stored record whose text is not canonical is indexed, but its text must still be parsed.
  const stored: IpamState = [{ pool: 'host:x', owner: 'a', prefix: '2001:DB8::/48' }, { pool: 'host:x', owner: 'b', prefix: '2001:db8:1::/48' }];
  const read = unwrap(reconcileAllocations(stored, [wantedPool(pool, [{ owner: 'a' }, { owner: 'b' }])], NOW));
  assert.equal(read.state, stored);
  assert.equal(indexedLookup(stored)(stored[0]!), undefined);
  assert.equal(indexedLookup(stored)(stored[1]!)?.prefix.length, 48);
});
