// Real clients against the server in namespaces: ISC dhclient (through the lab's dhclient6 peer)
// for addresses, prefixes and the stateless exchange; renewal, restart and release; raw bad input
// from a peer namespace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dhclient6, labSkipReason, withLab, type Dhclient6Handle } from '../../lab/index.ts';
import { configYaml, SEND_RAW, serverStatus, SPEC, startServer } from './lab.ts';

const skip = labSkipReason();
const opts = skip === undefined ? { timeout: 60_000 } : { skip };

/** The client's hook records with `reason` for `address`, so a test can wait for the next one. */
const recordsFor = (client: Dhclient6Handle, reason: string, address: string): number =>
  client.leases().records.filter((r) => r.reason === reason && r.address === address).length;

test('dhclient -6: address bound, renewed with the same address, kept across a server restart, released', opts, async () => {
  await withLab(SPEC, async (lab) => {
    // Short lifetimes: T1 = 2 s, T2 = 3 s, so dhclient renews within the test.
    const config = configYaml({ mode: 'stateful', addressPools: [{ start: '2001:db8:1::100', end: '2001:db8:1::1ff' }], preferredLifetime: 4, validLifetime: 8 });
    let server = await startServer(lab, config);
    const client = await dhclient6(lab, 'host', 'eth0', { mode: 'na', timeoutMs: 15_000, name: 'dhclient-na' });
    assert.ok(client.bound, client.failure);
    const [address, ...more] = client.leases().addresses;
    assert.ok(address !== undefined && more.length === 0, `one address: ${JSON.stringify(client.leases().addresses)}`);
    assert.match(address, /^2001:db8:1::1[0-9a-f]{2}$/);
    await server.waitForOutput(`lease bind lan0 na ${address} `, 5000);
    // The lease file has the lifetimes we configured and T1/T2 from them (RFC 8415 §21.4: 0.5 and 0.8 × preferred).
    const ia = client.leases().leaseFile.leases.at(-1)?.ias.find((x) => x.type === 'na');
    assert.deepEqual(ia?.addresses, [{ address, preferredLifetime: 4, validLifetime: 8 }]);
    assert.deepEqual([ia?.renew, ia?.rebind], [2, 3]);
    await lab.waitFor(async () => (await lab.addresses('host', 'eth0')).some((a) => a.address === address), { timeoutMs: 5000, what: `${address} on host eth0` });
    // A renewal keeps the address: the server logs it and the client applies it (RENEW6).
    await server.waitForOutput(new RegExp(`lease renew lan0 na ${address} `), 10_000);
    await lab.waitFor(() => recordsFor(client, 'RENEW6', address) > 0 || undefined, { timeoutMs: 5000, what: `dhclient to apply a renewal of ${address}` });
    // Restart: the lease is still in the store and the client renews the same address.
    await server.stop();
    const renewedBefore = recordsFor(client, 'RENEW6', address);
    server = await startServer(lab, config);
    assert.deepEqual((await serverStatus(lab, server)).leases, { lan0: { na: 1, pd: 0 } });
    await server.waitForOutput(new RegExp(`lease renew lan0 na ${address} `), 15_000);
    await lab.waitFor(() => recordsFor(client, 'RENEW6', address) > renewedBefore || undefined, { timeoutMs: 5000, what: 'a renewal after the restart' });
    assert.deepEqual(client.leases().addresses, [address]);
    // Release: dhclient -r stops the client and sends a Release; the lease leaves the table.
    await client.release();
    await server.waitForOutput(new RegExp(`lease release lan0 na ${address} `), 5000);
    assert.deepEqual((await serverStatus(lab, server)).leases, { lan0: { na: 0, pd: 0 } });
    assert.deepEqual(client.leases().addresses, [], 'the client gave the address up');
  });
});

test('dhclient -6 -P: a delegated prefix from the pool', opts, async () => {
  await withLab(SPEC, async (lab) => {
    const server = await startServer(lab, configYaml({ mode: 'stateful', prefixDelegationPools: [{ prefix: '2001:db8:f000::/48', delegatedLength: 56 }] }));
    const client = await dhclient6(lab, 'host', 'eth0', { mode: 'pd', timeoutMs: 15_000, name: 'dhclient-pd' });
    assert.ok(client.bound, client.failure);
    const { prefixes, addresses } = client.leases();
    assert.equal(prefixes.length, 1, JSON.stringify(prefixes));
    assert.deepEqual(addresses, []);
    const prefix = prefixes[0] ?? '';
    assert.match(prefix, /^2001:db8:f000:(?:[0-9a-f]{1,2}00:)?:\/56$/);
    await server.waitForOutput(`lease bind lan0 pd ${prefix} `, 5000);
  });
});

test('dhclient -6 -S: stateless, gets DNS servers and the search list', opts, async () => {
  await withLab(SPEC, async (lab) => {
    const server = await startServer(lab, configYaml({ mode: 'stateless', informationRefreshTime: 600 }));
    const client = await dhclient6(lab, 'host', 'eth0', { mode: 'stateless', timeoutMs: 15_000, name: 'dhclient-info' });
    assert.ok(client.bound, client.failure);
    const got = client.leases();
    assert.deepEqual(got.nameServers, ['2001:db8:1::53']);
    assert.deepEqual(got.domainSearch, ['lan.example']);
    assert.deepEqual([got.addresses, got.prefixes], [[], []]);
    const status = await serverStatus(lab, server);
    assert.equal(status.messages['information-request'], 1);
    assert.deepEqual(status.leases, { lan0: { na: 0, pd: 0 } });
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
    const after = await dhclient6(lab, 'host', 'eth0', { mode: 'na', timeoutMs: 15_000, name: 'dhclient-after' });
    assert.ok(after.bound, after.failure);
    assert.match(after.leases().addresses[0] ?? '', /^2001:db8:1::1[0-9a-f]{2}$/);
  });
});
