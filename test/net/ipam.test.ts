import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unwrap } from '../../src/lib/result.ts';
import {
  allocate,
  allocationsOf,
  DEFAULT_QUARANTINE_MS,
  reconcileAllocations,
  release,
  validateAllocations,
} from '../../src/net/ipam.ts';
import type { IpamState, WantedPool } from '../../src/net/ipam.ts';
import { contains, overlaps, parsePrefix } from '../../src/net/prefix.ts';
import type { AllocationRecord } from '../../src/store/records.ts';

const P = (text: string) => unwrap(parsePrefix(text));
const HOUR = 60 * 60 * 1000;
const hosts = (owners: readonly string[], extra: Partial<WantedPool> = {}): WantedPool => ({
  pool: 'hosts',
  poolPrefix: P('2001:db8::/44'),
  length: 48,
  owners: owners.map((owner) => ({ owner })),
  ...extra,
});
const prefixes = (state: IpamState, pool: string) => Object.fromEntries(allocationsOf(state, pool).map((r) => [r.owner, r.prefix]));

test('new owners take the lowest free subnets, in owner order whatever the request order', () => {
  const a = unwrap(reconcileAllocations([], [hosts(['web3', 'web1', 'web2'])], 0));
  const b = unwrap(reconcileAllocations([], [hosts(['web2', 'web3', 'web1'])], 0));
  assert.deepEqual(a.state, b.state);
  assert.deepEqual(prefixes(a.state, 'hosts'), { web1: '2001:db8::/48', web2: '2001:db8:1::/48', web3: '2001:db8:2::/48' });
  assert.deepEqual(a.problems, []);
  assert.equal(a.allocated.length, 3);
});

test('an owner keeps its prefix; a newcomer fills the lowest gap', () => {
  let s = unwrap(reconcileAllocations([], [hosts(['a', 'b', 'c'])], 0)).state;
  s = unwrap(reconcileAllocations(s, [hosts(['a', 'c'])], 1)).state;
  // b's prefix is quarantined, so d goes past it.
  s = unwrap(reconcileAllocations(s, [hosts(['a', 'c', 'd'])], 2)).state;
  assert.deepEqual(prefixes(s, 'hosts'), { a: '2001:db8::/48', c: '2001:db8:2::/48', d: '2001:db8:3::/48' });
  const again = unwrap(allocate(s, { pool: 'hosts', poolPrefix: P('2001:db8::/44'), length: 48, owner: 'c', now: 3 }));
  assert.equal(again.state, s);
  assert.equal(again.record.prefix, '2001:db8:2::/48');
});

test('quarantine: others wait it out, the old owner gets its prefix back at once', () => {
  const req = { pool: 'hosts', poolPrefix: P('2001:db8::/44'), length: 48 } as const;
  let s = unwrap(allocate([], { ...req, owner: 'a', now: 0 })).state;
  const released = unwrap(release(s, 'hosts', 'a', 10));
  assert.deepEqual(released.record, { pool: 'hosts', owner: 'a', prefix: '2001:db8::/48', releasedAt: 10 });
  s = released.state;
  assert.deepEqual(allocationsOf(s, 'hosts'), []);
  const b = unwrap(allocate(s, { ...req, owner: 'b', now: 10 + DEFAULT_QUARANTINE_MS - 1 }));
  assert.equal(b.record.prefix, '2001:db8:1::/48');
  const a = unwrap(allocate(b.state, { ...req, owner: 'a', now: 20 }));
  assert.equal(a.record.prefix, '2001:db8::/48');
  const c = unwrap(allocate(b.state, { ...req, owner: 'c', now: 10 + DEFAULT_QUARANTINE_MS }));
  assert.equal(c.record.prefix, '2001:db8::/48', 'after quarantine the prefix is free again');
  assert.equal(c.state.filter((r) => r.prefix === '2001:db8::/48').length, 1, 'the expired record gives way');
  const shortQ = unwrap(allocate(b.state, { ...req, owner: 'c', now: 10 + HOUR, quarantineMs: HOUR }));
  assert.equal(shortQ.record.prefix, '2001:db8::/48');
  assert.deepEqual(unwrap(release(s, 'hosts', 'nobody', 5)), { state: s, record: undefined });
});

test('exhaustion names the pool, its prefix and the size asked for', () => {
  const req = { pool: 'hosts', poolPrefix: P('2001:db8::/47'), length: 48 } as const;
  let s: IpamState = [];
  for (const owner of ['web1', 'web2']) s = unwrap(allocate(s, { ...req, owner, now: 0 })).state;
  const r = allocate(s, { ...req, owner: 'web3', now: 0 });
  assert.equal(r.ok, false);
  assert.deepEqual(r.ok ? undefined : r.error, {
    code: 'exhausted',
    message: 'pool hosts (2001:db8::/47) has no free /48 for web3: all 2 are allocated or quarantined; widen the pool or release some',
  });
  const rec = unwrap(reconcileAllocations(s, [{ ...req, owners: ['web1', 'web2', 'web3', 'web4'].map((owner) => ({ owner })) }], 0));
  assert.deepEqual(
    rec.problems.map((p) => [p.code, p.where]),
    [
      ['exhausted', { path: 'hosts.web3' }],
      ['exhausted', { path: 'hosts.web4' }],
    ],
  );
  assert.equal(rec.state, s);
});

test('fixed prefixes are placed first, reserved from dynamic owners, and checked', () => {
  const wanted = hosts([], { owners: [{ owner: 'a' }, { owner: 'pinned', fixed: P('2001:db8::/48') }, { owner: 'b' }] });
  const s = unwrap(reconcileAllocations([], [wanted], 0)).state;
  assert.deepEqual(prefixes(s, 'hosts'), { pinned: '2001:db8::/48', a: '2001:db8:1::/48', b: '2001:db8:2::/48' });
  const clash = unwrap(reconcileAllocations(s, [hosts([], { owners: [{ owner: 'a' }, { owner: 'b' }, { owner: 'pinned', fixed: P('2001:db8::/48') }, { owner: 'x', fixed: P('2001:db8:2::/48') }] })], 1));
  assert.deepEqual(clash.problems.map((p) => p.message), ['the fixed prefix 2001:db8:2::/48 of x overlaps 2001:db8:2::/48, held by b in pool hosts']);
  const outside = allocate(s, { pool: 'hosts', poolPrefix: P('2001:db8::/44'), length: 48, owner: 'y', fixed: P('2001:db9::/48'), now: 0 });
  assert.equal(outside.ok ? '' : outside.error.message, 'the fixed prefix 2001:db9::/48 of y is outside pool hosts (2001:db8::/44)');
  // Moving an owner onto a fixed prefix quarantines the old one.
  const moved = unwrap(allocate(s, { pool: 'hosts', poolPrefix: P('2001:db8::/44'), length: 48, owner: 'a', fixed: P('2001:db8:f::/48'), now: 5 }));
  assert.equal(moved.record.prefix, '2001:db8:f::/48');
  assert.ok(moved.state.some((r) => r.owner === 'a' && r.prefix === '2001:db8:1::/48' && r.releasedAt === 5));
});

test('the /64 plan: a /76 per host and a /80 per container network inside it', () => {
  const site = P('2001:db8:0:1::/64');
  let s = unwrap(reconcileAllocations([], [{ pool: 'hosts', poolPrefix: site, length: 76, owners: [{ owner: 'h1' }, { owner: 'h2' }] }], 0)).state;
  const h2 = P(prefixes(s, 'hosts').h2!);
  assert.equal(prefixes(s, 'hosts').h2, '2001:db8:0:1:10::/76');
  s = unwrap(reconcileAllocations(s, [
    { pool: 'hosts', poolPrefix: site, length: 76, owners: [{ owner: 'h1' }, { owner: 'h2' }] },
    { pool: 'host:h2', poolPrefix: h2, length: 80, owners: [{ owner: 'h2/web' }, { owner: 'h2/db' }] },
  ], 0)).state;
  assert.deepEqual(prefixes(s, 'host:h2'), { 'h2/db': '2001:db8:0:1:10::/80', 'h2/web': '2001:db8:0:1:11::/80' });
});

test('reconcile releases vanished owners and pools, and a steady pass changes nothing', () => {
  const wanted = [hosts(['a', 'b']), { pool: 'host:a', poolPrefix: P('2001:db8::/48'), length: 64, owners: [{ owner: 'a/n1' }] }];
  const s = unwrap(reconcileAllocations([], wanted, 0)).state;
  const steady = unwrap(reconcileAllocations(s, wanted, 1));
  assert.equal(steady.state, s);
  assert.deepEqual([steady.allocated, steady.released], [[], []]);
  const gone = unwrap(reconcileAllocations(s, [hosts(['b'])], 2));
  assert.deepEqual(gone.released.map((r) => `${r.pool} ${r.owner} ${r.releasedAt}`).sort(), ['host:a a/n1 2', 'hosts a 2']);
  assert.deepEqual(allocationsOf(gone.state, 'host:a'), []);
  // Once quarantine is over the released records are dropped altogether.
  const later = unwrap(reconcileAllocations(gone.state, [hosts(['b'])], 2 + DEFAULT_QUARANTINE_MS));
  assert.deepEqual(later.state, [{ pool: 'hosts', owner: 'b', prefix: '2001:db8:1::/48' }]);
});

test('a length change moves the owner and quarantines the old prefix', () => {
  const s = unwrap(reconcileAllocations([], [hosts(['a'])], 0)).state;
  const r = unwrap(reconcileAllocations(s, [hosts(['a'], { length: 56 })], 1));
  assert.deepEqual(prefixes(r.state, 'hosts'), { a: '2001:db8:1::/56' });
  assert.deepEqual(r.state.find((x) => x.releasedAt !== undefined), { pool: 'hosts', owner: 'a', prefix: '2001:db8::/48', releasedAt: 1 });
  // Back to /48 within quarantine: the old one returns.
  const back = unwrap(reconcileAllocations(r.state, [hosts(['a'])], 2));
  assert.deepEqual(prefixes(back.state, 'hosts'), { a: '2001:db8::/48' });
});

test('unusable stored state is refused with the reason', () => {
  const bad: AllocationRecord[] = [
    { pool: 'hosts', owner: 'a', prefix: '2001:db8::/47' },
    { pool: 'hosts', owner: 'b', prefix: '2001:db8:1::/48' },
  ];
  assert.deepEqual(validateAllocations(bad).map((p) => p.message), ['in pool hosts, 2001:db8::/47 (a) and 2001:db8:1::/48 (b) overlap']);
  const r = allocate(bad, { pool: 'hosts', poolPrefix: P('2001:db8::/44'), length: 48, owner: 'c', now: 0 });
  assert.equal(r.ok ? '' : r.error.code, 'overlap');
  const garbled = validateAllocations([{ pool: 'hosts', owner: 'a', prefix: 'nonsense/48' }]);
  assert.equal(garbled[0]?.code, 'bad-record');
  // A valid list from the store in any order is accepted and laid out by pool and address.
  const shuffled: AllocationRecord[] = [
    { pool: 'hosts', owner: 'b', prefix: '2001:db8:1::/48' },
    { pool: 'other', owner: 'x', prefix: '2001:db8:f::/48' },
    { pool: 'hosts', owner: 'a', prefix: '2001:db8::/48' },
  ];
  const c = unwrap(allocate(shuffled, { pool: 'hosts', poolPrefix: P('2001:db8::/44'), length: 48, owner: 'c', now: 0 }));
  assert.equal(c.record.prefix, '2001:db8:2::/48');
  assert.deepEqual(c.state.map((r) => r.owner), ['a', 'b', 'c', 'x']);
});

test('scale: 10,000 hosts with 10 container networks each', () => {
  const pool = P('2001:db8::/32');
  const names = Array.from({ length: 10_000 }, (_, i) => `host${i}`);
  const first = unwrap(reconcileAllocations([], [{ pool: 'hosts', poolPrefix: pool, length: 48, owners: names.map((owner) => ({ owner })) }], 0));
  const hostRecords = allocationsOf(first.state, 'hosts');
  const wanted: WantedPool[] = [
    { pool: 'hosts', poolPrefix: pool, length: 48, owners: names.map((owner) => ({ owner })) },
    ...hostRecords.map((r) => ({
      pool: `host:${r.owner}`,
      poolPrefix: P(r.prefix),
      length: 80,
      owners: Array.from({ length: 10 }, (_, j) => ({ owner: `${r.owner}/net${j}` })),
    })),
  ];
  const full = unwrap(reconcileAllocations(first.state, wanted, 1));
  assert.equal(full.state.length, 110_000);
  assert.deepEqual(full.problems, []);
  const last = allocationsOf(full.state, 'host:host9999');
  assert.equal(last.length, 10);
  const hostPrefix = P(hostRecords.find((r) => r.owner === 'host9999')!.prefix);
  for (const r of last) assert.ok(contains(hostPrefix, P(r.prefix)));
  assert.ok(!overlaps(P(last[0]!.prefix), P(last[1]!.prefix)));
  assert.equal(unwrap(reconcileAllocations(full.state, wanted, 2)).state, full.state);
  const one = unwrap(allocate(full.state, { pool: 'hosts', poolPrefix: pool, length: 48, owner: 'late', now: 3 }));
  assert.equal(one.record.prefix, '2001:db8:2710::/48');
});

test('an owner that cannot move keeps the prefix it has', () => {
  const s = unwrap(reconcileAllocations([], [hosts(['a'], { poolPrefix: P('2001:db8::/47') })], 0)).state;
  const r = unwrap(reconcileAllocations(s, [hosts(['a'], { poolPrefix: P('2001:db8::/47'), length: 46 })], 1));
  assert.deepEqual(r.problems.map((p) => p.code), ['bad-length']);
  assert.deepEqual(r.state, s);
  const full = unwrap(reconcileAllocations([], [hosts(['a', 'b'], { poolPrefix: P('2001:db8::/47') })], 0)).state;
  const moved = unwrap(reconcileAllocations(full, [hosts(['a', 'b'], { poolPrefix: P('2001:db8::/47'), length: 47 })], 1));
  assert.deepEqual(moved.problems.map((p) => p.code), ['exhausted', 'exhausted']);
  assert.deepEqual(moved.state, full);
});
