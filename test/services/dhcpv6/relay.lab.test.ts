// A relay agent reaches the server by unicast: from a peer namespace, Relay-forward messages sent
// to the router's global address on port 547 (RFC 8415 §19.1) get Relay-replies from that address
// to port 547 (§19.3), the inner Advertise and Reply drawn from the pool of the link the relay's
// link-address names (§19.1.1), the binding stored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labSkipReason, withLab, type LabSpec } from '../../lab/index.ts';
import { unwrap } from '../../../src/lib/result.ts';
import { findOption, parseDhcp6, serializeDhcp6, type Dhcp6Message } from '../../../src/proto/dhcpv6/index.ts';
import { cid, iaNaOpt, leasesOf, msg } from './fixture.ts';
import { configYaml, startServer } from './lab.ts';

const skip = labSkipReason();
const opts = skip === undefined ? { timeout: 60_000 } : { skip };
const RELAY_SEND = new URL('./relay-send.ts', import.meta.url).pathname;

const SPEC: LabSpec = {
  nodes: { router: { forwarding: true }, host: {} },
  links: [{ a: ['router', 'lan0'], b: ['host', 'eth0'] }],
  addresses: { router: { lan0: ['2001:db8:1::1/64'] }, host: { eth0: ['2001:db8:1::2/64'] } },
};

function relayForward(inner: Dhcp6Message): string {
  const relay: Dhcp6Message = {
    type: 'relay-forward',
    hopCount: 0,
    // The relayed client's link: inside lan0's prefix, so lan0's pool answers.
    linkAddress: '2001:db8:1::2',
    peerAddress: 'fe80::c1',
    options: [{ kind: 'interface-id', id: Uint8Array.of(7, 7) }, { kind: 'relay-message', message: inner }],
  };
  return Buffer.from(unwrap(serializeDhcp6(relay))).toString('hex');
}

/** The message inside a Relay-reply, after checking the relay fields came back unchanged. */
function unwrapReply(line: string): Dhcp6Message {
  const [, from, port, hex] = line.split(' ');
  assert.deepEqual([from, port], ['2001:db8:1::1', '547'], 'answered from the address the relay used, to the relay port');
  const reply = unwrap(parseDhcp6(Buffer.from(hex!, 'hex')));
  assert.equal(reply.type, 'relay-reply');
  if (reply.type !== 'relay-reply') throw new Error('not a relay-reply');
  assert.deepEqual([reply.linkAddress, reply.peerAddress], ['2001:db8:1::2', 'fe80::c1']);
  assert.deepEqual(findOption(reply, 'interface-id')?.id, Uint8Array.of(7, 7));
  return findOption(reply, 'relay-message')!.message;
}

test('relay agent: unicast Relay-forward(Solicit, Request) → Relay-reply(Advertise, Reply) from the pool', opts, async () => {
  await withLab(SPEC, async (lab) => {
    const server = await startServer(
      lab,
      configYaml({ mode: 'stateful', addressPools: [{ start: '2001:db8:1::100', end: '2001:db8:1::1ff' }] }),
    );
    const solicit = relayForward(msg('solicit', [cid(0xc1), iaNaOpt(1)]));
    const first = await lab.exec('host', [process.execPath, RELAY_SEND, '2001:db8:1::2', '2001:db8:1::1', solicit], { timeoutMs: 10_000 });
    const advertise = unwrapReply(first.stdout.trim());
    assert.equal(advertise.type, 'advertise');
    const [offered] = leasesOf(advertise);
    assert.match(offered ?? '', /^2001:db8:1::1[0-9a-f]{2}$/);

    const serverId = findOption(advertise, 'server-id')!;
    const request = relayForward(msg('request', [cid(0xc1), serverId, iaNaOpt(1, offered!)]));
    const second = await lab.exec('host', [process.execPath, RELAY_SEND, '2001:db8:1::2', '2001:db8:1::1', request], { timeoutMs: 10_000 });
    const reply = unwrapReply(second.stdout.trim());
    assert.equal(reply.type, 'reply');
    assert.deepEqual(leasesOf(reply), [offered]);
    // Stored under the link the relay named, with the relay's peer address as the client's.
    await server.waitForOutput(`lease bind lan0 na ${offered} `, 5000);
  });
});

test('relay agent: while DAD holds the address tentative the server listens on multicast only, then binds it', opts, async () => {
  const spec: LabSpec = { ...SPEC, nodes: { ...SPEC.nodes, router: { forwarding: true, sysctls: { 'net.ipv6.conf.lan0.accept_dad': '1' } } }, addresses: { host: { eth0: ['2001:db8:1::2/64'] } } };
  await withLab(spec, async (lab) => {
    // Added with DAD (the lab adds its addresses nodad): tentative for about a second.
    await lab.exec('router', ['ip', '-6', 'addr', 'add', '2001:db8:1::1/64', 'dev', 'lan0']);
    const server = await startServer(
      lab,
      configYaml({ mode: 'stateful', addressPools: [{ start: '2001:db8:1::100', end: '2001:db8:1::1ff' }] }),
    );
    await server.waitForOutput(/lan0 listens on ff02::1:2 only for now: cannot bind 2001:db8:1::1/, 5000);
    const solicit = relayForward(msg('solicit', [cid(0xc2), iaNaOpt(1)]));
    // The sweep timer (5 s) retries the bind once DAD is done.
    const line = await lab.waitFor(async () => {
      const r = await lab.exec('host', [process.execPath, RELAY_SEND, '2001:db8:1::2', '2001:db8:1::1', solicit], { timeoutMs: 10_000, check: false });
      return r.code === 0 ? r.stdout.trim() : undefined;
    }, { timeoutMs: 20_000, intervalMs: 500, what: 'an answer to the relay after DAD' });
    assert.equal(unwrapReply(line).type, 'advertise');
  });
});
