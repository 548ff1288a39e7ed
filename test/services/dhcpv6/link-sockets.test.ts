// LinkSockets: one socket per served interface, moved only where the wanted set changed; a failed
// unicast bind falls back to multicast and is retried; a socket that cannot open is retried too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LinkSockets } from '../../../src/services/dhcpv6/link-sockets.ts';
import { FakeNetwork } from './live-fixture.ts';

function sockets() {
  const net = new FakeNetwork();
  const heard: string[] = [];
  const ls = new LinkSockets(net.open, { message: (_b, info, socket) => heard.push(`${info.ifname}@${socket.ifname}`), error: () => undefined });
  return { net, ls, heard };
}

const want = (entries: Record<string, string[]>) => new Map(Object.entries(entries));

test('sync: opens, keeps, reopens on an address change, closes', async () => {
  const { net, ls } = sockets();
  assert.deepEqual(await ls.sync(want({ lan0: ['2001:db8:1::1'], lan1: [] })), []);
  await ls.sync(want({ lan0: ['2001:db8:1::1'], lan1: [] }));
  assert.deepEqual(net.log(), ['lan0[2001:db8:1::1]', 'lan1[]'], 'the same set moves nothing');
  await ls.sync(want({ lan0: ['2001:db8:1::1', '2001:db8:1::2'] }));
  assert.deepEqual(net.log(), ['lan0[2001:db8:1::1] closed', 'lan1[] closed', 'lan0[2001:db8:1::1 2001:db8:1::2]']);
  assert.deepEqual(ls.interfaces(), ['lan0']);
  await ls.close();
  assert.deepEqual(ls.interfaces(), []);
  assert.ok(net.opened.every((s) => s.closed));
});

test('a tentative unicast address: multicast-only until retry() binds it', async () => {
  const { net, ls } = sockets();
  net.refused.add('2001:db8:1::1');
  const problems = await ls.sync(want({ lan0: ['2001:db8:1::1'] }));
  assert.deepEqual(problems.map((p) => p.code), ['unicast-bind']);
  assert.deepEqual(ls.unicast('lan0'), []);
  assert.deepEqual(await ls.retry(), [{ code: 'unicast-bind', message: problems[0]!.message }], 'still tentative');
  net.refused.clear();
  assert.deepEqual(await ls.retry(), []);
  assert.deepEqual(ls.unicast('lan0'), ['2001:db8:1::1']);
  assert.deepEqual(await ls.retry(), [], 'nothing left to retry');
  assert.equal(net.opened.filter((s) => !s.closed).length, 1);
});

test('an interface that cannot open is reported and retried', async () => {
  const { net, ls } = sockets();
  net.down.add('lan9');
  const problems = await ls.sync(want({ lan0: [], lan9: [] }));
  assert.deepEqual(problems.map((p) => p.code), ['socket']);
  assert.deepEqual(ls.interfaces(), ['lan0']);
  net.down.delete('lan9');
  assert.deepEqual(await ls.retry(), []);
  assert.deepEqual(ls.interfaces().sort(), ['lan0', 'lan9']);
});

test('messages carry the socket they arrived on', async () => {
  const { net, ls, heard } = sockets();
  await ls.sync(want({ lan0: [], lan1: [] }));
  net.socket('lan1').emit('message', new Uint8Array(4), { source: 'fe80::2%lan1', port: 546, ifname: 'lan1', multicast: true });
  assert.deepEqual(heard, ['lan1@lan1']);
});

test('property: after any sequence of syncs exactly the last wanted interfaces are open, once each', async () => {
  const names = ['lan0', 'lan1', 'lan2'];
  const addrs = ['2001:db8::1', '2001:db8::2'];
  const wanted = fc.dictionary(fc.constantFrom(...names), fc.subarray(addrs), { maxKeys: 3 });
  await fc.assert(
    fc.asyncProperty(fc.array(wanted, { minLength: 1, maxLength: 6 }), async (steps) => {
      const { net, ls } = sockets();
      await Promise.all(steps.map((s) => ls.sync(want(s))));
      const last = steps.at(-1)!;
      const open = net.opened.filter((s) => !s.closed);
      assert.deepEqual(open.map((s) => s.ifname).sort(), Object.keys(last).sort());
      for (const s of open) assert.deepEqual(s.unicast, last[s.ifname]);
    }),
    { numRuns: 100 },
  );
});
