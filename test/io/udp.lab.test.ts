// DHCPv6 sockets in namespaces: dhclient's Solicit, a round trip, and what Linux delivers to a
// socket bound to ff02::1:2%IF. dgram sockets live in their process's namespace, so each side runs
// test/io/fixtures/dhcp6-peer.ts under `ip netns exec` and reports JSON lines.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { labSkipReason, withLab, type Lab, type LabSpec, type Peer } from '../lab/index.ts';
import { linksReady } from './ready.ts';

const skip = labSkipReason();
const PEER = fileURLToPath(new URL('./fixtures/dhcp6-peer.ts', import.meta.url));
const TWO_LINKS: LabSpec = {
  nodes: { router: {}, host: {} },
  links: [
    { a: ['router', 'r0'], b: ['host', 'h0'] },
    { a: ['router', 'r1'], b: ['host', 'h1'] },
  ],
  addresses: { router: { r0: ['2001:db8:1::1/64'] }, host: { h0: ['2001:db8:1::2/64'] } },
};

type Event = Record<string, unknown> & { readonly event: string };

function events(peer: Peer): Event[] {
  return peer
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Event);
}

async function startServer(lab: Lab, args: readonly string[]): Promise<Peer> {
  await linksReady(lab, [['router', 'r0'], ['router', 'r1'], ['host', 'h0'], ['host', 'h1']]);
  const server = lab.spawn('router', [process.execPath, PEER, 'server', ...args], { name: 'server' });
  await server.waitForOutput('"listening"');
  return server;
}

const messages = (peer: Peer): Event[] => events(peer).filter((e) => e.event === 'message');

test('a Solicit from dhclient reaches the server socket with its interface and source', { skip }, () =>
  withLab(TWO_LINKS, async (lab) => {
    const server = await startServer(lab, ['r0']);
    lab.spawn('host', ['dhclient', '-6', '-1', '-d', '-sf', '/bin/true', '-lf', `${lab.dir}/dhclient.leases`, '-pf', `${lab.dir}/dhclient.pid`, 'h0'], { name: 'dhclient' });
    await server.waitForOutput('"type":1');
    const [solicit] = messages(server);
    assert.deepEqual(solicit, {
      event: 'message',
      type: 1,
      source: `${await lab.linkLocal('host', 'h0')}%r0`,
      port: 546,
      ifname: 'r0',
      multicast: true,
      local: 'ff02::1:2',
    });
  }),
);

test('the client socket gets the server reply from the router link-local, port 547', { skip }, () =>
  withLab(TWO_LINKS, async (lab) => {
    await startServer(lab, ['r0']);
    const { stdout } = await lab.exec('host', [process.execPath, PEER, 'client', 'h0'], { timeoutMs: 5000 });
    const reply = stdout.split('\n').filter((l) => l.includes('"message"')).map((l) => JSON.parse(l) as Event);
    assert.deepEqual(reply, [
      { event: 'message', type: 2, source: `${await lab.linkLocal('router', 'r0')}%h0`, port: 547, ifname: 'h0', multicast: false, local: await lab.linkLocal('host', 'h0') },
    ]);
  }),
);

test('a socket on ff02::1:2%r0 gets only multicast arriving on r0; unicast needs its own socket', { skip }, () =>
  withLab(TWO_LINKS, async (lab) => {
    const server = await startServer(lab, ['r0', '2001:db8:1::1']);
    const send = (ifname: string, destination?: string): Promise<unknown> =>
      lab.exec('host', [process.execPath, PEER, 'send', ifname, ...(destination === undefined ? [] : [destination])], { timeoutMs: 5000 });
    await send('h1'); // multicast on the other link: not ours
    await send('h0', await lab.linkLocal('router', 'r0')); // unicast to an address we did not bind
    await send('h0', '2001:db8:1::1'); // unicast to a configured address
    await send('h0'); // multicast on r0, last: the barrier
    await lab.waitFor(() => messages(server).length >= 2 && messages(server).at(-1)?.multicast === true, {
      timeoutMs: 3000,
      what: 'the multicast Solicit on r0',
    });
    const hostLinkLocal = `${await lab.linkLocal('host', 'h0')}%r0`;
    assert.deepEqual(
      messages(server).map((m) => [m.source, m.ifname, m.multicast]),
      [
        [hostLinkLocal, 'r0', false],
        [hostLinkLocal, 'r0', true],
      ],
    );
  }),
);

test('a request sent to a unicast address is answered from that address, not one the kernel picks', { skip }, () =>
  withLab({ ...TWO_LINKS, addresses: { router: { r0: ['2001:db8:1::1/64', '2001:db8:1::99/64'] }, host: { h0: ['2001:db8:1::2/64'] } } }, async (lab) => {
    const server = await startServer(lab, ['r0', '2001:db8:1::99']);
    const { stdout } = await lab.exec('host', [process.execPath, PEER, 'client', 'h0', '2001:db8:1::99'], { timeoutMs: 5000 });
    const reply = stdout.split('\n').filter((l) => l.includes('"message"')).map((l) => JSON.parse(l) as Event);
    // From the multicast socket the kernel would choose the source (the link-local address here);
    // a relay agent expects its answer from the address it sent to.
    assert.deepEqual(reply.map((m) => [m.type, m.source, m.port]), [[2, '2001:db8:1::99', 547]]);
    assert.deepEqual(messages(server).map((m) => [m.local, m.multicast]), [['2001:db8:1::99', false]]);
  }),
);

test('recvBufferSize sets SO_RCVBUF on every socket of the interface (ss shows the doubled size)', { skip }, () =>
  withLab(TWO_LINKS, async (lab) => {
    await startServer(lab, ['--rcvbuf=65536', 'r0', '2001:db8:1::1']);
    const { stdout } = await lab.exec('router', ['ss', '-6', '-u', '-a', '-n', '-m', 'sport = :547']);
    const sizes = [...stdout.matchAll(/skmem:\(r\d+,rb(\d+),/g)].map((m) => Number(m[1]));
    // Linux books twice the requested size for its own overhead (socket(7), SO_RCVBUF).
    assert.deepEqual(sizes, [131072, 131072], stdout);
  }),
);
