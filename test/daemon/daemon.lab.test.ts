// End to end in a namespace lab: the daemon runs under `ip netns exec` in a router namespace with
// the real kernel and nft backends; a host takes its SLAAC address from the daemon's RA; a host
// added with `v6edge hosts add` and committed gets its route (proto v6edge); a commit-confirm
// left unconfirmed rolls back in the kernel; SIGTERM stops the daemon cleanly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { labSkipReason, withLab, type Lab } from '../lab/index.ts';
import { HttpApiClient } from '../../src/api/client.ts';
import { main } from '../../src/cli/main.ts';
import type { CliIo } from '../../src/cli/io.ts';
import type { ConfigInput } from '../../src/config/schema.ts';

const skip = labSkipReason();
const BIN = new URL('../../src/bin/v6edge.js', import.meta.url).pathname;

const CONFIG: ConfigInput = {
  version: 1,
  interfaces: {
    lan0: { kind: 'veth', role: 'lan', ips: ['2001:db8:1::1/64'], ra: { maxRtrAdvInterval: 10, prefixes: [{ prefix: '2001:db8:1::/64' }] } },
    hosts0: { kind: 'veth', role: 'hosts', ips: ['2001:db8:3::1/64'] },
  },
};

async function v6edge(socket: string, argv: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = {
    out: (s) => (out += `${s}\n`),
    err: (s) => (err += `${s}\n`),
    readFile: () => '',
    env: { USER: 'labtester', V6EDGE_SOCKET: socket },
  };
  return { code: await main(argv, io), out, err };
}

async function ourRoutes(lab: Lab): Promise<string> {
  return (await lab.exec('router', ['ip', '-6', 'route', 'show', 'proto', 'v6edge'])).stdout;
}

test('the daemon in a router namespace: SLAAC from its RA, hosts add + commit, unconfirmed commit rolls back, SIGTERM', { skip, timeout: 120_000 }, async () => {
  await withLab(
    {
      nodes: { router: { forwarding: true }, host: { acceptRa: 1 }, ch: {} },
      links: [
        { a: ['router', 'lan0'], b: ['host', 'eth0'] },
        { a: ['router', 'hosts0'], b: ['ch', 'eth0'] },
      ],
      addresses: { ch: { eth0: ['2001:db8:3::10/64'] } },
    },
    async (lab) => {
      const socket = join(lab.dir, 'api.sock');
      const daemon = lab.spawn('router', [process.execPath, '--disable-warning=ExperimentalWarning', BIN, 'daemon', '--store', join(lab.dir, 'state.db'), '--socket', socket], { name: 'daemon' });
      await daemon.waitForOutput(/listening on/, 15_000);
      const client = new HttpApiClient({ socketPath: socket, user: 'labtester' });
      await client.putCandidate(CONFIG);
      const first = await client.commit({ comment: 'lab router' });
      assert.equal(first.number, 1);

      const slaac = await lab.waitFor(async (note) => {
        const addrs = await lab.addresses('host', 'eth0');
        note(addrs);
        return addrs.find((a) => a.dynamic && a.address.startsWith('2001:db8:1:'));
      }, { timeoutMs: 20_000, what: "a SLAAC address from the daemon's RA" });
      assert.equal(slaac.prefixLength, 64);

      const added = await v6edge(socket, ['hosts', 'add', 'ch1', '--interface', 'hosts0', '--next-hop', '2001:db8:3::10', '--prefix', '2001:db8:5000::/48']);
      assert.equal(added.code, 0, added.err);
      const committed = await v6edge(socket, ['config', 'commit', '--comment', 'add ch1']);
      assert.equal(committed.code, 0, committed.err);
      assert.match(await ourRoutes(lab), /2001:db8:5000::\/48 via 2001:db8:3::10 dev hosts0/);

      await v6edge(socket, ['hosts', 'add', 'ch2', '--interface', 'hosts0', '--next-hop', '2001:db8:3::20', '--prefix', '2001:db8:6000::/48']);
      const pending = await client.commit({ comment: 'ch2, on probation', confirmSeconds: 2 });
      assert.equal(pending.state, 'pending');
      assert.match(await ourRoutes(lab), /2001:db8:6000::\/48 via 2001:db8:3::20/);
      await lab.waitFor(async (note) => {
        const routes = await ourRoutes(lab);
        note(routes);
        return !routes.includes('2001:db8:6000::/48') || undefined;
      }, { timeoutMs: 10_000, what: 'the unconfirmed route to be rolled back' });
      assert.match(await ourRoutes(lab), /2001:db8:5000::\/48/, 'the confirmed route stays');
      const status = await client.status();
      assert.equal(status.runningRevision, 4);
      assert.equal(status.pendingConfirm, undefined);

      const exit = await daemon.stop({ signal: 'SIGTERM', graceMs: 20_000 });
      assert.deepEqual(exit, { code: 0, signal: null }, daemon.output().slice(-2000));
      assert.match(daemon.output(), /"message":"stopped"/);
      const errors = daemon.output().split('\n').filter((l) => l.includes('"level":"error"'));
      assert.deepEqual(errors, [], 'the daemon logged no errors');
    },
  );
});
