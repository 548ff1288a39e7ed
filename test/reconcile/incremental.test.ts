import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { APPLIED_LISTED, Reconciler, type PassReport, type Schedule } from '../../src/reconcile/loop.ts';
import { desiredState } from '../../src/reconcile/desired.ts';
import { plan } from '../../src/reconcile/plan.ts';
import { planDelta, routeDelta, touchedRoutes } from '../../src/reconcile/plan-delta.ts';
import type { Route } from '../../src/reconcile/types.ts';
import { FakeKernel } from '../../src/backends/fake/kernel.ts';
import { combineBackends } from '../../src/backends/types.ts';
import { fakeRouter, fleet, parse, PHYSICAL, ROUTER } from './fixtures.ts';

const desiredOf = (n: number) => {
  const f = fleet(n);
  return desiredState(f.config, f.allocations, []);
};

/** Hands `desired` to the loop and returns the report of the pass that triggers. */
async function passFor(loop: Reconciler, reports: PassReport[], desired: ReturnType<typeof desiredOf>): Promise<PassReport> {
  const n = reports.length;
  loop.setDesired(desired);
  for (let i = 0; i < 200 && reports.length <= n; i++) await new Promise((r) => setImmediate(r));
  assert.ok(reports.length > n, 'the pass never ran');
  return reports[n]!;
}

/** A started loop converged (fully) on `n` hosts, its reads log emptied. */
async function converged(n: number, options: { resync?: Schedule } = {}) {
  const { fake, backend } = fakeRouter();
  const reports: PassReport[] = [];
  const loop = new Reconciler({
    backend, resyncMs: options.resync === undefined ? 0 : 1000, ...(options.resync === undefined ? {} : { schedule: options.resync }),
    onEvent: (e) => void (e.type === 'pass' && reports.push(e.report)),
  });
  loop.start();
  const first = await passFor(loop, reports, desiredOf(n));
  assert.equal(first.mode, 'full');
  assert.ok(first.verified);
  fake.reads.length = 0;
  return { fake, loop, reports, next: (m: number) => passFor(loop, reports, desiredOf(m)) };
}

test('one host added after convergence: only its routes are read back and only elements move', async () => {
  const { fake, loop, next } = await converged(20);
  fake.batches.length = 0;
  const r = await next(21);
  assert.equal(r.mode, 'incremental');
  assert.ok(r.verified);
  assert.deepEqual(r.failures, []);
  assert.deepEqual(fake.reads, [{ routes: ['2001:db8:4014::/48', '2001:db8:4014:1::/80'] }], 'no full observe');
  assert.deepEqual(fake.batches.map((b) => `${b.subsystem}:${b.size}`), ['nft:3', 'routes:2']);
  assert.ok(fake.state.nft!.sets.find((s) => s.name === 'host_prefixes')!.elements.includes('2001:db8:4014::/48'));
  // A full pass afterwards finds nothing to do: the incremental pass left the kernel converged.
  assert.deepEqual(plan(desiredOf(21), await fake.observe({ sysctlKeys: [] })).filter((c) => c.subsystem === 'routes' || c.subsystem === 'nft'), []);
  await loop.stop();
});

test('a host removed after convergence: its routes and elements are deleted incrementally', async () => {
  const { fake, loop, next } = await converged(5);
  const r = await next(4);
  assert.equal(r.mode, 'incremental');
  assert.ok(r.verified);
  assert.deepEqual(r.planned.map((c) => c.op), ['delete', 'delete', 'delete-elements', 'delete-elements', 'delete-elements']);
  assert.equal(fake.state.routes.some((x) => x.dst.startsWith('2001:db8:4004:')), false);
  await loop.stop();
});

test('an event since the last pass forces a full observe, which repairs drift; then passes are incremental again', async () => {
  const { fake, loop, next } = await converged(5);
  fake.drift('route deleted', (s) => (s.routes = s.routes.filter((r) => r.dst !== '2001:db8:4000::/48')));
  const r = await next(6);
  assert.equal(r.mode, 'full');
  assert.equal(fake.reads[0], 'full');
  assert.ok(fake.state.routes.some((x) => x.dst === '2001:db8:4000::/48'), 'the drifted route is back');
  assert.ok(fake.state.routes.some((x) => x.dst === '2001:db8:4005::/48'));
  await loop.stop().then(() => loop.start());
  // start() subscribes afresh and cannot know what happened while unsubscribed: full again.
  assert.equal((await next(7)).mode, 'full');
  assert.equal((await next(8)).mode, 'incremental');
  await loop.stop();
});

test('the periodic resync forces a full observe', async () => {
  const pending: Array<() => void> = [];
  const { fake, loop, reports } = await converged(3, { resync: (run) => (pending.push(run), () => undefined) });
  const n = reports.length;
  pending.shift()!();
  for (let i = 0; i < 200 && reports.length <= n; i++) await new Promise((r) => setImmediate(r));
  assert.equal(reports[n]?.trigger, 'periodic resync');
  assert.equal(reports[n]?.mode, 'full');
  assert.deepEqual(fake.reads, ['full']);
  await loop.stop();
});

test('without an event subscription every pass observes everything', async () => {
  const { fake, backend } = fakeRouter();
  const loop = new Reconciler({ backend, resyncMs: 0 });
  loop.setDesired(desiredOf(3));
  await loop.pass();
  loop.setDesired(desiredOf(4));
  assert.equal((await loop.pass()).mode, 'full');
  assert.ok(fake.reads.every((r) => r === 'full'));
});

test('a route reported applied but missing on the touched read-back fails verification; the next pass is full', async () => {
  const { fake, loop, next } = await converged(3);
  const honest = fake.lieAbout((c) => c.subsystem === 'routes' && c.route.dst === '2001:db8:4003::/48');
  const r = await next(4);
  assert.equal(r.mode, 'incremental');
  assert.equal(r.verified, false);
  assert.deepEqual(r.failures.map((f) => f.problem.code), ['not-verified']);
  honest();
  const again = await loop.pass('retry');
  assert.equal(again.mode, 'full');
  assert.ok(again.verified);
  assert.ok(fake.state.routes.some((x) => x.dst === '2001:db8:4003::/48'));
  await loop.stop();
});

test('planDelta: changes beyond routes and set elements, or too many, take the full pass', () => {
  const base = desiredOf(3);
  assert.equal(planDelta(base, { ...base, links: base.links.map((l) => ({ ...l, mtu: l.mtu + 1 })) }), undefined);
  assert.equal(planDelta(base, { ...base, addresses: [] }), undefined);
  assert.equal(planDelta(base, { ...base, nft: { ...base.nft, chains: base.nft.chains.slice(1) } }), undefined, 'a skeleton change rebuilds the table');
  assert.equal(planDelta(desiredOf(3), desiredOf(10), 5), undefined);
  assert.deepEqual(planDelta(base, desiredOf(3)), []);
  assert.deepEqual(touchedRoutes(planDelta(base, desiredOf(4))!), ['2001:db8:4003::/48', '2001:db8:4003:1::/80']);
});

test('property: applying planDelta(A → B) to a kernel converged on A leaves nothing for a full plan of B', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 8 }), async (a, b) => {
      const fake = new FakeKernel(PHYSICAL);
      const backend = combineBackends([fake]);
      const from = desiredOf(a);
      for (const c of plan(from, await backend.observe({ sysctlKeys: from.sysctls.map((s) => s.key) }))) await backend.apply(c.subsystem, [c]);
      const to = desiredOf(b);
      const delta = planDelta(from, to);
      assert.ok(delta !== undefined);
      for (const c of delta) assert.deepEqual((await backend.apply(c.subsystem, [c])).failures, []);
      assert.deepEqual(plan(to, await backend.observe({ sysctlKeys: to.sysctls.map((s) => s.key) })), []);
    }),
    { numRuns: 40 },
  );
});

test('a config without hosts still converges fully first', async () => {
  const { backend } = fakeRouter();
  const loop = new Reconciler({ backend, resyncMs: 0 });
  loop.start();
  assert.ok((await loop.applyRevision(parse(ROUTER))).ok);
  await loop.stop();
});

test('routeDelta diffs by identity first: the same objects are unchanged, new objects are diffed by value', () => {
  const r = (dst: string, via: string): Route => ({ dst, via, dev: 'br0', protocol: 'v6edge' });
  const kept = r('2001:db8:1::/48', 'fe80::1');
  const moved = r('2001:db8:2::/48', 'fe80::1');
  const gone = r('2001:db8:3::/48', 'fe80::1');
  const twin = r('2001:db8:4::/48', 'fe80::1');
  const next = [kept, { ...moved, via: 'fe80::2' }, { ...twin }, r('2001:db8:5::/48', 'fe80::1')];
  assert.deepEqual(routeDelta([kept, moved, gone, twin], next).map((c) => `${c.op} ${c.route.dst} ${c.route.via}`).sort(), [
    'add 2001:db8:5::/48 fe80::1',
    'delete 2001:db8:3::/48 fe80::1',
    'replace 2001:db8:2::/48 fe80::2',
  ]);
});

test('a large batch names its first applied changes one by one and the rest in one line', async () => {
  const { backend } = fakeRouter();
  const applied: string[] = [];
  const loop = new Reconciler({ backend, resyncMs: 0, onEvent: (e) => void (e.type === 'applied' && applied.push(e.change)) });
  const desired = desiredOf(60);
  loop.setDesired(desired);
  // The pass setDesired triggers applies; this one, queued after it, finds nothing to do.
  assert.deepEqual((await loop.pass()).planned, []);
  const routes = desired.routes.length;
  assert.ok(routes > APPLIED_LISTED, `the fleet has ${routes} routes`);
  const routeLines = applied.filter((a) => a.startsWith('+ route') || a.startsWith('routes:'));
  assert.equal(routeLines.length, APPLIED_LISTED + 1);
  assert.equal(routeLines.at(-1), `routes: ${routes - APPLIED_LISTED} more changes applied (${routes} in all)`);
});
