// Random runs of IPAM operations against the invariants: no overlap, inside the pool, stable
// while held, quarantine respected, and the same run replayed gives the same state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { unwrap } from '../../src/lib/result.ts';
import { allocate, allocationsOf, reconcileAllocations, release } from '../../src/net/ipam.ts';
import type { IpamState, WantedPool } from '../../src/net/ipam.ts';
import { contains, overlaps, parsePrefix } from '../../src/net/prefix.ts';
import type { Prefix } from '../../src/net/prefix.ts';

const P = (text: string) => unwrap(parsePrefix(text));
const QUARANTINE = 24 * 60 * 60 * 1000;
// Small pools, so exhaustion, reuse and quarantine all happen often.
const POOLS: ReadonlyArray<{ pool: string; prefix: Prefix; lengths: readonly number[] }> = [
  { pool: 'hosts', prefix: P('2001:db8::/44'), lengths: [48, 47] },
  { pool: 'plan', prefix: P('2001:db8:ff:ff00::/72'), lengths: [76] },
  { pool: 'host:a', prefix: P('2001:db8:ff:ff10::/76'), lengths: [80, 79] },
];
const OWNERS = Array.from({ length: 20 }, (_, i) => `o${i}`);

type Op =
  | { kind: 'allocate'; pool: number; owner: number; length: number }
  | { kind: 'release'; pool: number; owner: number }
  | { kind: 'reconcile'; masks: number[]; length: number }
  | { kind: 'wait'; ms: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('allocate' as const), pool: fc.nat(2), owner: fc.nat(19), length: fc.nat(1) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('release' as const), pool: fc.nat(2), owner: fc.nat(19) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reconcile' as const), masks: fc.array(fc.nat(0xfffff), { minLength: 3, maxLength: 3 }), length: fc.nat(1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.oneof(fc.nat(6 * 3600_000), fc.constant(QUARANTINE + 1)) }) },
);

const key = (pool: string, owner: string) => `${pool} ${owner}`;

/** Runs `ops`, checking the invariants after each; returns the final state. */
function run(ops: readonly Op[]): IpamState {
  let state: IpamState = [];
  let now = 0;
  const held = new Map<string, string>(); // pool owner → prefix, as last observed
  const quarantine: Array<{ pool: string; owner: string; prefix: Prefix; until: number }> = [];
  const apply = (next: IpamState) => (state = next);
  for (const op of ops) {
    const before = new Map(held);
    let expectMoves = new Set<string>();
    if (op.kind === 'wait') now += op.ms;
    else if (op.kind === 'allocate') {
      const pool = POOLS[op.pool]!;
      const length = pool.lengths[op.length % pool.lengths.length]!;
      const owner = OWNERS[op.owner]!;
      const r = allocate(state, { pool: pool.pool, poolPrefix: pool.prefix, length, owner, now, quarantineMs: QUARANTINE });
      if (r.ok) {
        apply(r.value.state);
        assert.equal(P(r.value.record.prefix).length, length);
      } else assert.equal(r.error.code, 'exhausted');
      expectMoves = new Set([key(pool.pool, owner)]);
    } else if (op.kind === 'release') {
      const pool = POOLS[op.pool]!;
      apply(unwrap(release(state, pool.pool, OWNERS[op.owner]!, now)).state);
      expectMoves = new Set([key(pool.pool, OWNERS[op.owner]!)]);
    } else {
      const wanted: WantedPool[] = POOLS.map((p, i) => ({
        pool: p.pool,
        poolPrefix: p.prefix,
        length: p.lengths[op.length % p.lengths.length]!,
        quarantineMs: QUARANTINE,
        owners: OWNERS.filter((_, j) => (op.masks[i]! >> j) & 1).map((owner) => ({ owner })),
      }));
      const r = unwrap(reconcileAllocations(state, wanted, now));
      for (const p of r.problems) assert.equal(p.code, 'exhausted');
      apply(r.state);
      // Only owners no longer wanted, or wanted at another length, may lose their prefix.
      expectMoves = new Set(
        [...before].filter(([k, prefix]) => {
          const w = wanted.find((x) => k.startsWith(`${x.pool} `))!;
          return !w.owners.some((o) => key(w.pool, o.owner) === k) || P(prefix).length !== w.length;
        }).map(([k]) => k),
      );
    }
    // Observe the live allocations.
    held.clear();
    for (const { pool, prefix } of POOLS) {
      const live = allocationsOf(state, pool);
      for (let i = 0; i < live.length; i++) {
        const a = P(live[i]!.prefix);
        assert.ok(contains(prefix, a), `${live[i]!.prefix} lies inside ${pool}`);
        if (i > 0) assert.ok(!overlaps(P(live[i - 1]!.prefix), a), `${live[i - 1]!.prefix} and ${live[i]!.prefix} in ${pool}`);
        held.set(key(pool, live[i]!.owner), live[i]!.prefix);
      }
    }
    for (const [k, prefix] of before) {
      if (!expectMoves.has(k)) assert.equal(held.get(k), prefix, `${k} kept its prefix`);
    }
    // Released prefixes enter quarantine; new holders of them must be their old owner or late enough.
    for (const [k, prefix] of before) {
      if (held.get(k) !== prefix) {
        const [pool, owner] = k.split(' ') as [string, string];
        quarantine.push({ pool, owner, prefix: P(prefix), until: now + QUARANTINE });
      }
    }
    for (const [k, prefix] of held) {
      if (before.get(k) === prefix) continue;
      const [pool, owner] = k.split(' ') as [string, string];
      const p = P(prefix);
      for (const q of quarantine) {
        if (q.pool === pool && q.owner !== owner && now < q.until) {
          assert.ok(!overlaps(q.prefix, p), `${owner} got ${prefix} while ${q.owner}'s quarantine runs`);
        }
      }
    }
    for (let i = quarantine.length - 1; i >= 0; i--) if (quarantine[i]!.until <= now) quarantine.splice(i, 1);
  }
  return state;
}

test('property: 10,000 random IPAM operations keep every invariant, and replay is deterministic', () => {
  fc.assert(
    fc.property(fc.array(opArb, { minLength: 10_000, maxLength: 10_000 }), (ops) => {
      const first = run(ops);
      assert.deepEqual(run(ops), first);
    }),
    { numRuns: 1 },
  );
});

test('property: short random runs keep every invariant', () => {
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 300 }), (ops) => {
      assert.deepEqual(run(ops), run(ops));
    }),
    { numRuns: 30 },
  );
});
