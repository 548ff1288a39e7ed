// The apply loop against the real kernel and nft in a namespace lab: upstream ↔ router ↔ a
// bridged hosts segment with two container hosts, each with two containers on a bridge.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labSkipReason, pingOk, waitFor, withLab, type Lab, type LabSpec, type LinkSpec } from '../lab/index.ts';
import { KernelBackend } from '../../src/backends/kernel/backend.ts';
import { ensureRouteProtocol } from '../../src/backends/kernel/protocol.ts';
import { NftBackend } from '../../src/backends/nft/backend.ts';
import { combineBackends } from '../../src/backends/types.ts';
import { Reconciler } from '../../src/reconcile/loop.ts';
import { planOnce } from '../../src/reconcile/plan-once.ts';
import type { ConfigInput } from '../../src/config/schema.ts';
import { parse } from './fixtures.ts';

const skip = labSkipReason();

const container = (host: string, c: string) => `c${host}${c}`;
const hostPrefix = (n: number) => `2001:db8:100${n}`;
const containerAddr = (n: number, c: string) => `${hostPrefix(n)}:1::${c}`;

function spec(): LabSpec {
  const nodes: Record<string, { forwarding?: boolean }> = { upstream: {}, router: { forwarding: false }, seg: {} };
  const links: LinkSpec[] = [
    { a: ['upstream', 'up0'], b: ['router', 'wan0'] },
    { a: ['router', 'hosts0'], b: ['seg', 'p0'] },
  ];
  const bridges: Array<{ node: string; name: string; ports: string[] }> = [{ node: 'seg', name: 'br0', ports: ['p0', 'p1', 'p2'] }];
  const addresses: Record<string, Record<string, string[]>> = { upstream: { up0: ['2001:db8:ffff::1/64'] } };
  const routes: Record<string, string[]> = { upstream: ['2001:db8:1000::/36 via 2001:db8:ffff::2'] };
  for (const n of [1, 2]) {
    const ch = `ch${n}`;
    nodes[ch] = { forwarding: true };
    links.push({ a: [ch, 'eth0'], b: ['seg', `p${n}`] });
    bridges.push({ node: ch, name: 'cbr0', ports: ['ca', 'cb'] });
    addresses[ch] = { eth0: [`2001:db8:3::1${n}/64`], cbr0: [`${hostPrefix(n)}:1::1/80`] };
    routes[ch] = ['default via 2001:db8:3::1'];
    for (const c of ['a', 'b']) {
      const node = container(String(n), c);
      nodes[node] = {};
      links.push({ a: [node, 'eth0'], b: [ch, `c${c}`] });
      addresses[node] = { eth0: [`${containerAddr(n, c)}/80`] };
      routes[node] = [`default via ${hostPrefix(n)}:1::1`];
    }
  }
  return { nodes, links, bridges, addresses, routes };
}

const CONFIG: ConfigInput = {
  version: 1,
  interfaces: {
    wan0: { kind: 'veth', role: 'wan', ips: ['2001:db8:ffff::2/64'] },
    hosts0: { kind: 'veth', role: 'hosts', ips: ['2001:db8:3::1/64'] },
  },
  hosts: Object.fromEntries([1, 2].map((n) => [`ch${n}`, {
    interface: 'hosts0',
    nextHop: `2001:db8:3::1${n}`,
    prefix: `${hostPrefix(n)}::/48`,
    networks: { web: { prefix: `${hostPrefix(n)}:1::/80` } },
    publishedPorts: [{ protocol: 'tcp' as const, port: 8080, network: 'web' }],
  }])),
};

/** Whether a TCP connection from `node` to [address]:port is accepted within a second. */
async function tcpConnects(lab: Lab, node: string, address: string, port: number): Promise<boolean> {
  const script = `const s=require('net').connect({host:process.argv[1],port:+process.argv[2],timeout:1000});s.on('connect',()=>{console.log('open');s.destroy()});s.on('timeout',()=>{console.log('timeout');s.destroy()});s.on('error',e=>console.log(e.code))`;
  const { stdout } = await lab.exec(node, [process.execPath, '-e', script, address, String(port)], { check: false, timeoutMs: 5000 });
  return stdout.trim() === 'open';
}

test('the loop in a router namespace: routes, filters, drift repair, foreign objects, failures', { skip, timeout: 120_000 }, async (t) => {
  const registered = ensureRouteProtocol();
  assert.ok(registered.ok, registered.ok ? '' : registered.error.message);
  await withLab(spec(), async (lab) => {
    const netns = lab.ns('router');
    const nft = new NftBackend({ netns });
    const backend = combineBackends([new KernelBackend({ netns }), nft]);
    const events: string[] = [];
    const loop = new Reconciler({ backend, resyncMs: 0, backoff: { initialMs: 100, maxMs: 400 }, onEvent: (e) => e.type === 'failed' && events.push(`${e.object}: ${e.problem.message}`) });
    const config = parse(CONFIG);
    // Node servers in the first container: 8080 is published, 9090 is not.
    const server = `for (const p of [8080, 9090]) require('net').createServer((s) => s.end('hi')).listen(p, '::')`;
    lab.spawn(container('1', 'a'), [process.execPath, '-e', server], { name: 'tcp-server' });

    const applied = await loop.applyRevision(config);
    assert.ok(applied.ok, applied.ok ? '' : applied.error.message);
    loop.start();
    try {
      await t.test('converged: a second pass plans nothing', async () => {
        assert.equal(await planOnce(config, backend), 'No changes: the system matches the configuration.\n');
        const routes = await lab.routes('router');
        assert.ok(routes.some((r) => r.dst === '2001:db8:1001::/48' && r.protocol === 'v6edge'));
      });

      await t.test('upstream reaches a container through the /48 and /80 routes', async () => {
        assert.equal(await pingOk(lab, 'upstream', containerAddr(1, 'a'), { count: 1 }), true);
        assert.equal(await pingOk(lab, 'upstream', containerAddr(2, 'b'), { count: 1 }), true);
      });

      await t.test('a published port answers, an unpublished one is dropped and counted', async () => {
        await waitFor(() => tcpConnects(lab, 'upstream', containerAddr(1, 'a'), 8080), { timeoutMs: 5000, what: 'the published port to answer' });
        const before = (await nft.readCounters()).get('fwd_unpublished')?.packets ?? 0;
        assert.equal(await tcpConnects(lab, 'upstream', containerAddr(1, 'a'), 9090), false);
        assert.ok(((await nft.readCounters()).get('fwd_unpublished')?.packets ?? 0) > before);
      });

      await t.test('a container sending from outside its prefixes is dropped (counter rises)', async () => {
        // Outside every prefix behind hosts0. (Another host's prefix on the same segment passes:
        // the router tells senders apart only by interface.)
        const spoofed = '2001:db8:dead::99';
        await lab.exec(container('1', 'b'), ['ip', 'addr', 'add', `${spoofed}/128`, 'dev', 'eth0', 'nodad']);
        const before = (await nft.readCounters()).get('fwd_spoofed')?.packets ?? 0;
        await lab.exec(container('1', 'b'), ['rltraceroute6', '-I', '-n', '-q', '1', '-f', '64', '-m', '64', '-w', '1', '-s', spoofed, '2001:db8:ffff::1'], { check: false });
        assert.ok(((await nft.readCounters()).get('fwd_spoofed')?.packets ?? 0) > before);
      });

      await t.test('drift: a deleted route comes back through the event path', async () => {
        await lab.exec('router', ['ip', '-6', 'route', 'del', '2001:db8:1001::/48']);
        await waitFor(async () => (await lab.routes('router')).some((r) => r.dst === '2001:db8:1001::/48'), { timeoutMs: 1000, what: 'the route to be repaired' });
        assert.ok(loop.status().driftRepairs >= 1);
      });

      await t.test('drift: a deleted table inet v6edge comes back', async () => {
        await lab.exec('router', ['nft', 'delete', 'table', 'inet', 'v6edge']);
        await waitFor(async () => (await nft.observeFilter()) !== undefined, { timeoutMs: 2000, what: 'table inet v6edge to be rebuilt' });
      });

      await t.test('a foreign route is left alone', async () => {
        await lab.exec('router', ['ip', '-6', 'route', 'add', '2001:db8:5555::/48', 'via', '2001:db8:3::11', 'proto', 'static']);
        await loop.pass('test');
        assert.ok((await lab.routes('router')).some((r) => r.dst === '2001:db8:5555::/48' && r.protocol === 'static'));
      });

      await t.test('a route on a missing interface is reported by name, the rest stays, and it is retried', async () => {
        const broken = parse({ ...CONFIG, hosts: { ...CONFIG.hosts, ghost: { interface: 'ghost0', nextHop: 'fe80::9', prefix: '2001:db8:1009::/48' } } });
        loop.setConfig(broken);
        await waitFor(() => loop.status().consecutiveFailures >= 2, { timeoutMs: 5000, what: 'two failed passes' });
        assert.ok(events.some((e) => e.startsWith('route 2001:db8:1009::/48') && /Cannot find device/.test(e)), events.join('\n'));
        const routes = await lab.routes('router');
        assert.ok(routes.some((r) => r.dst === '2001:db8:1002::/48'));
        assert.equal(await pingOk(lab, 'upstream', containerAddr(2, 'a'), { count: 1 }), true);
      });
    } finally {
      await loop.stop();
    }
  });
});
