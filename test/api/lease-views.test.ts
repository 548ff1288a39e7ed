// GET /v1/leases answered from SQL pages, and GET /v1/status reading the running revision once per
// commit, rollback or confirm rather than once per request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unwrap } from '../../src/lib/result.ts';
import type { LeaseDto } from '../../src/api/types.ts';
import { leaseCursor, parseLeaseCursor } from '../../src/daemon/views.ts';
import type { LeaseRecord } from '../../src/store/records.ts';
import { demoDocument, startTestDaemon } from './support.ts';

function lease(i: number): LeaseRecord {
  return {
    iface: i % 3 === 0 ? 'lan0' : 'lan1',
    duid: `00030001020000000${(0x100 + (i % 7)).toString(16)}`,
    iaid: i,
    kind: 'na',
    lease: `2001:db8:2::${(0x1000 + i).toString(16)}`,
    preferredLifetime: 3600,
    validLifetime: 7200,
    expiresAt: Date.now() + 7_200_000,
    state: i % 4 === 0 ? 'released' : 'active',
  };
}

test('HTTP lease pages: every match once, in key order, with the whole total on each page', async () => {
  const t = await startTestDaemon();
  try {
    const all = Array.from({ length: 47 }, (_, i) => lease(i));
    for (const r of unwrap(t.daemon.store.leases.upsertBatch(all))) unwrap(r);
    const cases: Array<[string, { iface?: string; search?: string }, (l: LeaseRecord) => boolean]> = [
      ['all', {}, () => true],
      ['lan0', { iface: 'lan0' }, (l) => l.iface === 'lan0'],
      ['search 2001:db8:2::10', { search: '2001:db8:2::10' }, (l) => l.lease.includes('2001:db8:2::10')],
      ['search a DUID with colons', { search: '01:03' }, (l) => l.duid.includes('0103')],
    ];
    for (const [name, q, keep] of cases) {
      // Key order: iface, DUID, then the IAID as a number.
      const want = all.filter(keep).sort((a, b) => a.iface.localeCompare(b.iface) || a.duid.localeCompare(b.duid) || a.iaid - b.iaid).map((l) => leaseCursor(l));
      const seen: LeaseDto[] = [];
      let page = await t.client.leases({ ...q, limit: 6 });
      seen.push(...page.leases);
      assert.equal(page.total, want.length, name);
      while (page.next !== undefined) {
        page = await t.client.leases({ ...q, limit: 6, after: page.next });
        assert.equal(page.total, want.length, name);
        seen.push(...page.leases);
      }
      assert.deepEqual(seen.map((l) => leaseCursor(l)), want, name);
    }
    // A cursor the daemon never gave ends the listing instead of starting it again.
    const bad = await t.client.leases({ after: 'not-a-cursor' });
    assert.deepEqual(bad, { leases: [], total: 47 });
    assert.equal((await t.client.leases({ limit: 100000 })).leases.length, 47, 'a huge limit is capped, not refused');
  } finally {
    await t.stop();
  }
});

test('lease cursors round-trip, an interface name with a | included', () => {
  const keys = [
    { iface: 'lan0', duid: '000300010203', iaid: 0, kind: 'na' as const, lease: '2001:db8::1' },
    { iface: 'a|b|c', duid: '0001', iaid: 4294967295, kind: 'pd' as const, lease: '2001:db8:100::/56' },
  ];
  for (const k of keys) assert.deepEqual(parseLeaseCursor(leaseCursor(k)), k);
  for (const bad of ['', 'a|b|c|d', 'lan0|0001|x|na|2001:db8::1', 'lan0|0001|1|ta|2001:db8::1']) assert.equal(parseLeaseCursor(bad), 'bad', bad);
});

test('status reads the running revision once per commit, rollback or confirm, not per request', async () => {
  let clock = Date.now();
  const t = await startTestDaemon({ now: () => clock });
  try {
    const store = t.daemon.store;
    let reads = 0;
    const running = store.running.bind(store);
    store.running = () => {
      reads++;
      return running();
    };
    await t.client.putCandidate(demoDocument());
    await t.client.commit({ comment: 'first' });
    reads = 0;
    for (let i = 0; i < 20; i++) assert.equal((await t.client.status()).runningRevision, 1);
    assert.ok(reads <= 1, `20 status requests read the running revision ${reads} times`);

    const doc = demoDocument();
    (doc.interfaces as Record<string, Record<string, unknown>>).lan0!.mtu = 1400;
    await t.client.putCandidate(doc);
    await t.client.commit({ comment: 'second', confirmSeconds: 60 });
    const pending = await t.client.status();
    assert.equal(pending.runningRevision, 2, 'a commit is seen at once');
    assert.equal(pending.pendingConfirm?.revision, 2);
    await t.client.confirm();
    assert.equal((await t.client.status()).pendingConfirm, undefined, 'a confirm is seen at once');

    await t.client.rollback(1);
    assert.equal((await t.client.status()).runningRevision, 3, 'a rollback is seen at once');

    // A pending revision past its deadline is read again until the rollback lands.
    await t.client.putCandidate(doc);
    await t.client.commit({ comment: 'risky', confirmSeconds: 30 });
    assert.equal((await t.client.status()).pendingConfirm?.revision, 4);
    clock += 31_000;
    reads = 0;
    await t.client.status();
    await t.client.status();
    assert.equal(reads, 2, 'past the deadline every status request looks again');
  } finally {
    await t.stop();
  }
});
