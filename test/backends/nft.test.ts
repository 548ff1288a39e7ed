import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { elementJson, elementKey } from '../../src/backends/nft/json.ts';
import { NftBackend } from '../../src/backends/nft/backend.ts';
import { labSkipReason } from '../lab/index.ts';
import { desiredState } from '../../src/reconcile/desired.ts';
import { counterNames } from '../../src/reconcile/filters.ts';
import { planFilter } from '../../src/reconcile/plan-nft.ts';
import { fleet } from '../reconcile/fixtures.ts';

test('property: element keys survive the trip to nft JSON and back', () => {
  const type = ['ipv6_addr', 'inet_proto', 'inet_service'];
  fc.assert(fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 0, max: 100 }), (net, lo, span) => {
    const hex = net.toString(16).padStart(16, '0').match(/.{4}/g)!.map((g) => g.replace(/^0+(?=.)/, ''));
    const prefix = `${hex.join(':')}::/64`.replace(/^0:0:0:0::/, '::');
    const hi = Math.min(65535, lo + span);
    const key = `${elementKey(['ipv6_addr'], { prefix: { addr: prefix.split('/')[0], len: 64 } })} . tcp . ${lo === hi ? lo : `${lo}-${hi}`}`;
    assert.equal(elementKey(type, elementJson({ type }, key)), key);
  }));
});

test('nft prints a /128 as a bare address and a single port as a number; both read back as our keys', () => {
  assert.equal(elementKey(['ipv6_addr', 'inet_proto', 'inet_service'], { concat: ['2001:db8:2::5', 'udp', 53] }), '2001:db8:2::5/128 . udp . 53');
  assert.equal(elementKey(['ifname', 'ipv6_addr'], { concat: ['br0', { prefix: { addr: '2001:db8::', len: 48 } }] }), 'br0 . 2001:db8::/48');
});

const skip = labSkipReason();

test('in a namespace: 10,000 hosts load in one transaction, read back equal, and one more host is one element batch', { skip, timeout: 60_000 }, async (t) => {
  const ns = `v6t-backends-${process.pid}`;
  execFileSync('ip', ['netns', 'add', ns]);
  try {
    const nft = new NftBackend({ netns: ns });
    t.after(() => nft.close());
    const big = fleet(10_000);
    const spec = desiredState(big.config, big.allocations, []).nft;
    assert.deepEqual((await nft.apply('nft', planFilter(spec, await nft.observeFilter()))).failures, []);
    assert.deepEqual(planFilter(spec, await nft.observeFilter()), []);
    const more = fleet(10_001);
    const changes = planFilter(desiredState(more.config, more.allocations, []).nft, await nft.observeFilter());
    assert.deepEqual(changes.map((c) => c.op), ['add-elements', 'add-elements', 'add-elements']);
    assert.deepEqual((await nft.apply('nft', changes)).failures, []);
    assert.deepEqual([...(await nft.readCounters()).keys()].sort(), counterNames(spec).sort());
  } finally {
    execFileSync('ip', ['netns', 'del', ns]);
  }
});

test('in a namespace: an element-only batch (no nft -c) that the kernel refuses changes nothing and names the reason', { skip, timeout: 30_000 }, async () => {
  const ns = `v6t-backends-el-${process.pid}`;
  execFileSync('ip', ['netns', 'add', ns]);
  const nft = new NftBackend({ netns: ns });
  try {
    const small = fleet(3);
    const spec = desiredState(small.config, small.allocations, []).nft;
    assert.deepEqual((await nft.apply('nft', planFilter(spec, await nft.observeFilter()))).failures, []);
    const before = await nft.observeFilter();
    const good = { subsystem: 'nft', op: 'add-elements', set: 'host_prefixes', elements: ['2001:db8:7777::/80'] } as const;
    const duplicate = { subsystem: 'nft', op: 'add-elements', set: 'published', elements: [spec.sets.find((s) => s.name === 'published')!.elements[0]!] } as const;
    const r = await nft.apply('nft', [good, duplicate]);
    assert.equal(r.applied, 0);
    assert.equal(r.failures.length, 2);
    assert.match(r.failures[0]!.problem.message, /set published: the kernel refused adding .*EEXIST.*so the transaction changed nothing/);
    assert.deepEqual(await nft.observeFilter(), before, 'the good half of the refused batch is not in place');
    const unknown = await nft.apply('nft', [good, { subsystem: 'nft', op: 'add-elements', set: 'no_such_set', elements: ['2001:db8:7778::/80'] }]);
    assert.equal(unknown.applied, 0);
    assert.match(unknown.failures[1]!.problem.message, /has no set no_such_set/);
    assert.deepEqual((await nft.apply('nft', [good])).failures, []);
    assert.ok((await nft.observeFilter())!.sets.find((s) => s.name === 'host_prefixes')!.elements.includes('2001:db8:7777::/80'));
  } finally {
    nft.close();
    execFileSync('ip', ['netns', 'del', ns]);
  }
});
