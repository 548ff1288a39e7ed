// Dhcpv6Server.reconfigure: a new config served from the next message, sockets moved only for the
// interfaces whose mode or addresses changed, leases kept; bindings the new pools no longer cover
// come back with lifetimes 0 on Renew/Rebind (RFC 8415 §18.3.4, §18.3.5) beside a fresh one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { unwrap } from '../../../src/lib/result.ts';
import { parseAddress } from '../../../src/net/address.ts';
import { findOption, STATUS, type Dhcp6Message, type Dhcp6Option } from '../../../src/proto/dhcpv6/index.ts';
import { stillGranted } from '../../../src/services/dhcpv6/ia.ts';
import { cid, clientDuid, Harness, hexOf, iaNaOpt, iaPdOpt, iaStatus, link, msg, replyIas, sid } from './fixture.ts';
import { startServer, twoLinks, wire } from './live-fixture.ts';

/** Every IAADDR/IAPREFIX of a reply with its lifetimes. */
function leaseLifetimes(m: Dhcp6Message | undefined): Array<{ lease: string; preferred: number; valid: number }> {
  return replyIas(m).flatMap((ia) =>
    ia.options.flatMap((o: Dhcp6Option) => {
      if (o.kind === 'iaaddr') return [{ lease: o.address, preferred: o.preferredLifetime, valid: o.validLifetime }];
      if (o.kind === 'iaprefix') return [{ lease: `${o.prefix}/${o.prefixLength}`, preferred: o.preferredLifetime, valid: o.validLifetime }];
      return [];
    }),
  );
}

const inRange = (address: string, start: string, end: string): boolean => {
  const v = unwrap(parseAddress(address)).value;
  return v >= unwrap(parseAddress(start)).value && v <= unwrap(parseAddress(end)).value;
};

const NEW_POOLS = {
  addressPools: [{ start: '2001:db8:1::200', end: '2001:db8:1::2ff' }],
  prefixDelegationPools: [{ prefix: '2001:db8:e001::/48', delegatedLength: 56 }],
};

for (const type of ['renew', 'rebind'] as const) {
  test(`pool change: ${type} of a binding outside the new pools → lifetimes 0 plus a fresh lease from the new pools`, async (t) => {
    const s = await startServer(t, twoLinks());
    const serverId: Dhcp6Option = { kind: 'server-id', duid: s.server.serverDuid! };
    const bound = await s.send(msg('request', [cid(1), serverId, iaNaOpt(1), iaPdOpt(2)]));
    const [oldAddr, oldPrefix] = leaseLifetimes(bound?.message).map((l) => l.lease);
    assert.ok(oldAddr !== undefined && inRange(oldAddr, '2001:db8:1::100', '2001:db8:1::1ff'));
    const opened = s.net.log();

    unwrap(await s.server.reconfigure(twoLinks(NEW_POOLS)));
    assert.deepEqual(s.net.log(), opened, 'a pool change opens and closes no socket');
    assert.deepEqual(s.store.leases.list({ state: 'active' }).leases.length, 2, 'the old bindings are still on disk');

    const options = [cid(1), ...(type === 'renew' ? [serverId] : []), iaNaOpt(1, oldAddr), iaPdOpt(2, oldPrefix!)];
    const reply = await s.send(msg(type, options));
    const given = leaseLifetimes(reply?.message);
    assert.deepEqual(given.filter((l) => l.lease === oldAddr || l.lease === oldPrefix), [
      { lease: oldAddr, preferred: 0, valid: 0 },
      { lease: oldPrefix, preferred: 0, valid: 0 },
    ]);
    const fresh = given.filter((l) => l.valid > 0);
    assert.equal(fresh.length, 2);
    assert.ok(inRange(fresh[0]!.lease, '2001:db8:1::200', '2001:db8:1::2ff'), `${fresh[0]!.lease} comes from the new address pool`);
    assert.match(fresh[1]!.lease, /^2001:db8:e001:/);
    assert.ok(replyIas(reply?.message).every((ia) => ia.t1 > 0 && iaStatus(ia) === undefined));

    assert.deepEqual(s.events.slice(2).map((e) => `${e.action} ${e.lease.lease}`).sort(), [
      `bind ${fresh[0]!.lease}`,
      `bind ${fresh[1]!.lease}`,
      `withdraw ${oldAddr}`,
      `withdraw ${oldPrefix}`,
    ].sort());
    const rows = s.store.leases.list({}).leases;
    assert.deepEqual(rows.filter((r) => r.lease === oldAddr || r.lease === oldPrefix).map((r) => r.state), ['released', 'released'], 'kept, not deleted');
    assert.deepEqual(s.server.desiredRoutes().map((r) => r.prefix), [fresh[1]!.lease], 'the withdrawn prefix loses its route');
  });
}

test('pool change: a new client is served from the new pools at once; bindings still inside them renew unchanged', async (t) => {
  const s = await startServer(t, twoLinks());
  const serverId: Dhcp6Option = { kind: 'server-id', duid: s.server.serverDuid! };
  const first = await s.send(msg('request', [cid(1), serverId, iaNaOpt(1)]));
  const [addr] = leaseLifetimes(first?.message).map((l) => l.lease);
  // Widen the pool so the old binding stays covered.
  unwrap(await s.server.reconfigure(twoLinks({ addressPools: [{ start: '2001:db8:1::100', end: '2001:db8:1::3ff' }], dnsServers: ['2001:db8:1::54'] })));
  const renewed = await s.send(msg('renew', [cid(1), serverId, iaNaOpt(1, addr!)]));
  assert.deepEqual(leaseLifetimes(renewed?.message), [{ lease: addr, preferred: 60, valid: 120 }]);
  assert.deepEqual(findOption(renewed!.message, 'dns-servers')?.servers, ['2001:db8:1::54'], 'new options take effect on the next message');

  unwrap(await s.server.reconfigure(twoLinks({ addressPools: [{ start: '2001:db8:1::300', end: '2001:db8:1::300' }] })));
  const adv = await s.send(msg('solicit', [cid(2), iaNaOpt(1)]));
  assert.deepEqual(leaseLifetimes(adv?.message).map((l) => l.lease), ['2001:db8:1::300']);
});

test('mode off on one link closes only its socket, keeps its leases, and drops its messages; back on reopens it', async (t) => {
  const s = await startServer(t, twoLinks());
  const serverId: Dhcp6Option = { kind: 'server-id', duid: s.server.serverDuid! };
  const onLan1 = await s.send(msg('request', [cid(7), serverId, iaNaOpt(1)]), 'lan1');
  const [addr] = leaseLifetimes(onLan1?.message).map((l) => l.lease);
  const lan0 = s.net.socket('lan0');
  const lan1 = s.net.socket('lan1');

  unwrap(await s.server.reconfigure(twoLinks({}, { mode: 'off' })));
  assert.equal(lan1.closed, true);
  assert.equal(lan0.closed, false);
  assert.equal(s.net.socket('lan0'), lan0, 'lan0 keeps its socket');
  assert.deepEqual(Object.keys(s.server.status().leases), ['lan0', 'lan1'], 'lan1 still counts its lease');
  assert.equal(s.store.leases.list({ state: 'active', iface: 'lan1' }).leases.length, 1);
  // A datagram already in flight on the closed socket is decided with the new config.
  await s.server.handle(wire(msg('solicit', [cid(8), iaNaOpt(1)])), { source: 'fe80::8%lan1', port: 546, ifname: 'lan1', multicast: true, local: 'ff02::1:2' }, lan1);
  assert.equal(s.server.status().drops['no-link'], 1);

  unwrap(await s.server.reconfigure(twoLinks()));
  assert.equal(lan0.closed, false);
  assert.notEqual(s.net.socket('lan1'), lan1, 'lan1 has a new socket');
  const renewed = await s.send(msg('renew', [cid(7), serverId, iaNaOpt(1, addr!)]), 'lan1');
  assert.deepEqual(leaseLifetimes(renewed?.message), [{ lease: addr, preferred: 60, valid: 120 }], 'the lease survived the off/on');
});

test('unicast addresses: each link listens on its own; an address change reopens that link only', async (t) => {
  const s = await startServer(t, twoLinks({ ips: ['2001:db8:1::1/64', 'fe80::1/64', 'fd00:1::1/64'] }));
  assert.deepEqual(s.server.unicastAddresses(), { lan0: ['2001:db8:1::1', 'fd00:1::1'], lan1: ['2001:db8:2::1'] });
  const lan1 = s.net.socket('lan1');
  unwrap(await s.server.reconfigure(twoLinks({ ips: ['2001:db8:1::1/64', '2001:db8:1::2/64'] })));
  assert.deepEqual(s.server.unicastAddresses(), { lan0: ['2001:db8:1::1', '2001:db8:1::2'], lan1: ['2001:db8:2::1'] });
  assert.equal(s.net.socket('lan1'), lan1);
  assert.deepEqual(s.net.log(), ['lan0[2001:db8:1::1 fd00:1::1] closed', 'lan1[2001:db8:2::1]', 'lan0[2001:db8:1::1 2001:db8:1::2]']);
});

test('a unicast address that cannot be bound (DAD) leaves the link on multicast, reported, counted', async (t) => {
  const s = await startServer(t, twoLinks());
  s.net.refused.add('2001:db8:2::9');
  const r = await s.server.reconfigure(twoLinks({}, { ips: ['2001:db8:2::9/64'] }));
  assert.equal(r.ok, true, 'the link is still served');
  assert.deepEqual(s.server.unicastAddresses().lan1, []);
  assert.equal(s.server.status().drops['unicast-bind-failed'], 1);
  assert.match(s.errors.at(-1) ?? '', /lan1 listens on ff02::1:2 only.*2001:db8:2::9/);
  const adv = await s.send(msg('solicit', [cid(3), iaNaOpt(1)]), 'lan1');
  assert.equal(adv?.message.type, 'advertise');
});

test('a link whose socket cannot open at all: reconfigure says which; the others are served', async (t) => {
  const s = await startServer(t, twoLinks({}, { mode: 'off' }));
  const lan0 = s.net.socket('lan0');
  s.net.down.add('lan1');
  const r = await s.server.reconfigure(twoLinks());
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.error.message, /Cannot serve DHCPv6 on lan1: no such device lan1/);
  assert.equal(s.net.socket('lan0'), lan0);
  assert.equal((await s.send(msg('solicit', [cid(5), iaNaOpt(1)])))?.message.type, 'advertise');
  s.net.down.delete('lan1');
  unwrap(await s.server.reconfigure(twoLinks({ dnsServers: ['2001:db8:1::99'] })));
  assert.equal(s.net.socket('lan1').closed, false, 'the next reconfigure opens the link that failed');
});

test('stillGranted: pools, reservations, and a reservation moved to someone else', () => {
  const l = link({ reservations: [{ duid: '00:03:00:01:02:00:00:00:00:09', address: '2001:db8:1::150', prefix: '2001:db8:f000:100::/56' }] });
  const cases: Array<[string, 'na' | 'pd', string, boolean]> = [
    ['000300010200000000aa', 'na', '2001:db8:1::100', true],
    ['000300010200000000aa', 'na', '2001:db8:1::200', false],
    ['000300010200000000aa', 'na', '2001:db8:1::150', false],
    ['000300010200000000ab', 'na', '2001:db8:1::150', false],
    ['00030001020000000009', 'na', '2001:db8:1::150', true],
    ['00030001020000000009', 'pd', '2001:db8:f000:100::/56', true],
    ['000300010200000000aa', 'pd', '2001:db8:f000:100::/56', false],
    ['000300010200000000aa', 'pd', '2001:db8:f000:200::/56', true],
    ['000300010200000000aa', 'pd', '2001:db8:f000:200::/60', false],
    ['000300010200000000aa', 'pd', '2001:db9::/56', false],
  ];
  for (const [duid, kind, lease, want] of cases) assert.equal(stillGranted(l, duid, kind, lease), want, `${kind} ${lease} for ${duid}`);
});

test('property: with the same config, every binding stays granted and Renew never returns lifetimes 0', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 250 }), { minLength: 1, maxLength: 12 }), (clients) => {
      const h = new Harness(link());
      for (const n of clients) h.bind(n, iaNaOpt(1), iaPdOpt(2));
      for (const n of clients) {
        const bound = h.table.bindings('lan0', hexOf(clientDuid(n)), h.now);
        const of = (kind: 'na' | 'pd') => bound.filter((b) => b.kind === kind).map((b) => b.lease);
        const renew = h.send(msg('renew', [cid(n), sid(), iaNaOpt(1, ...of('na')), iaPdOpt(2, ...of('pd'))]));
        assert.equal(bound.length, 2);
        assert.ok(leaseLifetimes(renew.reply).every((l) => l.valid > 0));
        assert.deepEqual(renew.changes.map((c) => c.action), ['renew', 'renew']);
      }
    }),
    { numRuns: 30 },
  );
});

test('Renew for a released binding gets NoBinding even after a reconfigure', async (t) => {
  const s = await startServer(t, twoLinks());
  const serverId: Dhcp6Option = { kind: 'server-id', duid: s.server.serverDuid! };
  const bound = await s.send(msg('request', [cid(4), serverId, iaNaOpt(1)]));
  const [addr] = leaseLifetimes(bound?.message).map((l) => l.lease);
  await s.send(msg('release', [cid(4), serverId, iaNaOpt(1, addr!)]));
  unwrap(await s.server.reconfigure(twoLinks(NEW_POOLS)));
  const renewed = await s.send(msg('renew', [cid(4), serverId, iaNaOpt(1, addr!)]));
  assert.equal(iaStatus(replyIas(renewed?.message)[0]!), STATUS.NoBinding);
});
