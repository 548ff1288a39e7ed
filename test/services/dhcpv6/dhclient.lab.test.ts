// Real clients against the server in namespaces: ISC dhclient for addresses, prefixes and the
// stateless exchange; renewal, restart and release; raw bad input from a peer namespace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { labSkipReason } from '../../lab/index.ts';
import { configYaml, dhclientArgs, SEND_RAW, serverStatus, SPEC, startServer, withLab } from './lab.ts';

const skip = labSkipReason();
const opts = skip === undefined ? { timeout: 60_000 } : { skip };

const readText = (path: string): string => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
};

test('dhclient -6: address bound, renewed with the same address, kept across a server restart, released', opts, async () => {
  await withLab(SPEC, async (lab) => {
    // Short lifetimes: T1 = 2 s, T2 = 3 s, so dhclient renews within the test.
    const config = configYaml({ mode: 'stateful', addressPools: [{ start: '2001:db8:1::100', end: '2001:db8:1::1ff' }], preferredLifetime: 4, validLifetime: 8 });
    let server = await startServer(lab, config);
    const client = lab.spawn('host', dhclientArgs(lab, 'na', []), { name: 'dhclient-na' });
    const leaseFile = join(lab.dir, 'na.leases');
    const address = await lab.waitFor(() => /iaaddr ([0-9a-f:]+) \{/.exec(readText(leaseFile))?.[1], { timeoutMs: 15_000, what: 'a dhclient lease' });
    assert.match(address, /^2001:db8:1::1[0-9a-f]{2}$/);
    await lab.waitFor(async () => (await lab.addresses('host', 'eth0')).some((a) => a.address === address), { timeoutMs: 5000, what: `${address} on host eth0` });
    // A renewal keeps the address.
    await server.waitForOutput(new RegExp(`lease renew lan0 na ${address} `), 10_000);
    // Restart: the lease is still in the store and the client renews the same address.
    await server.stop();
    server = await startServer(lab, config);
    assert.deepEqual((await serverStatus(lab, server)).leases, { lan0: { na: 1, pd: 0 } });
    await server.waitForOutput(new RegExp(`lease renew lan0 na ${address} `), 15_000);
    // Release: dhclient -r sends a Release; the lease leaves the table.
    await client.stop();
    await lab.exec('host', ['dhclient', '-6', '-r', '-v', '-lf', leaseFile, '-pf', join(lab.dir, 'na.pid'), 'eth0'], { timeoutMs: 15_000 });
    await server.waitForOutput(new RegExp(`lease release lan0 na ${address} `), 5000);
    assert.deepEqual((await serverStatus(lab, server)).leases, { lan0: { na: 0, pd: 0 } });
  });
});

test('dhclient -6 -P: a delegated prefix from the pool', opts, async () => {
  await withLab(SPEC, async (lab) => {
    const server = await startServer(lab, configYaml({ mode: 'stateful', prefixDelegationPools: [{ prefix: '2001:db8:f000::/48', delegatedLength: 56 }] }));
    lab.spawn('host', dhclientArgs(lab, 'pd', ['-P']), { name: 'dhclient-pd' });
    const leaseFile = join(lab.dir, 'pd.leases');
    const prefix = await lab.waitFor(() => /iaprefix ([0-9a-f:]+\/\d+) \{/.exec(readText(leaseFile))?.[1], { timeoutMs: 15_000, what: 'a dhclient prefix' });
    assert.match(prefix, /^2001:db8:f000:(?:[0-9a-f]{1,2}00:)?:\/56$/);
    await server.waitForOutput(`lease bind lan0 pd ${prefix} `, 5000);
  });
});

test('dhclient -6 -S: stateless, gets DNS servers and the search list', opts, async () => {
  await withLab(SPEC, async (lab) => {
    const server = await startServer(lab, configYaml({ mode: 'stateless', informationRefreshTime: 600 }));
    // Stateless answers go to the script's environment, not the lease file: a script that records it.
    const envFile = join(lab.dir, 'info.env');
    const script = lab.file('record-env.sh', `#!/bin/sh\nenv >> ${envFile}\n`, 0o755);
    lab.spawn('host', dhclientArgs(lab, 'info', ['-S', '-sf', script]), { name: 'dhclient-info' });
    const text = await lab.waitFor(() => (readText(envFile).includes('new_dhcp6_name_servers') ? readText(envFile) : undefined), { timeoutMs: 15_000, what: 'stateless options in the script environment' });
    assert.match(text, /^new_dhcp6_name_servers=2001:db8:1::53$/m);
    assert.match(text, /^new_dhcp6_domain_search=lan\.example\.$/m);
    assert.equal((await serverStatus(lab, server)).messages['information-request'], 1);
  });
});

test('bad input over the wire: each packet dropped and counted by reason, the server alive', opts, async () => {
  await withLab(SPEC, async (lab) => {
    const server = await startServer(lab, configYaml({ mode: 'stateful', addressPools: [{ start: '2001:db8:1::100', end: '2001:db8:1::1ff' }] }));
    const fixture = (name: string) => readFileSync(new URL(`../../fixtures/dhcpv6/regressions/${name}.hex`, import.meta.url), 'utf8').trim();
    // Reply (type 7) and a Solicit carrying a Server Identifier, each with a client DUID-LL.
    const clientId = '0001000a00030001020000000001';
    const serverId = '0002000a00030001020000000099';
    const payloads = [
      fixture('option-past-end'),
      fixture('duid-too-long'),
      fixture('short-ia-na'),
      fixture('relay-nesting-9'),
      `07000001${clientId}`,
      `01000002${clientId}${serverId}`,
    ];
    await lab.exec('host', [process.execPath, SEND_RAW, 'eth0', ...payloads]);
    const status = await lab.waitFor(async () => {
      const s = await serverStatus(lab, server);
      return Object.values(s.drops).reduce((a, b) => a + b, 0) >= payloads.length ? s : undefined;
    }, { timeoutMs: 5000, what: 'six drops counted' });
    assert.deepEqual(status.drops, {
      'malformed:option-past-end': 1,
      'malformed:duid-too-long': 1,
      'malformed:option-too-short': 1,
      'malformed:relay-too-deep': 1,
      'server-only-type': 1,
      'unexpected-server-id': 1,
    });
    assert.ok(server.running);
    // Still serving: a real client gets an address.
    lab.spawn('host', dhclientArgs(lab, 'after', []), { name: 'dhclient-after' });
    await lab.waitFor(() => /iaaddr ([0-9a-f:]+) \{/.exec(readText(join(lab.dir, 'after.leases')))?.[1], { timeoutMs: 15_000, what: 'a lease after bad input' });
  });
});
