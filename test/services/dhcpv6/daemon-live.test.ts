// The daemon with a real Dhcpv6Server on in-memory sockets: a DHCPv6 edit is applied live (same
// server, same sockets, new settings on the next message) and an operator's release through the
// API goes through the server: event, route withdrawn, NoBinding on the client's next Renew.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dhcpv6Server } from '../../../src/services/dhcpv6/runner.ts';
import { findOption, STATUS, type Dhcp6Option } from '../../../src/proto/dhcpv6/index.ts';
import { demoDocument, startTestDaemon } from '../../api/support.ts';
import { cid, iaPdOpt, iaStatus, leasesOf, msg, replyIas } from './fixture.ts';
import { FakeNetwork, wire } from './live-fixture.ts';

test('daemon: DHCPv6 edits reconfigure the running server; an operator release withdraws the route', async () => {
  const net = new FakeNetwork();
  const servers: Dhcpv6Server[] = [];
  const t = await startTestDaemon({
    services: (store) => ({
      dhcpv6: (config) => {
        const s = new Dhcpv6Server({ store, config, openSocket: net.open, sweepIntervalMs: 3_600_000 });
        servers.push(s);
        return s;
      },
    }),
  });
  try {
    await t.client.putCandidate(demoDocument());
    await t.client.commit({ comment: 'demo' });
    assert.equal(servers.length, 1);
    const server = servers[0]!;
    const lan1 = net.socket('lan1');
    assert.deepEqual(lan1.unicast, ['2001:db8:2::1'], 'lan1 listens on its global address for relays');
    const serverId: Dhcp6Option = { kind: 'server-id', duid: server.serverDuid! };
    const send = async (type: 'request' | 'renew', prefix?: string) => {
      await server.handle(wire(msg(type, [cid(1), serverId, prefix === undefined ? iaPdOpt(1) : iaPdOpt(1, prefix)])), { source: 'fe80::99%lan1', port: 546, ifname: 'lan1', multicast: true, local: 'ff02::1:2' }, net.socket('lan1'));
      return net.socket('lan1').sent.at(-1)?.message;
    };
    const [prefix] = leasesOf(await send('request'));
    assert.ok(prefix !== undefined);
    await t.daemon.reconciler.pass('test');
    assert.ok(t.fake.state.routes.some((r) => r.dst === prefix && r.via === 'fe80::99'), 'the delegated prefix is routed');

    const doc = demoDocument() as { interfaces: { lan1: { dhcpv6: { dnsServers: string[] } } } };
    doc.interfaces.lan1.dhcpv6.dnsServers = ['2001:db8:2::53'];
    await t.client.putCandidate(doc);
    await t.client.commit({ comment: 'new DNS server' });
    assert.equal(servers.length, 1, 'no new server');
    assert.equal(net.socket('lan1'), lan1, 'no socket reopened');
    const renewed = await send('renew', prefix);
    assert.deepEqual(findOption(renewed!, 'dns-servers')?.servers, ['2001:db8:2::53']);
    assert.deepEqual(leasesOf(renewed), [prefix], 'the binding survived the edit');

    await t.client.releaseLease(prefix!);
    await t.daemon.reconciler.pass('test');
    assert.ok(!t.fake.state.routes.some((r) => r.dst === prefix), 'the released prefix is no longer routed');
    assert.equal((await t.client.leases({ search: 'fe80::99' })).leases[0]?.state, 'released');
    assert.equal(iaStatus(replyIas(await send('renew', prefix))[0]!), STATUS.NoBinding);
    await assert.rejects(t.client.releaseLease(prefix!), /No active lease/);
    assert.equal(servers.length, 1, 'the release restarted nothing');
  } finally {
    await t.stop();
  }
});
