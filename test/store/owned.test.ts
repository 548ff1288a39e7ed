import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unwrap } from '../../src/lib/result.ts';
import { open, tempDir } from './fixture.ts';

test('the record of owned kernel objects survives a reopen, and a removal forgets exactly its object', (t) => {
  const tmp = tempDir();
  t.after(tmp.remove);
  const first = open(tmp.path);
  unwrap(first.owned.update([
    { kind: 'address', dev: 'br0', value: '2001:db8:3::1/64' },
    { kind: 'proxy', dev: 'eth0', value: '2001:db8:ffff::100' },
    { kind: 'address', dev: 'br0', value: '2001:db8:3::1/64' }, // recorded twice is once
  ], []));
  first.close();
  const second = open(tmp.path);
  t.after(() => second.close());
  assert.deepEqual(second.owned.list(), [
    { kind: 'address', dev: 'br0', value: '2001:db8:3::1/64' },
    { kind: 'proxy', dev: 'eth0', value: '2001:db8:ffff::100' },
  ]);
  unwrap(second.owned.update([{ kind: 'proxy', dev: 'eth1', value: '2001:db8:ffff::100' }], [{ kind: 'proxy', dev: 'eth0', value: '2001:db8:ffff::100' }]));
  assert.deepEqual(second.owned.list().map((o) => `${o.kind} ${o.dev} ${o.value}`), ['address br0 2001:db8:3::1/64', 'proxy eth1 2001:db8:ffff::100']);
});
