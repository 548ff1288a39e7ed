import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { desiredState } from '../../src/reconcile/desired.ts';
import { describeChange } from '../../src/reconcile/describe.ts';
import { plan, planAddresses, planLinks, planRoutes } from '../../src/reconcile/plan.ts';
import type { Route } from '../../src/reconcile/types.ts';
import { fakeRouter, parse, ROUTER } from './fixtures.ts';

const r = (dst: string, via: string, dev: string, protocol = 'v6edge'): Route => ({ dst, via, dev, protocol });

test('routes: add, remove and change ours; routes of other protocols are never in a plan', () => {
  const cases: Array<{ name: string; desired: Route[]; observed: Route[]; expect: string[] }> = [
    { name: 'missing is added', desired: [r('2001:db8::/48', 'fe80::1', 'a')], observed: [], expect: ['+ route 2001:db8::/48 via fe80::1 dev a proto v6edge'] },
    { name: 'stale is removed', desired: [], observed: [r('2001:db8::/48', 'fe80::1', 'a')], expect: ['- route 2001:db8::/48 via fe80::1 dev a proto v6edge'] },
    { name: 'numeric protocol is still ours', desired: [], observed: [r('2001:db8::/48', 'fe80::1', 'a', '250')], expect: ['- route 2001:db8::/48 via fe80::1 dev a proto 250'] },
    { name: 'moved next hop is replaced', desired: [r('2001:db8::/48', 'fe80::2', 'a')], observed: [r('2001:db8::/48', 'fe80::1', 'a')], expect: ['~ route 2001:db8::/48 via fe80::2 dev a proto v6edge (was route 2001:db8::/48 via fe80::1 dev a proto v6edge)'] },
    { name: 'foreign routes untouched', desired: [], observed: [r('2001:db8:9::/48', 'fe80::9', 'a', 'static'), r('fe80::/64', 'fe80::9', 'a', 'kernel'), r('::/0', 'fe80::1', 'a', 'ra')], expect: [] },
    { name: 'in place is left alone', desired: [r('2001:db8::/48', 'fe80::1', 'a')], observed: [r('2001:db8::/48', 'fe80::1', 'a')], expect: [] },
  ];
  for (const c of cases) assert.deepEqual(planRoutes(c.desired, c.observed).map(describeChange), c.expect, c.name);
});

test('links: created kinds are added, ours removed, foreign and physical links never created or deleted', () => {
  const changes = planLinks(
    [
      { name: 'v10', kind: 'vlan', parent: 'eth0', vlanId: 10, mtu: 1500, up: true },
      { name: 'br0', kind: 'bridge', mtu: 1500, up: true },
      { name: 'eth0', kind: 'ethernet', mtu: 9000, up: true, master: 'br0' },
      { name: 'eth9', kind: 'ethernet', mtu: 1500, up: true },
    ],
    [
      { name: 'eth0', kind: 'ethernet', mtu: 1500, up: true, owned: false },
      { name: 'old0', kind: 'dummy', mtu: 1500, up: true, owned: true },
      { name: 'docker0', kind: 'bridge', mtu: 1500, up: true, owned: false },
    ],
  );
  assert.deepEqual(changes.map((c) => `${c.op} ${c.link.name}`), ['delete old0', 'add br0', 'add v10', 'set eth0']);
});

test('addresses: only recorded ones are removed, so SLAAC and hand-added addresses stay', () => {
  const a = (cidr: string) => ({ dev: 'eth0', cidr });
  const changes = planAddresses([a('2001:db8::1/64')], [a('2001:db8::2/64'), a('2001:db8::3/64')], [a('2001:db8::2/64')]);
  assert.deepEqual(changes.map(describeChange), ['- address 2001:db8::2/64 dev eth0', '+ address 2001:db8::1/64 dev eth0']);
});

test('a second plan after applying the first is empty, and foreign objects survive', async () => {
  const { fake, backend } = fakeRouter();
  fake.state.routes.push(r('2001:db8:77::/48', 'fe80::77', 'eth0', 'static'));
  const desired = desiredState(parse(ROUTER), [], []);
  const keys = { sysctlKeys: desired.sysctls.map((s) => s.key) };
  const first = plan(desired, await backend.observe(keys));
  assert.ok(first.length > 10);
  for (const s of ['links', 'sysctls', 'addresses', 'routes', 'proxyNeighbors', 'nft'] as const) {
    const report = await backend.apply(s, first.filter((c) => c.subsystem === s));
    assert.deepEqual(report.failures, [], s);
  }
  assert.deepEqual(plan(desired, await backend.observe(keys)), []);
  assert.ok(fake.state.routes.some((x) => x.protocol === 'static'));
  assert.ok(['eth1.10', 'bond0', 'br0', 'lo1'].every((n) => fake.state.links.get(n)?.owned === true));
});

test('property: the route plan is minimal: adds for the missing, replaces for the moved, deletes for the unwanted', () => {
  const dsts = Array.from({ length: 6 }, (_, i) => `2001:db8:${i}::/48`);
  const route = fc.record({
    dst: fc.constantFrom(...dsts),
    via: fc.constantFrom('fe80::1', 'fe80::2'),
    dev: fc.constantFrom('a', 'b'),
    protocol: fc.constantFrom('v6edge', '250', 'static'),
  });
  fc.assert(
    fc.property(fc.uniqueArray(route, { selector: (x) => x.dst }), fc.uniqueArray(route, { selector: (x) => `${x.dst} ${x.protocol}` }), (wanted, observed) => {
      const desired = wanted.map((x) => ({ ...x, protocol: 'v6edge' }));
      const ours = new Map(observed.filter((x) => x.protocol !== 'static').map((x) => [x.dst, x]));
      const changes = planRoutes(desired, observed);
      const expected = [
        ...[...ours.values()].filter((o) => !desired.some((d) => d.dst === o.dst)).map((o) => `delete ${o.dst}`),
        ...desired.flatMap((d) => {
          const o = ours.get(d.dst);
          if (o === undefined) return [`add ${d.dst}`];
          return o.via === d.via && o.dev === d.dev ? [] : [`replace ${d.dst}`];
        }),
      ];
      // Two observed routes of ours to one destination (numbered and named protocol) match once.
      if (observed.filter((x) => x.protocol !== 'static').length !== ours.size) return;
      assert.deepEqual(changes.map((c) => `${c.op} ${c.route.dst}`), expected);
    }),
    { numRuns: 500 },
  );
});

test('property: plan then apply converges for any subset of routes already present', () => {
  const routes = Array.from({ length: 8 }, (_, i) => r(`2001:db8:${i}::/48`, `fe80::${i + 1}`, i % 2 === 0 ? 'a' : 'b'));
  fc.assert(
    fc.property(fc.subarray(routes), fc.subarray(routes), fc.subarray(routes), (desired, present, foreignTargets) => {
      const observed = [...present, ...foreignTargets.map((x) => ({ ...x, dst: x.dst.replace('/48', '/64'), protocol: 'static' }))];
      let table = [...observed];
      for (const c of planRoutes(desired, observed)) {
        table = table.filter((x) => !(x.dst === c.route.dst && x.protocol === 'v6edge'));
        if (c.op !== 'delete') table.push(c.route);
      }
      assert.deepEqual(planRoutes(desired, table), []);
      assert.equal(table.filter((x) => x.protocol === 'static').length, foreignTargets.length);
    }),
  );
});
