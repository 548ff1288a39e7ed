// dhcpcd (IA_NA and IA_PD in one exchange) and WIDE dhcp6c (prefix delegation) against the server,
// through the lab's dhcpcd6 and dhcp6c peers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dhcp6c, dhcpcd6, labSkipReason, withLab } from '../../lab/index.ts';
import { configYaml, serverStatus, SPEC, startServer } from './lab.ts';

const skip = labSkipReason();
const opts = skip === undefined ? { timeout: 60_000 } : { skip };
const STATEFUL = {
  mode: 'stateful',
  addressPools: [{ start: '2001:db8:1::100', end: '2001:db8:1::1ff' }],
  prefixDelegationPools: [{ prefix: '2001:db8:f000::/48', delegatedLength: 56 }],
};

test('dhcpcd: IA_NA and IA_PD together', opts, async () => {
  await withLab(SPEC, async (lab) => {
    const server = await startServer(lab, configYaml(STATEFUL));
    const client = await dhcpcd6(lab, 'host', 'eth0', { ia_na: true, ia_pd: { length: 56 }, timeoutMs: 20_000, name: 'dhcpcd' });
    assert.ok(client.bound, client.failure);
    const { address, prefix } = client;
    assert.match(address ?? '', /^2001:db8:1::1[0-9a-f]{2}$/);
    assert.match(prefix ?? '', /^2001:db8:f000:(?:[0-9a-f]{1,2}00:)?:\/56$/);
    // What the client applied is what the server bound and stored.
    await server.waitForOutput(`lease bind lan0 na ${address} `, 5000);
    await server.waitForOutput(`lease bind lan0 pd ${prefix} `, 5000);
    assert.deepEqual((await serverStatus(lab, server)).leases, { lan0: { na: 1, pd: 1 } });
    // dhcpcd itself puts the address on the interface.
    await lab.waitFor(async () => (await lab.addresses('host', 'eth0')).some((a) => a.address === address), { timeoutMs: 10_000, what: `${address} on host eth0` });
  });
});

test('dhcp6c: prefix delegation, released when it stops', opts, async () => {
  await withLab(SPEC, async (lab) => {
    const server = await startServer(lab, configYaml(STATEFUL));
    const client = await dhcp6c(lab, 'host', 'eth0', { ia_pd: { sla_len: 8 }, timeoutMs: 20_000, name: 'dhcp6c' });
    assert.ok(client.bound, client.failure);
    const prefix = client.prefix ?? '';
    assert.match(prefix, /^2001:db8:f000:(?:[0-9a-f]{1,2}00:)?:\/56$/);
    await server.waitForOutput(`lease bind lan0 pd ${prefix} `, 5000);
    assert.deepEqual((await serverStatus(lab, server)).leases, { lan0: { na: 0, pd: 1 } });
    // On SIGTERM dhcp6c sends a Release for its IA_PD.
    await client.stop();
    await server.waitForOutput(`lease release lan0 pd ${prefix} `, 5000);
    assert.deepEqual((await serverStatus(lab, server)).leases, { lan0: { na: 0, pd: 0 } });
  });
});
