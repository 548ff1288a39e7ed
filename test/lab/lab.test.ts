// The lab against the real kernel and real peers: topology, SLAAC from radvd, rdisc6, radvdump,
// captures, and teardown however the run ends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  createLab, labSkipReason, listNamespaces, pingOk, radvdump, rdisc6, startRadvd, sweepStaleLabs, waitFor, withLab, type LabSpec,
} from './index.ts';

const skip = labSkipReason();

const threeNodes: LabSpec = {
  nodes: { router: { forwarding: true }, sw: {}, host: { acceptRa: 2 } },
  links: [
    { a: ['router', 'lan0'], b: ['sw', 'p0'] },
    { a: ['host', 'eth0'], b: ['sw', 'p1'], macA: '02:00:00:00:00:11' },
  ],
  bridges: [{ node: 'sw', name: 'br0', ports: ['p0', 'p1'] }],
  addresses: { router: { lan0: ['2001:db8:1::1/64'] }, host: { eth0: ['2001:db8:1::2/64'] } },
  routes: { host: ['2001:db8:99::/48 via 2001:db8:1::1'] },
};

const RADVD_CONF = `interface lan0 {
  AdvSendAdvert on;
  MinRtrAdvInterval 3;
  MaxRtrAdvInterval 4;
  AdvManagedFlag on;
  AdvLinkMTU 1400;
  prefix 2001:db8:1::/64 { AdvValidLifetime 7200; AdvPreferredLifetime 3600; };
  route 2001:db8:9::/48 { };
  RDNSS 2001:db8:1::53 { };
};
`;

test('a bridged three-node lab: addresses, sysctls, routes and a ping across the bridge', { skip }, async () => {
  await withLab(threeNodes, async (lab) => {
    const host = await lab.addresses('host', 'eth0');
    assert.deepEqual(host.filter((a) => a.scope === 'global').map((a) => `${a.address}/${a.prefixLength}`), ['2001:db8:1::2/64']);
    assert.equal(await lab.mac('host', 'eth0'), '02:00:00:00:00:11');
    // EUI-64 from the MAC we chose (RFC 4291 §2.5.1: flip the U/L bit, insert ff:fe).
    assert.equal(await lab.linkLocal('host', 'eth0'), 'fe80::ff:fe00:11');
    assert.ok((await lab.ifindex('host', 'eth0')) > 1);
    const sysctl = async (node: string, key: string) => (await lab.exec(node, ['sysctl', '-n', key])).stdout.trim();
    assert.equal(await sysctl('router', 'net.ipv6.conf.lan0.forwarding'), '1');
    assert.equal(await sysctl('host', 'net.ipv6.conf.eth0.accept_ra'), '2');
    assert.equal(await sysctl('host', 'net.ipv6.conf.eth0.accept_dad'), '0');
    const masters = (await lab.json('sw', ['link', 'show', 'master', 'br0'])) as Array<{ ifname: string }>;
    assert.deepEqual(masters.map((l) => l.ifname).sort(), ['p0', 'p1']);
    assert.ok((await lab.routes('host')).some((r) => r.dst === '2001:db8:99::/48' && r.gateway === '2001:db8:1::1'));
    assert.equal(await pingOk(lab, 'host', '2001:db8:1::1'), true);
    assert.equal(await pingOk(lab, 'host', '2001:db8:1::77', { count: 1, timeoutMs: 1000 }), false);
    const router = (await lab.neighbors('host')).find((n) => n.address === '2001:db8:1::1');
    assert.equal(router?.router, true, 'the NA from a forwarding node carries the R flag');
    assert.equal(router?.lladdr, await lab.mac('router', 'lan0'));
  });
});

test('radvd in the router: the host forms a SLAAC address; rdisc6, radvdump and a capture agree', { skip }, async () => {
  await withLab(threeNodes, async (lab) => {
    const capture = await lab.capture('host', 'eth0', { filter: 'icmp6' });
    await startRadvd(lab, 'router', RADVD_CONF);
    const slaac = await waitFor(
      async (note) => {
        const addrs = await lab.addresses('host', 'eth0');
        note(addrs);
        return addrs.find((a) => a.dynamic && a.address === '2001:db8:1::ff:fe00:11');
      },
      { timeoutMs: 10_000, what: 'a SLAAC address on host/eth0' },
    );
    assert.equal(slaac.validLifetime <= 7200 && slaac.validLifetime > 7000, true);
    const routerLl = await lab.linkLocal('router', 'lan0');
    assert.ok((await lab.routes('host')).some((r) => r.dst === 'default' && r.gateway === routerLl && r.protocol === 'ra'));

    const ra = await rdisc6(lab, 'host', 'eth0');
    assert.equal(ra.from, routerLl);
    assert.equal(ra.managed, true);
    assert.equal(ra.mtu, 1400);
    assert.deepEqual(ra.prefixes, [{ prefix: '2001:db8:1::/64', onLink: true, autonomous: true, validLifetime: 7200, preferredLifetime: 3600 }]);
    assert.deepEqual(ra.routes.map((r) => r.prefix), ['2001:db8:9::/48']);
    assert.deepEqual(ra.rdnss.map((r) => r.servers), [['2001:db8:1::53']]);
    assert.equal(ra.sourceLinkLayer?.toLowerCase(), await lab.mac('router', 'lan0'));

    const [dump] = await radvdump(lab, 'host', 'eth0', { solicit: true, timeoutMs: 10_000 });
    assert.equal(dump?.from, routerLl);
    assert.equal(dump?.settings['AdvManagedFlag'], 'on');
    assert.deepEqual(dump?.sections.find((s) => s.kind === 'prefix')?.settings['AdvValidLifetime'], '7200');

    const types = (await capture.fields(['icmpv6.type'])).map((row) => row[0]);
    assert.ok(types.includes('134'), `capture holds a Router Advertisement; saw types ${types.join(' ')}`);
    assert.ok(types.includes('133'), 'capture holds rdisc6 Router Solicitations');
  });
});

test('a packet sent just before stop() is in the capture', { skip }, async () => {
  await withLab({ nodes: { a: {}, b: {} }, links: [{ a: ['a', 'e0'], b: ['b', 'e0'] }], addresses: { a: { e0: ['2001:db8::a/64'] }, b: { e0: ['2001:db8::b/64'] } } }, async (lab) => {
    const capture = await lab.capture('b', 'e0', { filter: 'icmp6' });
    assert.equal(await pingOk(lab, 'a', '2001:db8::b', { count: 1 }), true);
    const echoes = await capture.fields(['ipv6.src', 'icmpv6.type'], 'icmpv6.type == 128 || icmpv6.type == 129');
    assert.deepEqual(echoes, [['2001:db8::a', '128'], ['2001:db8::b', '129']]);
  });
});

test('withLab tears down when the body throws, and keeps the logs', { skip }, async () => {
  let made: string[] = [];
  let dir = '';
  await assert.rejects(
    withLab({ nodes: { a: {} } }, async (lab) => {
      made = lab.namespaces();
      dir = lab.dir;
      lab.spawn('a', ['sleep', '600'], { name: 'sleeper' });
      throw new Error('body failed');
    }),
    /body failed/,
  );
  assert.equal(made.length, 1);
  assert.deepEqual(listNamespaces().filter((ns) => made.includes(ns)), []);
  assert.equal(existsSync(`${dir}/sleeper.log`), true, 'peer logs survive a failed run');
  rmSync(dir, { recursive: true, force: true });
});

test('createLab rejects a bad spec before creating anything, and teardown is idempotent', { skip }, async () => {
  const before = listNamespaces();
  await assert.rejects(createLab({ nodes: { a: {} }, links: [{ a: ['a', 'x'], b: ['nobody', 'y'] }] }), /links\[0\]\.b: Node "nobody" is not declared/);
  assert.deepEqual(listNamespaces(), before);
  const lab = await createLab({ nodes: { a: {} } });
  await Promise.all([lab.teardown(), lab.teardown()]);
  await lab.teardown();
  assert.equal(listNamespaces().includes(lab.ns('a')), false);
});

interface Held {
  readonly namespaces: string[];
  readonly peerPid: number;
  readonly dir: string;
}

async function holdLab(): Promise<{ held: Held; child: ReturnType<typeof spawn>; exited: Promise<unknown> }> {
  const script = fileURLToPath(new URL('./fixtures/hold-lab.ts', import.meta.url));
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', () => reject(new Error('hold-lab exited before building its lab')));
  });
  return { held: JSON.parse(first) as Held, child, exited };
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('a process killed by SIGTERM takes its lab and peers down with it', { skip }, async () => {
  const { held, child, exited } = await holdLab();
  assert.equal(held.namespaces.every((ns) => listNamespaces().includes(ns)), true);
  child.kill('SIGTERM');
  assert.deepEqual(await exited, { code: null, signal: 'SIGTERM' });
  assert.deepEqual(listNamespaces().filter((ns) => held.namespaces.includes(ns)), []);
  await waitFor(() => !alive(held.peerPid), { timeoutMs: 3000, what: `peer ${held.peerPid} to die` });
  rmSync(held.dir, { recursive: true, force: true }); // a signalled run keeps its logs
});

test('sweepStaleLabs removes the namespaces of a SIGKILLed run, and only those', { skip }, async () => {
  await withLab({ nodes: { live: {} } }, async (lab) => {
    const { held, child, exited } = await holdLab();
    child.kill('SIGKILL');
    await exited;
    assert.equal(held.namespaces.every((ns) => listNamespaces().includes(ns)), true, 'SIGKILL leaves the namespaces behind');
    const swept = sweepStaleLabs();
    assert.deepEqual([...swept].sort(), [...held.namespaces].sort());
    assert.deepEqual(listNamespaces().filter((ns) => held.namespaces.includes(ns)), []);
    assert.equal(listNamespaces().includes(lab.ns('live')), true, 'a live lab is not swept');
    await waitFor(() => !alive(held.peerPid), { timeoutMs: 3000, what: `orphaned peer ${held.peerPid} to die` });
    rmSync(held.dir, { recursive: true, force: true });
  });
});

test('each lab namespace sees its own /etc/resolv.conf, so client hooks cannot rewrite the host resolver', { skip }, async () => {
  let dir = '';
  await withLab({ nodes: { host: {} } }, async (lab) => {
    dir = `/etc/netns/${lab.ns('host')}`;
    const seen = await lab.exec('host', ['cat', '/etc/resolv.conf']);
    assert.match(seen.stdout, new RegExp(`v6edge lab namespace ${lab.ns('host')}`));
  });
  assert.equal(existsSync(dir), false, 'teardown removes the private /etc files');
});
