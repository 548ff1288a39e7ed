import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { unwrap } from '../../src/lib/result.ts';
import type { LeaseRecord } from '../../src/store/records.ts';
import type { LeaseKey } from '../../src/store/leases.ts';
import { open, tempDir } from './fixture.ts';

const T0 = 1_700_000_000_000;

function lease(n: number, over: Partial<LeaseRecord> = {}): LeaseRecord {
  return {
    iface: 'lan0',
    duid: `00030001${(0x020000000000 + n).toString(16).padStart(12, '0')}`,
    iaid: 1,
    kind: 'na',
    lease: `2001:db8::${(0x100 + n).toString(16)}`,
    preferredLifetime: 1800,
    validLifetime: 3600,
    expiresAt: T0 + 3_600_000,
    state: 'active',
    clientLinkLocal: `fe80::${n.toString(16)}`,
    ...over,
  };
}

function keyOf(l: LeaseRecord): LeaseKey {
  return { iface: l.iface, duid: l.duid, iaid: l.iaid, kind: l.kind, lease: l.lease };
}

function setup(t: { after: (fn: () => void) => void }) {
  const tmp = tempDir();
  t.after(tmp.remove);
  const store = open(tmp.path, { now: () => T0 });
  t.after(() => store.close());
  return { tmp, store, leases: store.leases };
}

test('upsert then get by full key; a second upsert renews in place', (t) => {
  const { leases } = setup(t);
  const l = lease(1);
  assert.equal(leases.get(keyOf(l)), undefined);
  assert.deepEqual(unwrap(leases.upsert(l)), l);
  assert.deepEqual(leases.get(keyOf(l)), l);
  const renewed = { ...l, expiresAt: l.expiresAt + 1000 };
  unwrap(leases.upsert(renewed));
  assert.deepEqual(leases.get(keyOf(l)), renewed);
  assert.equal(leases.list().leases.length, 1);
  const { clientLinkLocal: _, ...withoutLl } = lease(2, { kind: 'pd', lease: '2001:db8:100::/56' });
  unwrap(leases.upsert(withoutLl));
  assert.deepEqual(leases.get(keyOf(withoutLl)), withoutLl);
});

test('one active binding per address on a link: a second client gets a conflict', (t) => {
  const { leases } = setup(t);
  unwrap(leases.upsert(lease(1, { lease: '2001:db8::1' })));
  const clash = leases.upsert(lease(2, { lease: '2001:db8::1' }));
  assert.ok(!clash.ok);
  assert.equal(clash.error.code, 'conflict');
  // Once the first binding is released the address can be bound again.
  unwrap(leases.upsert(lease(1, { lease: '2001:db8::1', state: 'released' })));
  unwrap(leases.upsert(lease(2, { lease: '2001:db8::1' })));
  assert.equal(leases.list({ state: 'active' }).leases[0]?.duid, lease(2).duid);
});

const invalid: [string, Partial<LeaseRecord>][] = [
  ['empty iface', { iface: '' }],
  ['uppercase DUID', { duid: '0003000102AABBCCDDEE' }],
  ['odd-length DUID', { duid: '00030' }],
  ['DUID over 130 octets (Kea CVE-2019-6472)', { duid: '00'.repeat(131) }],
  ['IAID over 32 bits', { iaid: 2 ** 32 }],
  ['negative lifetime', { validLifetime: -1 }],
  ['preferred > valid', { preferredLifetime: 7200, validLifetime: 3600 }],
  ['na lease with a prefix length', { lease: '2001:db8::/64' }],
  ['pd lease without a length', { kind: 'pd', lease: '2001:db8::' }],
  ['fractional expiry', { expiresAt: 1.5 }],
];
for (const [name, over] of invalid) {
  test(`refuses an invalid lease: ${name}`, (t) => {
    const { leases } = setup(t);
    const r = leases.upsert(lease(1, over));
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'invalid');
    assert.equal(leases.list().leases.length, 0);
  });
}

test('list filters by iface, duid and state, in key order', (t) => {
  const { leases } = setup(t);
  unwrap(leases.upsert(lease(1)));
  unwrap(leases.upsert(lease(2, { iface: 'lan1' })));
  unwrap(leases.upsert(lease(3, { state: 'released' })));
  unwrap(leases.upsert(lease(1, { iaid: 2, kind: 'pd', lease: '2001:db8:1::/56' })));
  assert.deepEqual(
    leases.list({ iface: 'lan0' }).leases.map((l) => l.lease),
    ['2001:db8::101', '2001:db8:1::/56', '2001:db8::103'],
  );
  assert.deepEqual(leases.list({ iface: 'lan1' }).leases.map((l) => l.lease), ['2001:db8::102']);
  assert.deepEqual(leases.list({ duid: lease(1).duid }).leases.map((l) => l.iaid), [1, 2]);
  assert.deepEqual(leases.list({ state: 'released' }).leases.map((l) => l.lease), ['2001:db8::103']);
  assert.deepEqual(leases.list({ iface: 'lan0', state: 'active', duid: lease(3).duid }).leases, []);
});

test('paging visits every lease exactly once', (t) => {
  const { leases } = setup(t);
  const all = Array.from({ length: 23 }, (_, i) => lease(i, { iface: i % 2 === 0 ? 'lan0' : 'lan1' }));
  assert.ok(unwrap(leases.upsertBatch(all)).every((r) => r.ok));
  const seen: string[] = [];
  let after: LeaseKey | undefined;
  let pages = 0;
  do {
    const page = leases.list({ limit: 5, ...(after === undefined ? {} : { after }) });
    seen.push(...page.leases.map((l) => `${l.iface}/${l.lease}`));
    after = page.next;
    pages++;
  } while (after !== undefined);
  assert.equal(pages, 5);
  assert.equal(seen.length, 23);
  assert.equal(new Set(seen).size, 23);
  // Pages concatenate to the same order as one big page.
  assert.deepEqual(seen, leases.list({ limit: 1000 }).leases.map((l) => `${l.iface}/${l.lease}`));
  // With a filter, paging stays inside it.
  const lan1 = leases.list({ iface: 'lan1', limit: 100 });
  assert.equal(lan1.leases.length, 11);
  assert.equal(lan1.next, undefined);
});

test('the expiry sweep returns what expired and leaves the rest', (t) => {
  const { leases } = setup(t);
  unwrap(leases.upsert(lease(1, { expiresAt: T0 - 1 })));
  unwrap(leases.upsert(lease(2, { expiresAt: T0 })));
  unwrap(leases.upsert(lease(3, { expiresAt: T0 + 1 })));
  unwrap(leases.upsert(lease(4, { expiresAt: T0 - 5, state: 'declined' })));
  unwrap(leases.upsert(lease(5, { expiresAt: T0 - 5, state: 'released' })));
  const gone = unwrap(leases.expire());
  assert.deepEqual(gone.map((l) => l.lease).sort(), ['2001:db8::101', '2001:db8::102', '2001:db8::104']);
  assert.ok(gone.every((l) => l.state === 'expired'));
  assert.equal(leases.get(keyOf(lease(3)))?.state, 'active');
  assert.equal(leases.get(keyOf(lease(5)))?.state, 'released');
  assert.deepEqual(unwrap(leases.expire()), []);
  assert.equal(unwrap(leases.expire(T0 + 10)).length, 1);
});

test('counts per iface and per duid', (t) => {
  const { leases } = setup(t);
  unwrap(leases.upsert(lease(1)));
  unwrap(leases.upsert(lease(1, { iaid: 7, kind: 'pd', lease: '2001:db8:7::/56' })));
  unwrap(leases.upsert(lease(2, { iface: 'lan1' })));
  unwrap(leases.upsert(lease(3, { state: 'released' })));
  assert.deepEqual([...leases.countsByIface()], [['lan0', 2], ['lan1', 1]]);
  assert.deepEqual([...leases.countsByIface('released')], [['lan0', 1]]);
  assert.deepEqual(leases.countsByDuid().get(lease(1).duid), 2);
  assert.deepEqual(leases.countsByDuid().get(lease(3).duid), undefined);
});

test('group commit: a same-tick burst is one transaction, durable when each promise resolves', async (t) => {
  const { tmp, store } = setup(t);
  const reader = new DatabaseSync(tmp.path, { readOnly: true });
  t.after(() => reader.close());
  const visible = reader.prepare('SELECT count(*) AS n FROM leases');
  const count = () => Number(visible.get()?.['n']);

  const burst = Array.from({ length: 50 }, (_, i) => lease(i));
  const promises = burst.map((l) => store.leaseWriter.write(l));
  // Nothing is committed before the batch runs: the promises are the only way to learn it is.
  assert.equal(count(), 0);
  const observed: number[] = [];
  await Promise.all(
    promises.map((p) =>
      p.then((r) => {
        assert.ok(r.ok);
        observed.push(count());
      }),
    ),
  );
  assert.deepEqual(observed, burst.map(() => 50));
  assert.deepEqual(store.leaseWriter.stats, { transactions: 1, leases: 50, largestBatch: 50 });

  // A later tick is a new transaction.
  await store.leaseWriter.write(lease(60));
  assert.equal(store.leaseWriter.stats.transactions, 2);
  assert.equal(count(), 51);
});

test('group commit: one bad lease fails only its own caller', async (t) => {
  const { store } = setup(t);
  const [a, b, c] = await Promise.all([
    store.leaseWriter.write(lease(1, { lease: '2001:db8::1' })),
    store.leaseWriter.write(lease(2, { lease: '2001:db8::1' })),
    store.leaseWriter.write(lease(3, { iaid: -1 })),
  ]);
  assert.equal(a?.ok, true);
  assert.ok(b !== undefined && !b.ok);
  assert.equal(b.error.code, 'conflict');
  assert.ok(c !== undefined && !c.ok);
  assert.equal(c.error.code, 'invalid');
  assert.equal(store.leases.list().leases.length, 1);
});

test('group commit: a locked database fails the whole batch as values', async (t) => {
  const tmp = tempDir();
  t.after(tmp.remove);
  const store = open(tmp.path, { busyTimeoutMs: 30 });
  t.after(() => store.close());
  const other = new DatabaseSync(tmp.path);
  t.after(() => other.close());
  other.exec('BEGIN IMMEDIATE');
  const results = await Promise.all([store.leaseWriter.write(lease(1)), store.leaseWriter.write(lease(2))]);
  other.exec('ROLLBACK');
  assert.deepEqual(results.map((r) => (r.ok ? 'ok' : r.error.code)), ['locked', 'locked']);
  assert.equal(store.leases.list().leases.length, 0);
});

test('close flushes leases still queued', (t) => {
  const tmp = tempDir();
  t.after(tmp.remove);
  const store = open(tmp.path);
  void store.leaseWriter.write(lease(1));
  store.close();
  const again = open(tmp.path);
  t.after(() => again.close());
  assert.deepEqual(again.leases.get(keyOf(lease(1))), lease(1));
});
