import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Reconciler, type OwnershipRecord, type ReconcileEvent, type Schedule } from '../../src/reconcile/loop.ts';
import { NOTHING_RECORDED, type Recorded } from '../../src/reconcile/plan.ts';
import { fakeRouter, parse, ROUTER } from './fixtures.ts';
import { validateConfig } from '../../src/config/validate.ts';
import { demoConfig } from '../../src/config/defaults.ts';

/** A timer that records the delays asked for and runs a callback only when told. */
function manualTimers() {
  const pending: Array<{ ms: number; run: () => void }> = [];
  const schedule: Schedule = (run, ms) => {
    const entry = { ms, run };
    pending.push(entry);
    return () => pending.splice(pending.indexOf(entry), 1);
  };
  return { pending, schedule, fire: () => pending.shift()?.run() };
}

const settle = () => new Promise((r) => setImmediate(r));

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await settle();
  assert.ok(check(), 'condition never held');
}

test('a pass converges in one batch per subsystem; the next pass plans nothing', async () => {
  const { fake, backend } = fakeRouter();
  const loop = new Reconciler({ backend, resyncMs: 0 });
  const r = await loop.applyRevision(parse(ROUTER));
  assert.ok(r.ok);
  // nft starts first and runs beside the kernel's subsystems, which go in dependency order.
  assert.deepEqual(fake.batches.map((b) => b.subsystem), ['nft', 'links', 'sysctls', 'addresses', 'routes', 'proxyNeighbors']);
  const again = await loop.pass();
  assert.deepEqual(again.planned, []);
  assert.equal(loop.status().errors.length, 0);
  assert.ok(loop.status().changesApplied > 10);
});

test('drift is repaired through the event path and counted', async () => {
  const { fake, backend } = fakeRouter();
  const loop = new Reconciler({ backend, resyncMs: 0 });
  assert.ok((await loop.applyRevision(parse(ROUTER))).ok);
  loop.start();
  fake.drift('route deleted', (s) => (s.routes = s.routes.filter((r) => r.dst !== '2001:db8:1000::/48')));
  fake.drift('table deleted', (s) => (s.nft = undefined));
  await until(() => fake.state.nft !== undefined && fake.state.routes.some((r) => r.dst === '2001:db8:1000::/48'));
  await loop.stop();
  assert.equal(loop.status().driftRepairs, 2);
});

test('a failing change is reported by object and reason, the rest stays applied, and retries back off', async () => {
  const { fake, backend } = fakeRouter();
  const timers = manualTimers();
  const events: ReconcileEvent[] = [];
  const loop = new Reconciler({ backend, resyncMs: 0, schedule: timers.schedule, backoff: { initialMs: 100, maxMs: 350 }, onEvent: (e) => events.push(e) });
  const heal = fake.failWhen((c) => (c.subsystem === 'routes' && c.route.dst === '2001:db8:1000:1::/80' ? 'Nexthop device is not up.' : undefined));
  loop.setConfig(parse(ROUTER));
  await until(() => loop.status().passes === 1);
  const failed = events.find((e) => e.type === 'failed');
  assert.deepEqual(failed?.type === 'failed' ? [failed.object, failed.problem.code] : undefined, ['route 2001:db8:1000:1::/80', 'injected']);
  assert.ok(fake.state.routes.some((r) => r.dst === '2001:db8:1000::/48'), 'the other routes went in');
  for (let i = 0; i < 3; i++) {
    timers.fire();
    await until(() => loop.status().passes === i + 2);
  }
  assert.deepEqual(events.filter((e) => e.type === 'retry').map((e) => (e.type === 'retry' ? e.inMs : 0)), [100, 200, 350, 350]);
  heal();
  timers.fire();
  await until(() => loop.status().passes === 5);
  assert.equal(loop.status().consecutiveFailures, 0);
  assert.ok(fake.state.routes.some((r) => r.dst === '2001:db8:1000:1::/80'));
  assert.equal(timers.pending.length, 0, 'no retry after success');
});

test('applyRevision rolls back to the previous revision when verification fails', async () => {
  const { fake, backend } = fakeRouter();
  const loop = new Reconciler({ backend, resyncMs: 0, schedule: manualTimers().schedule });
  assert.ok((await loop.applyRevision(parse(ROUTER))).ok);
  const next = parse({ ...ROUTER, hosts: { ...ROUTER.hosts, ch2: { interface: 'br0', nextHop: 'fe80::2', prefix: '2001:db8:2000::/48' } } });
  // The kernel says yes to the new route but does not keep it: only a read-back can tell.
  fake.lieAbout((c) => c.subsystem === 'routes' && c.route.dst === '2001:db8:2000::/48');
  const r = await loop.applyRevision(next);
  assert.equal(r.ok, false);
  assert.equal(r.ok ? '' : r.error.code, 'not-verified');
  assert.deepEqual(r.ok ? undefined : r.error.where, { path: 'route 2001:db8:2000::/48' });
  // The previous revision is back in place: ch2's filter elements are gone again.
  const sources = fake.state.nft?.sets.filter((s) => s.name.startsWith('inside_sources_')).flatMap((s) => s.elements) ?? [];
  assert.equal(sources.some((e) => e.includes('2001:db8:2000::')), false);
  assert.deepEqual((await loop.pass()).planned, []);
});

test('the fake knows link kinds the lab kernel lacks, and a VLAN needs its parent', async () => {
  const { fake, backend } = fakeRouter();
  fake.state.links.delete('eth1');
  const loop = new Reconciler({ backend, resyncMs: 0, schedule: manualTimers().schedule });
  const r = await loop.applyRevision(parse(ROUTER));
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.error.message, /link eth1\.10: Cannot find device "eth1"/);
  // The other created kinds went in (nothing to roll back to on a first revision).
  assert.deepEqual(['bond0', 'br0', 'lo1'].map((n) => fake.state.links.get(n)?.kind), ['bond', 'bridge', 'dummy']);
});

test('leased addresses from the facts become proxy entries for kernel NDP-proxy rules', () => {
  const base = demoConfig();
  const checked = validateConfig({ ...base, ndproxy: { rules: [{ upstream: 'wan0', prefix: '2001:db8:2::/64', mode: 'kernel', addresses: ['2001:db8:2::5'] }] } });
  assert.ok(checked.ok, JSON.stringify(!checked.ok && checked.error));
  const facts = { allocations: [], leaseRoutes: [], leasedAddresses: ['2001:db8:2::1000'] };
  const { backend } = fakeRouter();
  const desired = new Reconciler({ backend, facts: () => facts }).desiredFor(checked.value);
  const entries = desired.proxyNeighbors.map((n) => `${n.dev} ${n.address}`).sort();
  assert.deepEqual(entries, ['wan0 2001:db8:2::1000', 'wan0 2001:db8:2::5']);
});

/** An OwnershipRecord in memory, shared by successive Reconcilers as the store is across restarts. */
function memoryOwnership() {
  let saved: Recorded = NOTHING_RECORDED;
  const record: OwnershipRecord = {
    load: () => saved,
    update: (added, removed) => {
      const drop = (list: readonly { dev: string }[], gone: readonly { dev: string }[]) => list.filter((x) => !gone.some((g) => JSON.stringify(g) === JSON.stringify(x)));
      saved = {
        addresses: [...drop(saved.addresses, removed.addresses), ...added.addresses] as Recorded['addresses'],
        proxyNeighbors: [...drop(saved.proxyNeighbors, removed.proxyNeighbors), ...added.proxyNeighbors] as Recorded['proxyNeighbors'],
      };
    },
  };
  return { record, saved: () => saved };
}

test('an address the config drops is removed after a restart, because the add was recorded', async () => {
  const { fake, backend } = fakeRouter();
  const owned = memoryOwnership();
  const first = new Reconciler({ backend, resyncMs: 0, ownership: owned.record });
  assert.ok((await first.applyRevision(parse(ROUTER))).ok);
  assert.ok(owned.saved().addresses.some((a) => a.cidr === '2001:db8:99::1/128'));
  // The daemon restarts with a config that no longer has lo1's address.
  const second = new Reconciler({ backend, resyncMs: 0, ownership: owned.record });
  const config = structuredClone(ROUTER);
  (config.interfaces!.lo1 as { ips?: string[] }).ips = [];
  assert.ok((await second.applyRevision(parse(config))).ok);
  assert.ok(!fake.state.addresses.some((a) => a.cidr === '2001:db8:99::1/128'), 'the stale address is gone');
  assert.ok(!owned.saved().addresses.some((a) => a.cidr === '2001:db8:99::1/128'), 'and no longer recorded');
});

test('an address that was there before v6edge wanted it stays when the config drops it', async () => {
  const { fake, backend } = fakeRouter();
  const owned = memoryOwnership();
  const loop = new Reconciler({ backend, resyncMs: 0, ownership: owned.record });
  fake.state.addresses.push({ dev: 'eth0', cidr: '2001:db8:ffff::2/64' }); // configured by hand
  assert.ok((await loop.applyRevision(parse(ROUTER))).ok);
  assert.ok(!owned.saved().addresses.some((a) => a.cidr === '2001:db8:ffff::2/64'), 'not recorded: v6edge did not add it');
  const config = structuredClone(ROUTER);
  (config.interfaces!.eth0 as { ips?: string[] }).ips = [];
  config.upstream = { interface: 'eth0', mode: 'slaac' };
  assert.ok((await loop.applyRevision(parse(config))).ok);
  assert.ok(fake.state.addresses.some((a) => a.cidr === '2001:db8:ffff::2/64'), 'the hand-made address stays');
});

test('a backend that throws during a batch fails the revision, once both batches have ended', async () => {
  const { backend } = fakeRouter();
  const finished: string[] = [];
  const slow = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const throwing = {
    ...backend,
    apply: async (subsystem: Parameters<typeof backend.apply>[0], changes: Parameters<typeof backend.apply>[1]) => {
      if (subsystem === 'nft') throw new Error('nft went away');
      await slow(20);
      const r = await backend.apply(subsystem, changes);
      finished.push(subsystem);
      return r;
    },
  };
  const loop = new Reconciler({ backend: throwing, resyncMs: 0 });
  const r = await loop.applyRevision(parse(ROUTER));
  // A revision whose pass threw is refused, not reported applied.
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.error.message, /nft went away; there was no previous revision to restore/);
  // The kernel's batches all ran to their end before the pass reported.
  assert.deepEqual(finished, ['links', 'sysctls', 'addresses', 'routes', 'proxyNeighbors']);
});
