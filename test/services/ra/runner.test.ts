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

const FACTS: InterfaceFacts = { mac: '02:00:00:00:00:01', linkLocal: 'fe80::1', linkLocalAddresses: ['fe80::1'], globalPrefixes: [], globalAddresses: [] };
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

test('runner: sends from the configured source, follows watched facts live, falls back with a problem', async (t) => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 5_000_000 });
  t.after(() => mock.timers.reset());
  const settle = () => new Promise<void>((r) => setImmediate(r));
  let current: InterfaceFacts = { ...FACTS, linkLocal: 'fe80::aa', linkLocalAddresses: ['fe80::aa', 'fe80::1'] };
  let onChange: (() => void) | undefined;
  let watchClosed = false;
  const facts = Object.assign(async () => current, {
    watch: (cb: () => void) => {
      onChange = cb;
      return { pid: undefined, close: async () => void (watchClosed = true) };
    },
  });
  const socket = new FakeSocket();
  const ra = raSchema.parse({ maxRtrAdvInterval: 600, raSourceAddresses: ['fe80::1'], prefixes: [{ prefix: '::/64' }] });
  const runner = await RaRunner.start({ ifname: 'r0', config: ra, facts, openSocket: () => socket as unknown as Icmp6Socket, random: () => 0.5, factsPollMs: 1e9 });
  mock.timers.tick(0);
  assert.equal(socket.sent[0]!.source, 'fe80::1', 'the configured source, not the first link-local');
  assert.deepEqual(pios(socket.sent[0]!.ra), []);
  assert.deepEqual(runner.status().problems.map((p) => p.code), ['no-global-prefix']);

  // An address event: the new global /64 goes out after MIN_DELAY_BETWEEN_RAS, no poll needed.
  current = { ...current, globalPrefixes: ['2001:db8:7::/64'], globalAddresses: ['2001:db8:7::1'] };
  onChange!();
  await settle();
  mock.timers.tick(3000);
  assert.deepEqual(pios(socket.sent.at(-1)!.ra), ['2001:db8:7:: 2592000/604800']);

  // The address goes away: the prefix is withdrawn (RFC 9096) at the next RA.
  current = { ...current, globalPrefixes: [], globalAddresses: [] };
  onChange!();
  await settle();
  mock.timers.tick(3000);
  assert.deepEqual(pios(socket.sent.at(-1)!.ra), ['2001:db8:7:: 0/0']);

  // Our own RA from the configured source, looped back, is not a rogue router's.
  const info: Icmp6MessageInfo = { source: 'fe80::1', destination: 'ff02::1', ifindex: 2, hopLimit: 255 };
  socket.emit('message', unwrap(serializeNdp({ ...socket.sent[0]!.ra, managed: true }, info)), info);
  assert.deepEqual(runner.status().drops, { 'own-advertisement': 1 });

  // fe80::1 removed: RAs fall back to the interface's link-local and status says why.
  current = { ...current, linkLocalAddresses: ['fe80::aa'] };
  onChange!();
  await settle();
  mock.timers.tick(3000);
  assert.equal(socket.sent.at(-1)!.source, 'fe80::aa');
  const missing = runner.status().problems.find((p) => p.code === 'ra-source-missing');
  assert.deepEqual(missing?.where, { path: 'raSourceAddresses' });

  const stopped = runner.stop();
  assert.equal(watchClosed, true, 'stop() closes the watch at once');
  for (let i = 0; i < 4; i++) mock.timers.tick(3000);
  await stopped;
  assert.equal(socket.closed, true);
});
