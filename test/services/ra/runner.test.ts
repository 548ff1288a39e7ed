// The runner with a fake socket and a mocked clock: what goes out, what is counted, and the
// prefix history kept in a real store across a restart (RFC 9096).
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mock, test } from 'node:test';
import { ok, unwrap } from '../../../src/lib/result.ts';
import { raSchema, type RaConfig } from '../../../src/config/ra-schema.ts';
import type { Icmp6MessageInfo, Icmp6Socket } from '../../../src/io/raw.ts';
import { parseNdp, serializeNdp, type RouterAdvertisement } from '../../../src/proto/ndp/index.ts';
import { openStore } from '../../../src/store/store.ts';
import { RaRunner } from '../../../src/services/ra/runner.ts';
import { historyKey, decodeHistory } from '../../../src/services/ra/withdrawal.ts';
import type { InterfaceFacts } from '../../../src/services/ra/facts.ts';

class FakeSocket extends EventEmitter {
  readonly ifname = 'r0';
  readonly ifindex = 2;
  readonly sent: Array<{ ra: RouterAdvertisement; destination: string; source: string | undefined }> = [];
  closed = false;
  send(bytes: Uint8Array, destination: string, options?: { readonly source?: string }): void {
    const msg = unwrap(parseNdp(bytes));
    assert.equal(msg.type, 'ra');
    this.sent.push({ ra: msg as RouterAdvertisement, destination, source: options?.source });
  }
  join(): void {}
  leave(): void {}
  close(): void {
    this.closed = true;
  }
}

const FACTS: InterfaceFacts = { mac: '02:00:00:00:00:01', linkLocal: 'fe80::1', globalPrefixes: [], globalAddresses: [] };
const config = (...prefixes: string[]): RaConfig => raSchema.parse({ maxRtrAdvInterval: 600, prefixes: prefixes.map((prefix) => ({ prefix })) });
const pios = (ra: RouterAdvertisement) =>
  ra.options.flatMap((o) => (o.type === 'prefix-information' ? [`${o.prefix} ${o.validLifetime}/${o.preferredLifetime}`] : []));

function validate(d: unknown) {
  return ok(d);
}

async function startRunner(socket: FakeSocket, ra: RaConfig, store: { getMeta(k: string): unknown; setMeta(k: string, v: unknown): { ok: boolean } }) {
  const started = RaRunner.start({
    ifname: 'r0', config: ra, facts: async () => FACTS, store, openSocket: () => socket as unknown as Icmp6Socket,
    random: () => 0.5, factsPollMs: 1e9,
  });
  return started;
}

test('runner: RAs, unicast replies, withdrawal persisted across a restart, final RAs', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'v6edge-ra-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = unwrap(openStore({ path: join(dir, 'state.db'), validate }));
  t.after(() => store.close());
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
  t.after(() => mock.timers.reset());

  const socket = new FakeSocket();
  const runner = await startRunner(socket, config('2001:db8:1::/64', '2001:db8:2::/64'), store);
  mock.timers.tick(0);
  assert.equal(socket.sent.length, 1);
  assert.deepEqual(socket.sent[0]!.destination, 'ff02::1');
  assert.equal(socket.sent[0]!.source, 'fe80::1');
  assert.deepEqual(pios(socket.sent[0]!.ra), ['2001:db8:1:: 2592000/604800', '2001:db8:2:: 2592000/604800']);

  // An RS with an SLLAO is answered unicast after the random delay (here 250 ms).
  const info: Icmp6MessageInfo = { source: 'fe80::2', destination: 'ff02::2', ifindex: 2, hopLimit: 255 };
  const rs = unwrap(serializeNdp({ type: 'rs', options: [{ type: 'source-lla', address: '02:00:00:00:00:02' }] }, info));
  socket.emit('message', rs, info);
  socket.emit('message', rs, { ...info, hopLimit: 64 });
  mock.timers.tick(250);
  assert.deepEqual(socket.sent.slice(1).map((s) => s.destination), ['fe80::2']);
  assert.equal(runner.status().rsReceived, 1);
  assert.deepEqual(runner.status().drops, { 'hop-limit': 1 });

  // A rogue router's RA with another M flag is reported.
  const rogueInfo = { ...info, source: 'fe80::bad' };
  const rogue = unwrap(serializeNdp({ ...socket.sent[0]!.ra, managed: true }, rogueInfo));
  socket.emit('message', rogue, rogueInfo);
  assert.deepEqual(runner.status().rogue.map((c) => [c.source, c.field]), [['fe80::bad', 'managed']]);

  // Removing a prefix: fast RA (after the 3 s spacing), with the prefix withdrawn, never lifetime 0.
  runner.update(config('2001:db8:1::/64'));
  mock.timers.tick(3000);
  const after = socket.sent.at(-1)!;
  assert.equal(after.destination, 'ff02::1');
  assert.notEqual(after.ra.routerLifetime, 0);
  assert.deepEqual(pios(after.ra), ['2001:db8:1:: 2592000/604800', '2001:db8:2:: 0/0']);
  const stored = decodeHistory(store.getMeta(historyKey('r0')));
  assert.deepEqual(stored.withdrawn.map((w) => w.prefix), ['2001:db8:2::']);

  // stop: three final RAs, 3 s apart, router lifetime 0; then the socket closes.
  const count = socket.sent.length;
  const stopped = runner.stop();
  for (let i = 0; i < 4; i++) mock.timers.tick(3000);
  await stopped;
  const finals = socket.sent.slice(count);
  assert.deepEqual(finals.map((s) => s.ra.routerLifetime), [0, 0, 0]);
  assert.equal(socket.closed, true);

  // A restart with a config that also lost 2001:db8:1::/64 while down withdraws both.
  const again = new FakeSocket();
  const restarted = await startRunner(again, config('2001:db8:3::/64'), store);
  mock.timers.tick(0);
  assert.deepEqual(pios(again.sent[0]!.ra), ['2001:db8:3:: 2592000/604800', '2001:db8:2:: 0/0', '2001:db8:1:: 0/0']);
  // Two hours later the withdrawals are over and the prefixes are dropped.
  mock.timers.tick(7200 * 1000);
  assert.deepEqual(pios(again.sent.at(-1)!.ra), ['2001:db8:3:: 2592000/604800']);
  const done = restarted.stop();
  for (let i = 0; i < 4; i++) mock.timers.tick(3000);
  await done;
});
