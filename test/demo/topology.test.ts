// The demo's pure parts: the lab derived from the demo config, container addressing from the
// API's hosts, the summary screen, the signal helpers, and the CLI's dry-run path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fc from 'fast-check';
import type { HostDto } from '../../src/api/types.ts';
import { configSchema } from '../../src/config/schema.ts';
import { DEMO_CONFIG, demoConfig } from '../../src/config/defaults.ts';
import { containerAddressing, demoTopology, type DemoTopology } from '../../src/demo/topology.ts';
import { demoSummary } from '../../src/demo/summary.ts';
import { exited, stopSync } from '../../src/demo/signals.ts';
import { runDemo } from '../../src/cli/demo.ts';
import { UsageError } from '../../src/cli/args.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { unwrap } from '../../src/lib/result.ts';
import { contains, parsePrefix } from '../../src/net/prefix.ts';
import { formatAddress, parseAddress } from '../../src/net/address.ts';
import { specProblems } from '../lab/spec.ts';

const topology = (): DemoTopology => unwrap(demoTopology(demoConfig()));

test('the demo lab follows the demo config and is a valid lab spec', () => {
  const t = topology();
  assert.deepEqual(specProblems(t.spec), []);
  assert.deepEqual(Object.keys(t.spec.nodes), ['upstream', 'router', 'slaac', 'dhcp', 'h_ch1', 'c_ch1_web', 'c_ch1_db']);
  assert.deepEqual(t.lans, { lan0: 'slaac', lan1: 'dhcp' });
  assert.deepEqual(t.spec.nodes.slaac, { acceptRa: 2 });
  // The upstream plays the config's gateway and routes back through the router's WAN address.
  assert.deepEqual(t.spec.addresses?.upstream, { eth0: ['2001:db8:ffff::1/64'] });
  assert.deepEqual(t.spec.routes?.upstream, ['default via 2001:db8:ffff::2']);
  // The container host sits at the configured next hop, routes back to hosts0's address and forwards.
  assert.deepEqual(t.spec.addresses?.h_ch1, { eth0: ['2001:db8:3::10/64'] });
  assert.deepEqual(t.spec.routes?.h_ch1, ['default via 2001:db8:3::1']);
  assert.deepEqual(t.spec.nodes.h_ch1, { forwarding: true });
  assert.deepEqual(t.spec.bridges, [{ node: 'h_ch1', name: 'br0', ports: ['veth0', 'veth1'] }]);
  const routerEnds = (t.spec.links ?? []).flatMap((l) => [l.a, l.b]).filter(([n]) => n === 'router').map(([, i]) => i).sort();
  assert.deepEqual(routerEnds, ['hosts0', 'lan0', 'lan1', 'wan0']);
});

test('configs the demo cannot play are refused with a path', () => {
  const cases: Array<[string, (c: typeof DEMO_CONFIG) => unknown, string, string]> = [
    ['no upstream', (c) => ({ ...c, upstream: undefined }), 'demo-no-gateway', 'upstream'],
    ['slaac upstream', (c) => ({ ...c, upstream: { interface: 'wan0', mode: 'slaac' } }), 'demo-no-gateway', 'upstream'],
    ['no managed LAN', (c) => ({ ...c, interfaces: { ...c.interfaces, lan1: { kind: 'veth', role: 'lan', ips: ['2001:db8:2::1/64'] } } }), 'demo-lans', 'interfaces'],
  ];
  for (const [name, edit, code, path] of cases) {
    const config = configSchema.parse(edit(structuredClone(DEMO_CONFIG)));
    const r = demoTopology(config);
    assert.equal(r.ok, false, name);
    if (!r.ok) {
      assert.equal(r.error.code, code, name);
      assert.deepEqual(r.error.where, { path }, name);
    }
  }
});

function hostsWith(web: string | undefined, db: string | undefined): HostDto[] {
  return [{
    name: 'ch1',
    interface: 'hosts0',
    nextHop: '2001:db8:3::10',
    prefix: '2001:db8:4000::/48',
    networks: [{ name: 'web', prefix: web }, { name: 'db', prefix: db }],
    publishedPorts: [],
  }];
}

test('containers take ::2 of their network and the bridge ::1, from the prefixes the API reports', () => {
  const r = unwrap(containerAddressing(topology(), hostsWith('2001:db8:4000:0:1::/80', '2001:db8:4000::/80')));
  assert.deepEqual(r.map((c) => [c.node, c.hostNode, c.gateway, c.address]), [
    ['c_ch1_web', 'h_ch1', '2001:db8:4000:0:1::1/80', '2001:db8:4000:0:1::2/80'],
    ['c_ch1_db', 'h_ch1', '2001:db8:4000::1/80', '2001:db8:4000::2/80'],
  ]);
  const missing = containerAddressing(topology(), hostsWith('2001:db8:4000:0:1::/80', undefined));
  assert.equal(missing.ok, false);
  if (!missing.ok) assert.deepEqual([missing.error.code, missing.error.where], ['demo-no-prefix', { path: 'hosts.ch1.networks.db' }]);
  assert.equal(containerAddressing(topology(), []).ok, false, 'a host the API does not list yet');
});

test('property: container and gateway addresses lie inside the network they were given', () => {
  fc.assert(fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.integer({ min: 48, max: 124 }), (high, length) => {
    const network = (high << 64n) & (((1n << BigInt(length)) - 1n) << BigInt(128 - length));
    const prefix = { network, length };
    const formatted = `${formatAddress(network)}/${length}`;
    const [c] = unwrap(containerAddressing(topology(), hostsWith(formatted, formatted)));
    assert.ok(c !== undefined);
    for (const a of [c.gateway, c.address]) {
      const addr = unwrap(parseAddress(a.split('/')[0] ?? ''));
      assert.ok(contains(prefix, addr), `${a} in ${formatted}`);
      assert.equal(a.split('/')[1], String(length));
    }
    assert.ok(unwrap(parsePrefix(c.prefix)).length === length);
  }));
});

test('the summary names every namespace, the socket, and how to reach the daemon from another terminal', () => {
  const facts = {
    namespaces: [
      { node: 'upstream', ns: 'v6l0abc-upstream', role: 'ISP router' },
      { node: 'router', ns: 'v6l0abc-router', role: 'v6edge daemon' },
    ],
    routerNs: 'v6l0abc-router',
    socketPath: '/tmp/v6edge-lab-v6l0abc/api.sock',
    daemonLog: '/tmp/v6edge-lab-v6l0abc/daemon.log',
    tui: true,
  };
  const text = demoSummary(facts);
  assert.match(text, /router namespace: v6l0abc-router/);
  assert.match(text, /^ {2}upstream {2}v6l0abc-upstream {2}ISP router$/m);
  assert.match(text, /v6edge status --socket \/tmp\/v6edge-lab-v6l0abc\/api\.sock/);
  assert.match(text, /ip -n v6l0abc-router -6 route show proto v6edge/);
  assert.match(text, /q quits/);
  assert.match(demoSummary({ ...facts, tui: false }), /Ctrl-C \(SIGINT\) stops the daemon/);
  assert.match(text, /Daemon log: \/tmp\/v6edge-lab-v6l0abc\/daemon\.log/);
  for (const line of [...text.split('\n'), ...demoSummary({ ...facts, tui: false }).split('\n')]) assert.ok(line.length <= 80, `fits 80 columns: ${line}`);
  assert.ok(text.split('\n').length <= 24, 'fits one screen');
});

test('stopSync ends a process with SIGTERM and sees it exit even before it is reaped', async () => {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  const pid = child.pid ?? 0;
  assert.equal(exited(pid), false);
  assert.equal(stopSync(pid, 5000), true);
  assert.equal(exited(pid), true);
  await new Promise((resolve) => child.once('exit', resolve));
  assert.equal(stopSync(pid, 100), true, 'a process already gone counts as stopped');
});

function captureIo(): CliIo & { text: () => string } {
  let out = '';
  return { out: (s) => (out += `${s}\n`), err: (s) => (out += `${s}\n`), readFile: () => '', env: {}, text: () => out };
}

test('v6edge demo --dry-run changes nothing and shows the plan; stray arguments are usage errors', async () => {
  const io = captureIo();
  assert.equal(await runDemo(['--dry-run'], io), 0);
  assert.match(io.text(), /dry run of the embedded demo configuration/);
  assert.match(io.text(), /\+ route 2001:db8:4000::\/48 via 2001:db8:3::10 dev hosts0 proto v6edge/);
  await assert.rejects(() => Promise.resolve(runDemo(['now'], captureIo())), UsageError);
});
