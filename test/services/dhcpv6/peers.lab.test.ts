// dhcpcd (IA_NA and IA_PD in one exchange) and WIDE dhcp6c (prefix delegation) against the server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { labSkipReason } from '../../lab/index.ts';
import { configYaml, SPEC, startServer, withLab } from './lab.ts';

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
    // No RA in this lab: ask for DHCPv6 directly, and keep dhcpcd's hooks off the namespace's files.
    const conf = lab.file('dhcpcd.conf', 'ipv6only\nnoipv6rs\nnohook resolv.conf\nia_na 1\nia_pd 2\n');
    const client = lab.spawn('host', ['dhcpcd', '-6', '-B', '-d', '-f', conf, 'eth0'], { name: 'dhcpcd' });
    const bound = await server.waitForOutput(/lease bind lan0 pd (\S+) /, 20_000);
    const address = /lease bind lan0 na (\S+) /.exec(bound)?.[1];
    const prefix = /lease bind lan0 pd (\S+) /.exec(bound)?.[1];
    assert.ok(address !== undefined && prefix !== undefined, bound);
    await lab.waitFor(async () => (await lab.addresses('host', 'eth0')).some((a) => a.address === address), { timeoutMs: 10_000, what: `${address} on host eth0` });
    await client.waitForOutput(prefix.replace(/\/56$/, ''), 10_000);
  });
});

test('dhcp6c: prefix delegation', opts, async () => {
  await withLab(SPEC, async (lab) => {
    const server = await startServer(lab, configYaml(STATEFUL));
    const conf = lab.file('dhcp6c.conf', 'interface eth0 { send ia-pd 0; };\nid-assoc pd 0 { };\n');
    const client = lab.spawn('host', ['dhcp6c', '-f', '-D', '-c', conf, '-p', join(lab.dir, 'dhcp6c.pid'), 'eth0'], { name: 'dhcp6c' });
    const bound = await server.waitForOutput(/lease bind lan0 pd (\S+) /, 20_000);
    const prefix = /lease bind lan0 pd (\S+) /.exec(bound)?.[1] ?? '';
    assert.match(prefix, /^2001:db8:f000:/);
    // dhcp6c logs the prefix it was given once it processes the Reply.
    await client.waitForOutput(prefix.replace(/\/56$/, ''), 10_000);
  });
});
