import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unwrap } from '../../src/lib/result.ts';
import type { AllocationRecord } from '../../src/store/records.ts';
import { open, tempDir } from './fixture.ts';

function setup(t: { after: (fn: () => void) => void }) {
  const tmp = tempDir();
  t.after(tmp.remove);
  const store = open(tmp.path);
  t.after(() => store.close());
  return { tmp, allocations: store.allocations };
}

const hosts: AllocationRecord[] = [
  { pool: 'hosts', owner: 'web1', prefix: '2001:db8:0:100::/56' },
  { pool: 'hosts', owner: 'web2', prefix: '2001:db8:0:200::/56' },
];

test('upsert, load all in (pool, prefix) order, delete', (t) => {
  const { allocations } = setup(t);
  unwrap(allocations.upsert({ pool: 'host:web1', owner: 'web1/frontend', prefix: '2001:db8:0:101::/64' }));
  for (const a of hosts) unwrap(allocations.upsert(a));
  // Re-upserting the same prefix changes its owner and release time in place.
  unwrap(allocations.upsert({ pool: 'hosts', owner: 'web2', prefix: '2001:db8:0:200::/56', releasedAt: 5 }));
  assert.deepEqual(allocations.loadAll(), [
    { pool: 'host:web1', owner: 'web1/frontend', prefix: '2001:db8:0:101::/64' },
    { pool: 'hosts', owner: 'web1', prefix: '2001:db8:0:100::/56' },
    { pool: 'hosts', owner: 'web2', prefix: '2001:db8:0:200::/56', releasedAt: 5 },
  ]);
  unwrap(allocations.delete('hosts', '2001:db8:0:100::/56'));
  const again = allocations.delete('hosts', '2001:db8:0:100::/56');
  assert.ok(!again.ok);
  assert.equal(again.error.code, 'not-found');
  assert.equal(allocations.loadAll().length, 2);
});

test('replacePool swaps one pool’s whole set and leaves other pools alone', (t) => {
  const { allocations } = setup(t);
  for (const a of hosts) unwrap(allocations.upsert(a));
  unwrap(allocations.upsert({ pool: 'containers', owner: 'c1', prefix: '2001:db8:1::/64' }));
  const next: AllocationRecord[] = [{ pool: 'hosts', owner: 'db1', prefix: '2001:db8:0:300::/56' }];
  assert.equal(unwrap(allocations.replacePool('hosts', next)), 1);
  assert.deepEqual(allocations.loadAll(), [{ pool: 'containers', owner: 'c1', prefix: '2001:db8:1::/64' }, ...next]);
  assert.equal(unwrap(allocations.replacePool('hosts', [])), 0);
  assert.equal(allocations.loadAll().length, 1);
});

test('replacePool refuses a bad set whole: nothing changes', (t) => {
  const { allocations } = setup(t);
  for (const a of hosts) unwrap(allocations.upsert(a));
  const before = allocations.loadAll();
  const cases: [string, AllocationRecord[], string][] = [
    ['wrong pool', [{ pool: 'other', owner: 'x', prefix: '2001:db8::/64' }], 'invalid'],
    ['no length', [{ pool: 'hosts', owner: 'x', prefix: '2001:db8::' }], 'invalid'],
    ['empty owner', [{ pool: 'hosts', owner: '', prefix: '2001:db8::/64' }], 'invalid'],
    [
      'duplicate prefix',
      [
        { pool: 'hosts', owner: 'a', prefix: '2001:db8::/64' },
        { pool: 'hosts', owner: 'b', prefix: '2001:db8::/64' },
      ],
      'conflict',
    ],
  ];
  for (const [name, records, code] of cases) {
    const r = allocations.replacePool('hosts', records);
    assert.ok(!r.ok, name);
    assert.equal(r.error.code, code, name);
    assert.deepEqual(allocations.loadAll(), before, name);
  }
});
