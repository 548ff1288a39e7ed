// The configuration verbs through the API, against a daemon on the fake kernel: candidate
// validation, commit applied live, history, diff, rollback, commit-confirm expiry, events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, type EventDto } from '../../src/api/types.ts';
import { demoDocument, startTestDaemon } from './support.ts';

async function refusal(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  assert.fail('expected the API to refuse');
}

test('candidate with errors: 422 listing every problem with its path; nothing changes', async () => {
  const t = await startTestDaemon();
  try {
    const bad = demoDocument();
    const ifs = bad.interfaces as Record<string, Record<string, unknown>>;
    ifs.lan0!.mtu = 100;
    ifs.lan1!.role = 'router';
    const e = await refusal(t.client.putCandidate(bad));
    assert.equal(e.status, 422);
    const paths = (e.body.problems ?? []).map((p) => p.path);
    assert.ok(paths.includes('interfaces.lan0.mtu'), JSON.stringify(paths));
    assert.ok(paths.some((p) => p?.startsWith('interfaces.lan1')), JSON.stringify(paths));
    const candidate = await t.client.candidate();
    assert.deepEqual((candidate.document as { interfaces: object }).interfaces, {}, 'the candidate is still the empty default');
    assert.equal(candidate.base, 0);
  } finally {
    await t.stop();
  }
});

test('commit applies live; history, diff and rollback follow; events report commit and rollback', async () => {
  const t = await startTestDaemon();
  const events: EventDto[] = [];
  const stopEvents = t.client.events((e) => events.push(e));
  try {
    await waitUntil(() => t.daemon.events.subscribers === 1, 'the event stream to open');
    const put = await t.client.putCandidate(demoDocument());
    assert.ok(put.diff.length > 0);
    const r1 = await t.client.commit({ comment: 'demo' });
    assert.equal(r1.number, 1);
    assert.equal(r1.author, 'tester');
    // The fake kernel now carries the demo's addresses and its default route, proto v6edge.
    assert.ok(t.fake.state.addresses.some((a) => a.dev === 'lan0' && a.cidr === '2001:db8:1::1/64'));
    assert.ok(t.fake.state.routes.some((r) => r.dst === '::/0' && r.protocol === 'v6edge'));
    // IPAM gave host ch1 a prefix, persisted, and it is routed.
    const ch1 = (await t.client.hosts()).find((h) => h.name === 'ch1');
    assert.ok(ch1?.prefix?.endsWith('/48'), JSON.stringify(ch1));
    assert.ok(t.fake.state.routes.some((r) => r.dst === ch1!.prefix && r.via === '2001:db8:3::10'));
    const routes = await t.client.routes();
    assert.equal(routes.find((r) => r.prefix === ch1!.prefix)?.origin, 'host ch1');
    assert.ok(routes.every((r) => r.state === 'installed'), JSON.stringify(routes));

    const doc = demoDocument();
    (doc.interfaces as Record<string, Record<string, unknown>>).lan0!.mtu = 1400;
    await t.client.putCandidate(doc);
    const r2 = await t.client.commit({ comment: 'smaller mtu' });
    assert.equal(t.fake.state.links.get('lan0')?.mtu, 1400);
    assert.deepEqual(await t.client.diff(1, 2), [{ path: 'interfaces.lan0.mtu', kind: 'changed', before: 1500, after: 1400 }]);
    assert.deepEqual((await t.client.history()).map((h) => h.number), [2, 1]);

    const r3 = await t.client.rollback(1);
    assert.equal(r3.number, 3);
    assert.equal(t.fake.state.links.get('lan0')?.mtu, 1500, 'the rollback is live too');
    assert.equal((await t.client.status()).runningRevision, 3);

    await waitUntil(() => events.some((e) => e.type === 'rollback'), 'the rollback event');
    const kinds = events.filter((e) => e.type === 'commit' || e.type === 'rollback').map((e) => `${e.type} ${e.revision.number}`);
    assert.deepEqual(kinds, [`commit ${r1.number}`, `commit ${r2.number}`, 'rollback 3']);
    assert.ok(events.some((e) => e.type === 'reconcile'), 'reconcile passes are reported too');
  } finally {
    stopEvents();
    await t.stop();
  }
});

test('commit-confirm: not confirmed by the deadline rolls back in the store and the kernel', async () => {
  let clock = 1_000_000;
  const timers: Array<{ run: () => void; at: number }> = [];
  const t = await startTestDaemon({
    now: () => clock,
    schedule: (run, ms) => {
      const entry = { run, at: clock + ms };
      timers.push(entry);
      return () => timers.splice(timers.indexOf(entry), 1);
    },
  });
  const events: EventDto[] = [];
  t.daemon.events.subscribe((e) => events.push(e));
  try {
    await t.client.putCandidate(demoDocument());
    await t.client.commit({ comment: 'base' });
    const doc = demoDocument();
    (doc.hosts as Record<string, unknown>).ch2 = { interface: 'hosts0', nextHop: '2001:db8:3::20', prefix: '2001:db8:7000::/48' };
    await t.client.putCandidate(doc);
    const pending = await t.client.commit({ comment: 'risky', confirmSeconds: 60 });
    assert.equal(pending.state, 'pending');
    assert.equal((await t.client.status()).pendingConfirm?.deadline, clock + 60_000);
    assert.ok(t.fake.state.routes.some((r) => r.dst === '2001:db8:7000::/48'));
    assert.equal(timers.length, 1, 'a timer waits for the deadline');

    clock += 61_000;
    timers[0]!.run();
    await waitUntil(() => events.some((e) => e.type === 'rollback'), 'the automatic rollback');
    const status = await t.client.status();
    assert.equal(status.runningRevision, 3);
    assert.equal(status.pendingConfirm, undefined);
    assert.ok(!t.fake.state.routes.some((r) => r.dst === '2001:db8:7000::/48'), 'the route of the unconfirmed revision is gone');
    const history = await t.client.history();
    assert.equal(history.find((h) => h.number === 2)?.state, 'rolled-back');
    const e = await refusal(t.client.confirm());
    assert.equal(e.status, 404, 'nothing is left to confirm');
  } finally {
    await t.stop();
  }
});

test('confirm after the deadline (before its timer ran): refused, rolled back in the kernel, and the rollback reaches the event stream', async () => {
  let clock = 1_000_000;
  const t = await startTestDaemon({ now: () => clock, schedule: () => () => undefined });
  const events: EventDto[] = [];
  const stopEvents = t.client.events((e) => events.push(e));
  try {
    await waitUntil(() => t.daemon.events.subscribers === 1, 'the event stream to open');
    await t.client.putCandidate(demoDocument());
    await t.client.commit({ comment: 'base' });
    const doc = demoDocument();
    (doc.hosts as Record<string, unknown>).ch2 = { interface: 'hosts0', nextHop: '2001:db8:3::20', prefix: '2001:db8:7000::/48' };
    await t.client.putCandidate(doc);
    await t.client.commit({ comment: 'risky', confirmSeconds: 60 });
    assert.ok(t.fake.state.routes.some((r) => r.dst === '2001:db8:7000::/48'));

    clock += 61_000;
    const e = await refusal(t.client.confirm());
    assert.equal(e.status, 409);
    assert.equal(e.body.error.code, 'expired');
    assert.ok(!t.fake.state.routes.some((r) => r.dst === '2001:db8:7000::/48'), 'the route of the unconfirmed revision is gone');
    assert.equal((await t.client.status()).runningRevision, 3);
    await waitUntil(() => events.some((ev) => ev.type === 'rollback'), 'the rollback event on the stream');
    const rollback = events.find((ev) => ev.type === 'rollback');
    assert.equal(rollback?.type === 'rollback' ? rollback.revision.number : undefined, 3);
    assert.match(rollback?.type === 'rollback' ? rollback.reason : '', /revision 2 was not confirmed within 60 s/);
  } finally {
    stopEvents();
    await t.stop();
  }
});

test('confirm in time keeps the revision; commit without a candidate and bad requests are refused', async () => {
  const t = await startTestDaemon();
  try {
    assert.equal((await refusal(t.client.commit({ comment: 'nothing' }))).body.error.code, 'no-candidate');
    await t.client.putCandidate(demoDocument());
    await t.client.commit({ comment: 'base' });
    const doc = demoDocument();
    (doc.interfaces as Record<string, Record<string, unknown>>).lan1!.mtu = 1450;
    await t.client.putCandidate(doc);
    await t.client.commit({ comment: 'mtu', confirmSeconds: 600 });
    const confirmed = await t.client.confirm();
    assert.equal(confirmed.state, 'confirmed');
    assert.equal((await t.client.status()).pendingConfirm, undefined);
    assert.equal((await refusal(t.client.rollback(99))).status, 404);
    assert.equal((await refusal(t.client.call('GET', '/v1/nowhere'))).status, 404);
    assert.equal((await refusal(t.client.call('DELETE', '/v1/status'))).status, 405);
    assert.equal((await refusal(t.client.call('POST', '/v1/config/commit', { comment: 5 }))).status, 400);
  } finally {
    await t.stop();
  }
});

async function waitUntil(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
}

test('a commit the kernel refuses is rolled back in the store and the previous revision runs again', async () => {
  const t = await startTestDaemon();
  try {
    await t.client.putCandidate(demoDocument());
    await t.client.commit({ comment: 'base' });
    const undo = t.fake.failWhen((c) => (c.subsystem === 'links' && c.link.name === 'lan1' && c.link.mtu === 1300 ? 'mtu refused by the test' : undefined));
    const doc = demoDocument();
    (doc.interfaces as Record<string, Record<string, unknown>>).lan1!.mtu = 1300;
    await t.client.putCandidate(doc);
    const e = await refusal(t.client.commit({ comment: 'doomed' }));
    undo();
    assert.equal(e.status, 409);
    assert.equal(e.body.error.code, 'apply-failed');
    assert.match(e.body.error.message, /mtu refused by the test/);
    const history = await t.client.history();
    assert.deepEqual(history.map((h) => h.number), [3, 2, 1]);
    assert.match(history[0]!.comment, /automatic rollback: revision 2 did not apply/);
    assert.equal((await t.client.status()).runningRevision, 3);
    assert.equal(t.fake.state.links.get('lan1')?.mtu, 1500);
  } finally {
    await t.stop();
  }
});

test('a candidate far over the small-value limit of the store is kept whole and commits', async () => {
  const t = await startTestDaemon();
  try {
    // 1,000 hosts is ~150 KB of JSON: more than the 64 KiB a meta value may hold, which the
    // candidate once was refused silently (200, but nothing stored).
    const doc = demoDocument();
    const hosts = doc.hosts as Record<string, unknown>;
    for (let i = 0; i < 1000; i++) hosts[`fleet${i}`] = { interface: 'hosts0', nextHop: `2001:db8:3::${(i + 0x100).toString(16)}`, networks: { a: {}, b: {} }, publishedPorts: [] };
    assert.ok(JSON.stringify(doc).length > 64 * 1024);
    await t.client.putCandidate(doc);
    const candidate = await t.client.candidate();
    assert.equal(Object.keys((candidate.document as { hosts: object }).hosts).length, 1001);
    const rev = await t.client.commit({ comment: 'a thousand hosts' });
    assert.equal(rev.number, 1);
    assert.ok(t.fake.state.routes.filter((r) => r.protocol === 'v6edge').length > 3000);
  } finally {
    await t.stop();
  }
});
