// T1/T2 rules, exhaustion, reservations, caps and relays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { findOption, findOptions, STATUS, type Dhcp6Message } from '../../../src/proto/dhcpv6/index.ts';
import { renewalTimers } from '../../../src/services/dhcpv6/lifetimes.ts';
import { dhcpv6Schema } from '../../../src/config/dhcpv6-schema.ts';
import { Harness, cid, hexOf, clientDuid, iaNaOpt, iaPdOpt, iaStatus, leasesOf, link, msg, replyIas, sid } from './fixture.ts';

const cfg = (o: object) => dhcpv6Schema.parse({ mode: 'stateful', ...o });

test('T1/T2 table (§21.4)', () => {
  const rows: Array<[object, number[], { t1: number; t2: number }]> = [
    [{}, [3600], { t1: 1800, t2: 2880 }],
    [{}, [3600, 1000], { t1: 500, t2: 800 }],
    [{}, [0xffffffff], { t1: 0xffffffff, t2: 0xffffffff }],
    [{}, [], { t1: 0, t2: 0 }],
    [{}, [0, 0], { t1: 0, t2: 0 }],
    [{ renewTime: 100, rebindTime: 200 }, [3600], { t1: 100, t2: 200 }],
    // A renewTime past the computed T2 is pulled down: never T1 > T2.
    [{ renewTime: 5000 }, [3600], { t1: 2880, t2: 2880 }],
  ];
  for (const [c, preferred, expected] of rows) assert.deepEqual(renewalTimers(cfg(c), preferred), expected, JSON.stringify([c, preferred]));
});

test('property: T1 ≤ T2, both ≤ shortest preferred, for any lifetimes', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 0xfffffffe }), { minLength: 1, maxLength: 6 }), (preferred) => {
      const { t1, t2 } = renewalTimers(cfg({}), preferred);
      assert.ok(t1 <= t2);
      assert.ok(t2 <= Math.min(...preferred));
    }),
  );
});

test('one T1/T2 pair per Reply across IA_NA and IA_PD; preferred never exceeds valid', () => {
  const h = new Harness(link({ preferredLifetime: 9000, validLifetime: 4000 }));
  const reply = h.send(msg('request', [cid(1), sid(), iaNaOpt(1), iaPdOpt(2), iaNaOpt(3)])).reply;
  const ias = replyIas(reply);
  assert.equal(ias.length, 3);
  assert.deepEqual(new Set(ias.map((ia) => `${ia.t1}/${ia.t2}`)), new Set(['2000/3200']));
  for (const ia of ias) {
    for (const o of ia.options) if ('validLifetime' in o) assert.ok(o.preferredLifetime <= o.validLifetime);
  }
});

test('property: several IAs in one message never share a lease', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 200 }), (iaids, n) => {
      const h = new Harness(link({ limits: { leasesPerClient: 16 } }));
      const got = leasesOf(h.send(msg('request', [cid(n), sid(), ...iaids.map((i) => iaNaOpt(i)), ...iaids.map((i) => iaPdOpt(i))])).reply);
      assert.equal(got.length, iaids.length * 2);
      assert.equal(new Set(got).size, got.length);
    }),
    { numRuns: 50 },
  );
});

test('exhaustion: a 3-address pool serves 3 clients, then NoAddrsAvail; the /56 pool likewise NoPrefixAvail', () => {
  const h = new Harness(link({
    addressPools: [{ start: '2001:db8:1::100', end: '2001:db8:1::102' }],
    prefixDelegationPools: [{ prefix: '2001:db8:f000::/55', delegatedLength: 56 }],
  }));
  const got = [1, 2, 3].map((n) => leasesOf(h.bind(n, iaNaOpt(1))));
  assert.deepEqual(got.flat().sort(), ['2001:db8:1::100', '2001:db8:1::101', '2001:db8:1::102']);
  const fourth = h.send(msg('request', [cid(4), sid(), iaNaOpt(1)]));
  assert.equal(iaStatus(replyIas(fourth.reply)[0]!), STATUS.NoAddrsAvail);
  assert.deepEqual(fourth.changes, []);
  h.bind(1, iaPdOpt(9));
  h.bind(2, iaPdOpt(9));
  const third = h.send(msg('request', [cid(3), sid(), iaPdOpt(9)]));
  assert.equal(iaStatus(replyIas(third.reply)[0]!), STATUS.NoPrefixAvail);
});

test('reservations: the DUID gets its address and prefix; nobody else is offered them', () => {
  const duid = hexOf(clientDuid(9));
  const l = link({
    addressPools: [{ start: '2001:db8:1::100', end: '2001:db8:1::101' }],
    reservations: [{ duid, address: '2001:db8:1::101', prefix: '2001:db8:f000:4200::/56' }],
  });
  const h = new Harness(l);
  assert.deepEqual(leasesOf(h.bind(9, iaNaOpt(1), iaPdOpt(2))), ['2001:db8:1::101', '2001:db8:f000:4200::/56']);
  const others = new Harness(l);
  assert.deepEqual(leasesOf(others.bind(1, iaNaOpt(1))), ['2001:db8:1::100']);
  const second = others.send(msg('request', [cid(2), sid(), iaNaOpt(1, '2001:db8:1::101')]));
  assert.equal(iaStatus(replyIas(second.reply)[0]!), STATUS.NoAddrsAvail);
});

test('caps: per client and per interface (RFC 8415 §22)', () => {
  const perClient = new Harness(link({ limits: { leasesPerClient: 2 } }));
  const r = perClient.send(msg('request', [cid(1), sid(), iaNaOpt(1), iaNaOpt(2), iaNaOpt(3)])).reply;
  assert.deepEqual(replyIas(r).map(iaStatus), [undefined, undefined, STATUS.NoAddrsAvail]);
  // Renewing what it has is not a new binding, so the cap does not bite.
  assert.equal(leasesOf(perClient.bind(1, iaNaOpt(1))).length, 1);
  const perLink = new Harness(link({ limits: { leasesPerInterface: 2 } }));
  perLink.bind(1, iaNaOpt(1));
  perLink.bind(2, iaNaOpt(1));
  const third = perLink.send(msg('request', [cid(3), sid(), iaNaOpt(1)]));
  assert.equal(iaStatus(replyIas(third.reply)[0]!), STATUS.NoAddrsAvail);
});

function relayed(inner: Dhcp6Message, linkAddress: string, depth = 1): Dhcp6Message {
  let m = inner;
  for (let i = 0; i < depth; i++) {
    m = {
      type: 'relay-forward',
      hopCount: depth - 1 - i,
      linkAddress: i === 0 ? linkAddress : '2001:db8:ffff::1',
      peerAddress: i === 0 ? 'fe80::abcd' : `2001:db8:ffff::${i + 10}`,
      options: [{ kind: 'interface-id', id: Uint8Array.of(i, 0xee) }, { kind: 'relay-message', message: m }],
    };
  }
  return m;
}

test('relay: link-address selects the pool, Interface-ID echoed, reply wrapped per hop, sent to the relay on 547', () => {
  const lan0 = link();
  const lan1 = link({ addressPools: [{ start: '2001:db8:2::10', end: '2001:db8:2::20' }] }, 'lan1', '2001:db8:2::/64');
  const h = new Harness(lan0, lan1);
  const request = relayed(msg('request', [cid(1), sid(), iaNaOpt(1), iaPdOpt(2)]), '2001:db8:2::1', 3);
  const d = h.send(request, { source: '2001:db8:ffff::12', multicast: false });
  assert.equal(d.link, 'lan1');
  assert.deepEqual(d.replyTo, { address: '2001:db8:ffff::12', port: 547 });
  let m = d.reply!;
  const hops: Array<[number, number | undefined]> = [];
  while (m.type === 'relay-reply') {
    hops.push([m.hopCount, findOption(m, 'interface-id')?.id[0]]);
    m = findOption(m, 'relay-message')!.message;
  }
  assert.deepEqual(hops, [[0, 2], [1, 1], [2, 0]]);
  assert.equal(m.type, 'reply');
  const [addr] = leasesOf(m);
  assert.match(addr!, /^2001:db8:2::/);
  assert.equal(d.changes[0]?.lease.iface, 'lan1');
  assert.equal(d.changes[0]?.lease.clientLinkLocal, 'fe80::abcd');
  // A link-address we do not serve: dropped.
  assert.equal(h.send(relayed(msg('solicit', [cid(1), iaNaOpt(1)]), '2001:db8:9::1'), { multicast: false }).drop, 'no-link');
  // A relay without a Relay Message option.
  const empty: Dhcp6Message = { type: 'relay-forward', hopCount: 0, linkAddress: '2001:db8:1::1', peerAddress: 'fe80::1', options: [] };
  assert.equal(h.send(empty).drop, 'relay-without-message');
});

test('relay: a Solicit with ServerID inside a relay is still dropped', () => {
  const h = new Harness(link());
  const d = h.send(relayed(msg('solicit', [cid(1), sid(), iaNaOpt(1)]), '2001:db8:1::1'), { multicast: false });
  assert.equal(d.drop, 'unexpected-server-id');
});

test('replies are rebuilt, not replayed: the same Request twice gets fresh lifetimes', () => {
  const h = new Harness(link());
  const req = msg('request', [cid(1), sid(), iaNaOpt(1)]);
  const a = h.send(req);
  h.now += 60_000;
  const b = h.send(req);
  assert.deepEqual(leasesOf(a.reply), leasesOf(b.reply));
  assert.equal(b.changes[0]?.action, 'renew');
  assert.equal(b.changes[0]!.lease.expiresAt - a.changes[0]!.lease.expiresAt, 60_000);
  assert.equal(findOptions(b.reply!, 'ia-na').length, 1);
});
