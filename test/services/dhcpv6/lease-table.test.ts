// The lease table's indexes and counters against a recount over every row it was given: whatever
// sequence of writes, undos and clock steps, each answer equals the one a full walk would give.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LeaseTable } from '../../../src/services/dhcpv6/lease-table.ts';
import type { LeaseRecord, LeaseState } from '../../../src/store/records.ts';

const LINKS = ['lan0', 'lan1'];
const DUIDS = ['000300010200000000a1', '000300010200000000a2', '000300010200000000a3'];
const LEASES = ['2001:db8::1', '2001:db8::2', '2001:db8::3', '2001:db8:80::/64'];
const STATES: LeaseState[] = ['active', 'released', 'declined', 'expired'];

const key = (l: LeaseRecord): string => `${l.iface}|${l.duid}|${l.iaid}|${l.kind}|${l.lease}`;

const recordArb: fc.Arbitrary<LeaseRecord> = fc
  .record({
    iface: fc.constantFrom(...LINKS),
    duid: fc.constantFrom(...DUIDS),
    iaid: fc.integer({ min: 1, max: 2 }),
    lease: fc.constantFrom(...LEASES),
    expiresAt: fc.integer({ min: 0, max: 100 }),
    state: fc.constantFrom(...STATES),
  })
  .map((r) => ({ ...r, kind: r.lease.includes('/') ? 'pd' : 'na', preferredLifetime: 1, validLifetime: 2 }) as const);

type Op =
  | { readonly op: 'apply'; readonly record: LeaseRecord }
  | { readonly op: 'undo'; readonly record: LeaseRecord }
  | { readonly op: 'tick'; readonly by: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: recordArb.map((record) => ({ op: 'apply', record }) as const) },
  { weight: 2, arbitrary: recordArb.map((record) => ({ op: 'undo', record }) as const) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 20 }).map((by) => ({ op: 'tick', by }) as const) },
);

/** What the table should hold: the kept rows by store key, as the first version walked them. */
class Model {
  readonly rows = new Map<string, LeaseRecord>();
  apply(r: LeaseRecord): void {
    if (r.state === 'active' || r.state === 'declined') this.rows.set(key(r), r);
    else this.rows.delete(key(r));
  }
  activeCount(link: string, now: number): number {
    return [...this.rows.values()].filter((l) => l.iface === link && l.state === 'active' && l.expiresAt > now).length;
  }
}

const sortKeys = (rows: readonly LeaseRecord[]): string[] => rows.map(key).sort();

test('counts, bindings and holders always equal a recount of the rows', () => {
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 120 }), (ops) => {
      const table = new LeaseTable();
      const model = new Model();
      let now = 0;
      for (const step of ops) {
        // At most one kept row holds a lease on a link: the store's unique index refuses a second
        // active one, and decide() gives out nothing a live row (active or declined) holds.
        if (step.op !== 'tick' && [...model.rows.values()].some((l) => l.iface === step.record.iface && l.lease === step.record.lease && key(l) !== key(step.record))) continue;
        if (step.op === 'tick') now += step.by;
        else if (step.op === 'apply') {
          table.apply(step.record);
          model.apply(step.record);
        } else {
          // The runner's undo of a failed write: restore the row as it was, or forget it.
          const before = table.row(step.record);
          table.apply(step.record);
          if (before === undefined) table.remove(step.record);
          else table.apply(before);
        }
        for (const link of LINKS) {
          assert.equal(table.activeCount(link, now), model.activeCount(link, now), `activeCount ${link} at ${now}`);
          const active = [...model.rows.values()].filter((l) => l.iface === link && l.state === 'active');
          const counts = table.counts().get(link) ?? { na: 0, pd: 0 };
          assert.deepEqual({ na: counts.na, pd: counts.pd }, {
            na: active.filter((l) => l.kind === 'na').length,
            pd: active.filter((l) => l.kind === 'pd').length,
          });
          for (const duid of DUIDS) {
            const want = [...model.rows.values()].filter((l) => l.iface === link && l.duid === duid && l.state === 'active' && l.expiresAt > now);
            assert.deepEqual(sortKeys(table.bindings(link, duid, now)), sortKeys(want));
          }
        }
        assert.deepEqual(sortKeys(table.active()), sortKeys([...model.rows.values()].filter((l) => l.state === 'active')));
        for (const lease of LEASES) {
          assert.deepEqual(sortKeys(table.holding(lease)), sortKeys([...model.rows.values()].filter((l) => l.state === 'active' && l.lease === lease)));
        }
      }
    }),
    { numRuns: 300 },
  );
});

test('holder answers from the row holding the lease, live only, and of the asked kind', () => {
  const base = { iface: 'lan0', duid: DUIDS[0]!, iaid: 1, kind: 'na', preferredLifetime: 1, validLifetime: 2 } as const;
  const table = new LeaseTable([
    { ...base, lease: '2001:db8::1', expiresAt: 50, state: 'active' },
    { ...base, iaid: 2, lease: '2001:db8::2', expiresAt: 50, state: 'declined' },
    { ...base, iaid: 3, lease: '2001:db8::3', expiresAt: 50, state: 'released' },
  ]);
  const cases: Array<[string, 'na' | 'pd', number, string | undefined]> = [
    ['2001:db8::1', 'na', 10, 'active'],
    ['2001:db8::2', 'na', 10, 'declined'],
    ['2001:db8::3', 'na', 10, undefined],
    ['2001:db8::1', 'pd', 10, undefined],
    ['2001:db8::1', 'na', 50, undefined],
  ];
  for (const [lease, kind, now, state] of cases) {
    assert.equal(table.holder('lan0', kind, lease, now)?.state, state, `${lease} ${kind} at ${now}`);
    assert.equal(table.holder('lan1', kind, lease, now), undefined);
  }
});

test('renewing one binding many times keeps the count at one and the expiry queue bounded', () => {
  const table = new LeaseTable();
  const base = { iface: 'lan0', duid: DUIDS[0]!, iaid: 1, kind: 'na', lease: '2001:db8::1', preferredLifetime: 1, validLifetime: 2, state: 'active' } as const;
  for (let i = 1; i <= 10_000; i++) {
    table.apply({ ...base, expiresAt: 1_000_000 + i });
    assert.equal(table.activeCount('lan0', i), 1);
  }
  assert.equal(table.activeCount('lan0', 1_010_000), 0);
  assert.deepEqual(table.counts().get('lan0'), { na: 1, pd: 0 });
});
