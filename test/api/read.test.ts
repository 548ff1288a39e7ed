// The read side: status, leases (paging, search, release), metrics as Prometheus text, logs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unwrap } from '../../src/lib/result.ts';
import { groupId } from '../../src/daemon/api-server.ts';
import { Daemon } from '../../src/daemon/daemon.ts';
import { Logger } from '../../src/daemon/logs.ts';
import { FakeKernel } from '../../src/backends/fake/kernel.ts';
import { combineBackends } from '../../src/backends/types.ts';
import type { LeaseRecord } from '../../src/store/records.ts';
import { renderMetrics, PassDurations } from '../../src/daemon/metrics.ts';
import { demoDocument, startTestDaemon } from './support.ts';

function lease(i: number, extra: Partial<LeaseRecord> = {}): LeaseRecord {
  return {
    iface: 'lan1',
    duid: `000300010200000000${i.toString(16).padStart(2, '0')}`,
    iaid: i,
    kind: 'na',
    lease: `2001:db8:2::${(0x1000 + i).toString(16)}`,
    preferredLifetime: 3600,
    validLifetime: 7200,
    expiresAt: Date.now() + 7_200_000,
    state: 'active',
    ...extra,
  };
}

/** Checks Prometheus text exposition: TYPE before samples, names and values well formed. */
function parsePrometheus(text: string): Map<string, number> {
  const typed = new Set<string>();
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type !== null) typed.add(type[1]!);
    if (line.startsWith('#')) {
      assert.match(line, /^# (HELP|TYPE) /);
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/.exec(line);
    assert.ok(m !== null, `not a sample line: ${line}`);
    const family = m[1]!.replace(/_(bucket|sum|count)$/, '');
    assert.ok(typed.has(m[1]!) || typed.has(family), `${m[1]} has no TYPE line before it`);
    samples.set(`${m[1]}${m[2] ?? ''}`, Number(m[3]));
  }
  return samples;
}

test('status, leases with paging and search, and an operator release that removes the route', async () => {
  const t = await startTestDaemon();
  try {
    await t.client.putCandidate(demoDocument());
    await t.client.commit({ comment: 'demo' });
    const status = await t.client.status();
    assert.equal(status.runningRevision, 1);
    assert.deepEqual(status.services.ra, { health: 'off' });
    assert.equal(status.services.reconcile.health, 'ok');

    for (let i = 0; i < 25; i++) unwrap(t.daemon.store.leases.upsert(lease(i)));
    const pd = lease(99, { kind: 'pd', lease: '2001:db8:100::/56', clientLinkLocal: 'fe80::99' });
    unwrap(t.daemon.store.leases.upsert(pd));
    t.daemon.leasesChanged('a delegation written by the test');
    await t.daemon.reconciler.pass('test');
    assert.ok(t.fake.state.routes.some((r) => r.dst === '2001:db8:100::/56' && r.via === 'fe80::99'), 'the delegated prefix is routed');

    const seen: string[] = [];
    let page = await t.client.leases({ limit: 10 });
    assert.equal(page.total, 26);
    seen.push(...page.leases.map((l) => l.lease));
    while (page.next !== undefined) {
      page = await t.client.leases({ limit: 10, after: page.next });
      seen.push(...page.leases.map((l) => l.lease));
    }
    assert.equal(new Set(seen).size, 26, 'paging visits every lease once');
    const found = await t.client.leases({ search: lease(7).duid });
    assert.deepEqual(found.leases.map((l) => l.lease), [lease(7).lease]);
    assert.equal((await t.client.leases({ iface: 'lan0' })).total, 0);

    await t.client.releaseLease('2001:db8:100::/56');
    await t.daemon.reconciler.pass('test');
    assert.ok(!t.fake.state.routes.some((r) => r.dst === '2001:db8:100::/56'), 'the released prefix is no longer routed');
    assert.equal((await t.client.leases({ search: 'fe80::99' })).leases[0]?.state, 'released');
    await assert.rejects(t.client.releaseLease('2001:db8:100::/56'), /No active lease/);

    const logs = await t.client.logs({ component: 'config' });
    assert.ok(logs.some((l) => /revision 1 applied/.test(l.message)));
    assert.ok(t.logLines.every((l) => typeof JSON.parse(l).message === 'string'), 'stdout log lines are JSON');
  } finally {
    await t.stop();
  }
});

test('GET /metrics is Prometheus text with reconcile counters', async () => {
  const t = await startTestDaemon();
  try {
    await t.client.putCandidate(demoDocument());
    await t.client.commit({ comment: 'demo' });
    const samples = parsePrometheus(await t.client.metrics());
    assert.ok(samples.get('v6edge_reconcile_passes_total')! >= 1);
    assert.ok(samples.get('v6edge_reconcile_changes_applied_total')! > 0);
    assert.equal(samples.get('v6edge_reconcile_pass_duration_seconds_count'), samples.get('v6edge_reconcile_pass_duration_seconds_bucket{le="+Inf"}'));
  } finally {
    await t.stop();
  }
});

test('renderMetrics: every service family, labels escaped', () => {
  const durations = new PassDurations();
  durations.observe(0.02);
  durations.observe(3);
  const text = renderMetrics({
    ra: [{ ifname: 'lan0', rasSent: 5, rasSentUnicast: 1, rsReceived: 2, sendErrors: 0, rogueRas: 1, drops: { 'bad-hop-limit': 3 } }],
    dhcpv6: { messages: { solicit: 4 }, drops: { 'no-client-id': 1 }, replies: 3, leases: { lan1: { na: 2, pd: 1 } } },
    ndproxy: { 'answered': 7, 'weird"name': 1 },
    reconcile: { passes: 2, changesApplied: 9, driftRepairs: 1, failedPasses: 0, durations },
    apiRequests: 11,
    eventSubscribers: 1,
  });
  const s = parsePrometheus(text);
  assert.equal(s.get('v6edge_ra_drops_total{interface="lan0",reason="bad-hop-limit"}'), 3);
  assert.equal(s.get('v6edge_dhcpv6_leases{interface="lan1",kind="pd"}'), 1);
  assert.equal(s.get('v6edge_ndproxy_events_total{counter="weird\\"name"}'), 1);
  assert.equal(s.get('v6edge_reconcile_pass_duration_seconds_bucket{le="0.05"}'), 1);
  assert.equal(s.get('v6edge_reconcile_pass_duration_seconds_bucket{le="5"}'), 2);
});

test('the API socket is mode 0660; its group comes from /etc/group when it exists', async () => {
  const t = await startTestDaemon();
  try {
    assert.equal(statSync(t.socketPath).mode & 0o777, 0o660);
    const groups = join(t.dir, 'group');
    writeFileSync(groups, 'root:x:0:\nv6edge:x:987:alice,bob\n');
    assert.equal(groupId('v6edge', groups), 987);
    assert.equal(groupId('nobody-here', groups), undefined);
    // A second daemon on the same socket is refused; the first keeps answering.
    const second = await Daemon.start({ storePath: join(t.dir, 'other.db'), socketPath: t.socketPath, backend: combineBackends([new FakeKernel()]), services: {}, log: new Logger({ write: () => undefined }) });
    assert.equal(second.ok, false);
    assert.match(second.ok ? '' : second.error.message, /already running/);
    assert.equal((await t.client.status()).version, '0.1.0');
  } finally {
    await t.stop();
  }
});
