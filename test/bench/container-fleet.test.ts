// The benchmark fleet must be what its results claim: IPAM-allocated /48s and /80s, stable when
// a host is added, and a desired state with one route per prefix and their filter elements.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desiredFleet, fleetDocument, hostName, newSteps, nextHopOf } from './support/container-fleet.ts';

test('a fleet of n hosts × m networks resolves to n·(m+1) routes through IPAM', async () => {
  for (const [hosts, networks] of [[1, 1], [3, 10], [20, 2]] as const) {
    const steps = newSteps();
    const { desired, allocations } = await desiredFleet(fleetDocument(hosts, networks), [], steps);
    assert.equal(desired.routes.length, hosts * (networks + 1));
    assert.equal(allocations.length, hosts * (networks + 1));
    assert.equal(desired.routes.filter((r) => r.dst.endsWith('/48')).length, hosts);
    assert.equal(desired.routes.filter((r) => r.dst.endsWith('/80')).length, hosts * networks);
    assert.ok(desired.routes.every((r) => r.dev === 'hosts0' && r.protocol === 'v6edge'));
    assert.deepEqual([...steps.ms.keys()], ['validateConfig', 'IPAM', 'desired state']);
    const sets = new Map(desired.nft.sets.map((s) => [s.name, s.elements.length]));
    assert.equal(sets.get('host_prefixes'), hosts);
    assert.equal(sets.get('published'), hosts);
  }
});

test('adding a host keeps every earlier allocation and adds exactly its prefixes', async () => {
  const first = await desiredFleet(fleetDocument(5, 3), [], newSteps(), 1_000);
  const second = await desiredFleet(fleetDocument(6, 3), first.allocations, newSteps(), 2_000);
  const before = new Map(first.desired.routes.map((r) => [r.dst, r.via]));
  for (const [dst, via] of before) assert.equal(second.desired.routes.find((r) => r.dst === dst)?.via, via, dst);
  const fresh = second.desired.routes.filter((r) => !before.has(r.dst));
  assert.equal(fresh.length, 4);
  assert.ok(fresh.every((r) => r.via === nextHopOf(5)), `new routes go to ${hostName(5)}'s next hop`);
  assert.ok(second.allocations.every((a) => a.releasedAt === undefined), 'nothing was released');
});
