// The runner over a real store (node:sqlite in a temp dir) and an in-memory socket: commit before
// reply, drop counters, restart with the same DUID and leases, the expiry sweep, lease events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../../../src/config/validate.ts';
import type { Config } from '../../../src/config/schema.ts';
import { unwrap } from '../../../src/lib/result.ts';
import type { Dhcp6MessageInfo, Dhcp6ServerSocket } from '../../../src/io/udp.ts';
import { findOption, parseDhcp6, serializeDhcp6, STATUS, type Dhcp6Message } from '../../../src/proto/dhcpv6/index.ts';
import { openStore, type Store } from '../../../src/store/store.ts';
import { Dhcpv6Server, type LeaseEvent } from '../../../src/services/dhcpv6/runner.ts';
import { SERVER_DUID_KEY } from '../../../src/services/dhcpv6/server-duid.ts';
import { cid, iaNaOpt, iaPdOpt, leasesOf, msg, replyIas } from './fixture.ts';

function labConfig(extra: object = {}): Config {
  const config = validateConfig({
      version: 1,
      interfaces: {
        lan0: {
          kind: 'ethernet',
          role: 'lan',
          ips: ['2001:db8:1::1/64'],
          dhcpv6: {
            mode: 'stateful',
            addressPools: [{ start: '2001:db8:1::100', end: '2001:db8:1::1ff' }],
            prefixDelegationPools: [{ prefix: '2001:db8:f000::/48', delegatedLength: 56 }],
            dnsServers: ['2001:db8:1::53'],
            preferredLifetime: 60,
            validLifetime: 120,
            ...extra,
          },
        },
      },
    });
  if (!config.ok) throw new Error(config.error.map((p) => p.message).join('; '));
  return config.value;
}

class FakeSocket extends EventEmitter implements Dhcp6ServerSocket {
  readonly ifname: string;
  readonly sent: Array<{ message: Dhcp6Message; address: string; port: number; local: string | undefined; storedAtSend: number }> = [];
  readonly storeRef: () => Store<Config>;
  constructor(ifname: string, storeRef: () => Store<Config>) {
    super();
    this.ifname = ifname;
    this.storeRef = storeRef;
  }
  async reply(bytes: Uint8Array, address: string, port = 546, local?: string): Promise<void> {
    // What the store holds at the moment the reply leaves: the binding must already be there.
    const storedAtSend = this.storeRef().leases.list({ state: 'active' }).leases.length;
    this.sent.push({ message: unwrap(parseDhcp6(bytes)), address, port, local, storedAtSend });
  }
  async close(): Promise<void> {}
}

const info = (multicast = true): Dhcp6MessageInfo => ({ source: 'fe80::2%lan0', port: 546, ifname: 'lan0', multicast, local: multicast ? 'ff02::1:2' : '2001:db8:1::1' });
const wire = (m: Dhcp6Message): Uint8Array => unwrap(serializeDhcp6(m));

function setup(t: { after: (fn: () => void) => void }) {
  const dir = mkdtempSync(join(tmpdir(), 'v6t-dhcpv6-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'state.db');
  let clock = 1_700_000_000_000;
  const boot = async () => {
    const store = unwrap(openStore<Config>({ path, validate: validateConfig, now: () => clock }));
    const socket = new FakeSocket('lan0', () => store);
    const server = new Dhcpv6Server({ store, config: labConfig(), openSocket: async () => socket, now: () => clock, sweepIntervalMs: 3_600_000 });
    unwrap(await server.start());
    const events: LeaseEvent[] = [];
    server.on('lease', (e) => events.push(e));
    const send = async (m: Dhcp6Message | Uint8Array, multicast = true) => {
      await server.handle(m instanceof Uint8Array ? m : wire(m), info(multicast), socket);
      return socket.sent.at(-1);
    };
    return { store, socket, server, events, send };
  };
  return { boot, advance: (ms: number) => void (clock += ms) };
}

test('Request: the Reply leaves only after the binding is in the store', async (t) => {
  const { boot } = setup(t);
  const s = await boot();
  t.after(() => s.store.close());
  const adv = await s.send(msg('solicit', [cid(1), iaNaOpt(1)]));
  assert.equal(adv?.message.type, 'advertise');
  assert.equal(adv?.storedAtSend, 0);
  const serverId = findOption(adv!.message, 'server-id')!;
  const rep = await s.send(msg('request', [cid(1), serverId, iaNaOpt(1), iaPdOpt(2)]));
  assert.equal(rep?.message.type, 'reply');
  assert.equal(rep?.storedAtSend, 2);
  assert.deepEqual([rep?.address, rep?.port], ['fe80::2%lan0', 546]);
  assert.deepEqual(s.events.map((e) => e.action), ['bind', 'bind']);
  assert.deepEqual(s.server.status().leases, { lan0: { na: 1, pd: 1 } });
  assert.deepEqual(s.server.status().messages, { solicit: 1, request: 1 });
  const [route] = s.server.desiredRoutes();
  assert.deepEqual(route, { prefix: leasesOf(rep!.message)[1], via: 'fe80::2', dev: 'lan0' });
});

test('bad input is dropped and counted by reason; the server keeps answering', async (t) => {
  const { boot } = setup(t);
  const s = await boot();
  t.after(() => s.store.close());
  const fixture = (name: string) => Buffer.from(readFileSync(new URL(`../../fixtures/dhcpv6/regressions/${name}.hex`, import.meta.url), 'utf8').trim(), 'hex');
  for (const name of ['option-past-end', 'duid-too-long', 'short-ia-na', 'relay-nesting-9']) await s.send(fixture(name));
  await s.send(msg('reply', [cid(1)]));
  await s.send(msg('solicit', [cid(1), { kind: 'server-id', duid: s.server.serverDuid! }, iaNaOpt(1)]));
  assert.equal(s.socket.sent.length, 0);
  assert.deepEqual(s.server.status().drops, {
    'malformed:option-past-end': 1,
    'malformed:duid-too-long': 1,
    'malformed:option-too-short': 1,
    'malformed:relay-too-deep': 1,
    'server-only-type': 1,
    'unexpected-server-id': 1,
  });
  assert.equal((await s.send(msg('solicit', [cid(1), iaNaOpt(1)])))?.message.type, 'advertise');
});

test('unicast Request → UseMulticast, nothing stored', async (t) => {
  const { boot } = setup(t);
  const s = await boot();
  t.after(() => s.store.close());
  const sent = await s.send(msg('request', [cid(1), { kind: 'server-id', duid: s.server.serverDuid! }, iaNaOpt(1)]), false);
  assert.equal(findOption(sent!.message, 'status-code')?.status, STATUS.UseMulticast);
  assert.equal(sent?.storedAtSend, 0);
  assert.equal(sent?.local, '2001:db8:1::1', 'answered from the socket of the address it was sent to');
});

test('restart: same server DUID, leases reloaded, Renew keeps the address', async (t) => {
  const { boot } = setup(t);
  const first = await boot();
  const serverId = { kind: 'server-id' as const, duid: first.server.serverDuid! };
  const rep = await first.send(msg('request', [cid(3), serverId, iaNaOpt(1)]));
  const [addr] = leasesOf(rep!.message);
  const storedDuid = first.store.getMeta(SERVER_DUID_KEY);
  await first.server.stop();
  first.store.close();
  const second = await boot();
  t.after(() => second.store.close());
  assert.deepEqual(second.store.getMeta(SERVER_DUID_KEY), storedDuid);
  assert.deepEqual(second.server.status().leases, { lan0: { na: 1, pd: 0 } });
  const renewed = await second.send(msg('renew', [cid(3), serverId, iaNaOpt(1, addr!)]));
  assert.deepEqual(leasesOf(renewed!.message), [addr]);
  assert.equal(replyIas(renewed!.message)[0]?.options.some((o) => o.kind === 'status-code'), false);
});

test('sweep: an expired lease is marked expired, announced, and its route withdrawn', async (t) => {
  const { boot, advance } = setup(t);
  const s = await boot();
  t.after(() => s.store.close());
  await s.send(msg('request', [cid(1), { kind: 'server-id', duid: s.server.serverDuid! }, iaPdOpt(1)]));
  assert.equal(s.server.desiredRoutes().length, 1);
  advance(121_000);
  assert.deepEqual(s.server.desiredRoutes(), [], 'an expired delegation loses its route before the sweep marks it');
  const swept = s.server.sweep();
  assert.deepEqual(swept.map((l) => l.state), ['expired']);
  assert.equal(s.events.at(-1)?.action, 'expire');
  assert.deepEqual(s.server.desiredRoutes(), []);
  assert.deepEqual(s.server.status().leases, { lan0: { na: 0, pd: 0 } });
});
