// The ICMPv6 raw socket against the real kernel and rdisc6/ping, in namespaces built per test.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labSkipReason, withLab, type LabSpec } from '../lab/index.ts';
import { serializeNdp } from '../../src/proto/ndp/index.ts';
import { unwrap } from '../../src/lib/result.ts';
import { IoError, openIcmp6Socket, openPacketSocket, type Icmp6MessageInfo, type Icmp6Socket } from '../../src/io/raw.ts';
import { ret } from '../../src/io/bpf.ts';
import { echoRequest, icmpFrame } from './frames.ts';
import { linksReady } from './ready.ts';

const skip = labSkipReason();
const ROUTER_HOST: LabSpec = {
  nodes: { router: {}, host: { acceptRa: 2 } },
  links: [{ a: ['router', 'r0'], b: ['host', 'h0'] }],
};

/** Resolves with the first message the socket receives (rejects on an 'error' event). */
function nextMessage(socket: Icmp6Socket): Promise<[Uint8Array, Icmp6MessageInfo]> {
  return new Promise((resolve, reject) => {
    socket.on('message', (bytes, info) => resolve([bytes, info]));
    socket.on('error', reject);
  });
}

async function withSocket<T>(socket: Icmp6Socket, body: (s: Icmp6Socket) => Promise<T>): Promise<T> {
  try {
    return await body(socket);
  } finally {
    socket.close();
  }
}

const ra = unwrap(
  serializeNdp({
    type: 'ra',
    curHopLimit: 64,
    managed: false,
    other: false,
    homeAgent: false,
    routerPreference: 'medium',
    proxy: false,
    routerLifetime: 1800,
    reachableTime: 0,
    retransTimer: 0,
    options: [
      {
        type: 'prefix-information',
        prefixLength: 64,
        onLink: true,
        autonomous: true,
        routerAddress: false,
        validLifetime: 86400,
        preferredLifetime: 14400,
        prefix: '2001:db8:1::',
      },
    ],
  }),
);

test('an RA sent through the addon makes the host form a SLAAC address', { skip }, () =>
  withLab(ROUTER_HOST, async (lab) => {
    await linksReady(lab, [['router', 'r0'], ['host', 'h0']]);
    const socket = openIcmp6Socket({ ifname: 'r0', netns: lab.ns('router'), types: [133] });
    await withSocket(socket, async () => {
      const source = await lab.linkLocal('router', 'r0');
      // Repeated like a starting router's initial RAs (RFC 4861 §6.2.4), in case the first is early.
      const formed = await lab.waitFor(
        async () => {
          socket.send(ra, 'ff02::1', { source });
          return (await lab.addresses('host', 'h0')).find((a) => a.address.startsWith('2001:db8:1:0:') && a.dynamic);
        },
        { timeoutMs: 5000, intervalMs: 200, what: 'a SLAAC address in 2001:db8:1::/64 on host/h0' },
      );
      assert.equal(formed.prefixLength, 64);
      assert.equal(formed.validLifetime <= 86400 && formed.validLifetime > 86000, true);
      // The host took the RA's source as its default router, so the chosen source went out.
      const routes = await lab.routes('host');
      assert.ok(routes.some((r) => r.dst === 'default' && r.gateway === source), JSON.stringify(routes));
    });
  }),
);

test('an RS from rdisc6 arrives with hop limit 255, ifindex, source and destination ff02::2', { skip }, () =>
  withLab(ROUTER_HOST, async (lab) => {
    await linksReady(lab, [['router', 'r0'], ['host', 'h0']]);
    const socket = openIcmp6Socket({ ifname: 'r0', netns: lab.ns('router'), types: [133], join: ['ff02::2'] });
    await withSocket(socket, async () => {
      const received = nextMessage(socket);
      await lab.exec('host', ['rdisc6', '-1', '-r', '1', '-w', '200', 'h0'], { check: false });
      const [bytes, info] = await received;
      assert.equal(bytes[0], 133);
      assert.deepEqual(info, {
        source: await lab.linkLocal('host', 'h0'),
        destination: 'ff02::2',
        ifindex: await lab.ifindex('router', 'r0'),
        hopLimit: 255,
      });
      assert.equal(socket.ifindex, info.ifindex);
    });
  }),
);

test('after leave(ff02::2) a non-router no longer receives RSs', { skip }, () =>
  withLab(ROUTER_HOST, async (lab) => {
    await linksReady(lab, [['router', 'r0'], ['host', 'h0']]);
    const socket = openIcmp6Socket({ ifname: 'r0', netns: lab.ns('router'), types: [133, 135], join: ['ff02::2'] });
    await withSocket(socket, async () => {
      socket.leave('ff02::2');
      const seen: number[] = [];
      socket.on('message', (bytes: Uint8Array) => seen.push(bytes[0]!));
      // The NS that ndisc6 sends after rdisc6's RS is a barrier: once it is here, so would the RS be.
      await lab.exec('host', ['rdisc6', '-1', '-r', '1', '-w', '100', 'h0'], { check: false });
      await lab.exec('host', ['ndisc6', '-1', '-r', '1', '-w', '100', await lab.linkLocal('router', 'r0'), 'h0'], { check: false });
      await lab.waitFor(() => seen.includes(135), { timeoutMs: 3000, what: 'the NS from ndisc6' });
      assert.deepEqual(seen, [135]);
    });
  }),
);

test('a packet sent with hop limit 64 is reported with hop limit 64', { skip }, () =>
  withLab(ROUTER_HOST, async (lab) => {
    await linksReady(lab, [['router', 'r0'], ['host', 'h0']]);
    const socket = openIcmp6Socket({ ifname: 'r0', netns: lab.ns('router'), types: [128] });
    // No ping on these machines: the host injects a whole frame through the AF_PACKET socket.
    const injector = openPacketSocket({ ifname: 'h0', netns: lab.ns('host'), filter: [ret(0)], allMulticast: false });
    try {
      const received = nextMessage(socket);
      const [source, destination] = [await lab.linkLocal('host', 'h0'), await lab.linkLocal('router', 'r0')];
      injector.send(
        icmpFrame({
          sourceMac: await lab.mac('host', 'h0'),
          destinationMac: await lab.mac('router', 'r0'),
          source,
          destination,
          hopLimit: 64,
          icmp: echoRequest(0x6e64, 1),
        }),
      );
      const [bytes, info] = await received;
      assert.deepEqual([...bytes.subarray(0, 1), ...bytes.subarray(4, 8)], [128, 0x6e, 0x64, 0, 1]);
      assert.deepEqual(info, { source, destination, ifindex: socket.ifindex, hopLimit: 64 });
    } finally {
      injector.close();
      socket.close();
    }
  }),
);

test('opening fails with an operator sentence and the errno name', { skip }, () =>
  withLab(ROUTER_HOST, async (lab) => {
    await linksReady(lab, [['router', 'r0'], ['host', 'h0']]);
    assert.throws(
      () => openIcmp6Socket({ ifname: 'nosuch0', netns: lab.ns('router'), types: [133] }),
      (e: unknown) => e instanceof IoError && e.code === 'ENODEV' && e.message === `interface nosuch0 does not exist in network namespace ${lab.ns('router')}`,
    );
    // 15 bytes is the longest interface name (IFNAMSIZ - 1): it must reach the kernel whole.
    assert.throws(
      () => openIcmp6Socket({ ifname: 'abcdefghijklmno', netns: lab.ns('router'), types: [133] }),
      (e: unknown) => e instanceof IoError && e.code === 'ENODEV' && e.message.startsWith('interface abcdefghijklmno does not exist'),
    );
    assert.throws(() => openIcmp6Socket({ ifname: 'abcdefghijklmnop', types: [133] }), (e: unknown) => e instanceof IoError && e.code === 'EINVAL');
    assert.throws(() => openIcmp6Socket({ ifname: 'r0', types: [256] }), (e: unknown) => e instanceof IoError && e.code === 'invalid-type');
    assert.throws(
      () => openIcmp6Socket({ ifname: 'r0', netns: `${lab.ns('router')}-gone`, types: [133] }),
      (e: unknown) => e instanceof IoError && e.code === 'ENOENT' && /does not exist/.test(e.message),
    );
    const socket = openIcmp6Socket({ ifname: 'r0', netns: lab.ns('router'), types: [133] });
    await withSocket(socket, async () => {
      assert.throws(
        () => socket.send(ra, 'ff02::1', { source: '2001:db8:ffff::1' }),
        (e: unknown) => e instanceof IoError && e.code === 'EINVAL' && e.message.includes('2001:db8:ffff::1 is not assigned to r0'),
      );
      assert.throws(() => socket.send(ra, 'fe80::1%r0'), (e: unknown) => e instanceof IoError && e.code === 'not-ipv6');
    });
    socket.close(); // idempotent
    assert.throws(() => socket.join('ff02::2'), (e: unknown) => e instanceof IoError && e.code === 'ERR_SOCKET_CLOSED');
  }),
);
