// Each RFC 8415 §18.3 message flow through decide(): what is offered, bound, extended, given back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findOption, findOptions, INFINITY, STATUS } from '../../../src/proto/dhcpv6/index.ts';
import { DECLINE_QUARANTINE_MS } from '../../../src/services/dhcpv6/ia.ts';
import { Harness, NOW, cid, hexOf, clientDuid, iaNaOpt, iaPdOpt, iaStatus, leasesOf, link, msg, replyIas, sid } from './fixture.ts';

test('Solicit gets an Advertise that binds nothing; Request binds the same lease', () => {
  const h = new Harness(link({ preference: 200 }));
  const adv = h.send(msg('solicit', [cid(1), iaNaOpt(1), iaPdOpt(2)]));
  assert.equal(adv.reply?.type, 'advertise');
  assert.deepEqual(adv.changes, []);
  assert.equal(findOption(adv.reply!, 'preference')?.value, 200);
  assert.equal(findOption(adv.reply!, 'client-id')?.duid.type, 'll');
  const offered = leasesOf(adv.reply);
  assert.equal(offered.length, 2);
  const rep = h.send(msg('request', [cid(1), sid(), iaNaOpt(1), iaPdOpt(2)]));
  assert.equal(rep.reply?.type, 'reply');
  assert.deepEqual(leasesOf(rep.reply), offered);
  assert.deepEqual(rep.changes.map((c) => [c.action, c.lease.kind, c.lease.state, c.lease.clientLinkLocal]), [
    ['bind', 'na', 'active', 'fe80::2'],
    ['bind', 'pd', 'active', 'fe80::2'],
  ]);
  assert.equal(rep.changes[0]?.lease.duid, hexOf(clientDuid(1)));
  assert.equal(rep.changes[0]?.lease.expiresAt, NOW + 7200_000);
  assert.deepEqual(findOption(rep.reply!, 'dns-servers')?.servers, ['2001:db8:1::53']);
  assert.deepEqual(findOption(rep.reply!, 'domain-list')?.domains, ['lan.example']);
});

test('address choice is stable per (DUID, IAID) across a release and across servers', () => {
  const a = new Harness(link());
  const first = leasesOf(a.bind(7, iaNaOpt(1)));
  a.send(msg('release', [cid(7), sid(), iaNaOpt(1, first[0]!)]));
  assert.deepEqual(leasesOf(a.bind(7, iaNaOpt(1))), first);
  // A fresh server with an empty table picks the same address for the same client.
  assert.deepEqual(leasesOf(new Harness(link()).bind(7, iaNaOpt(1))), first);
  // Another IAID of the same client gets a different one.
  assert.notDeepEqual(leasesOf(a.bind(7, iaNaOpt(2))), first);
});

test('Rapid Commit: a committed Reply only when both client and config allow it (§21.14)', () => {
  const on = new Harness(link({ rapidCommit: true }));
  const d = on.send(msg('solicit', [cid(1), { kind: 'rapid-commit' }, iaNaOpt(1)]));
  assert.equal(d.reply?.type, 'reply');
  assert.ok(findOption(d.reply!, 'rapid-commit'));
  assert.equal(d.changes.length, 1);
  const off = new Harness(link({ rapidCommit: false }));
  const e = off.send(msg('solicit', [cid(1), { kind: 'rapid-commit' }, iaNaOpt(1)]));
  assert.equal(e.reply?.type, 'advertise');
  assert.equal(findOption(e.reply!, 'rapid-commit'), undefined);
  assert.deepEqual(e.changes, []);
});

test('Renew extends the binding; a foreign address comes back with lifetimes 0; unknown IA → NoBinding', () => {
  const h = new Harness(link());
  const [addr] = leasesOf(h.bind(1, iaNaOpt(1)));
  h.now += 1000_000;
  const d = h.send(msg('renew', [cid(1), sid(), iaNaOpt(1, addr!, '2001:db8:1::1fe'), iaNaOpt(9, '2001:db8:1::150')]));
  const [ia1, ia9] = replyIas(d.reply);
  const addrs = findOptions(ia1!, 'iaaddr').map((a) => [a.address, a.preferredLifetime, a.validLifetime]);
  assert.deepEqual(addrs, [[addr, 3600, 7200], ['2001:db8:1::1fe', 0, 0]]);
  assert.equal(iaStatus(ia9!), STATUS.NoBinding);
  assert.deepEqual(d.changes.map((c) => [c.action, c.lease.expiresAt]), [['renew', h.now + 7200_000]]);
});

test('Rebind: binding extended; off-link leases get lifetimes 0; on-link unknown → NoBinding', () => {
  const h = new Harness(link());
  const [addr, pfx] = leasesOf(h.bind(1, iaNaOpt(1), iaPdOpt(2)));
  const ok = h.send(msg('rebind', [cid(1), iaNaOpt(1, addr!), iaPdOpt(2, pfx!)]));
  assert.deepEqual(leasesOf(ok.reply), [addr, pfx]);
  assert.equal(ok.changes.length, 2);
  const off = h.send(msg('rebind', [cid(2), iaNaOpt(1, '2001:db8:99::5'), iaPdOpt(2, '2001:db8:77::/56')]));
  for (const ia of replyIas(off.reply)) {
    const leases = ia.options.filter((o) => o.kind === 'iaaddr' || o.kind === 'iaprefix');
    assert.equal(leases.length, 1);
    assert.ok(leases.every((o) => 'validLifetime' in o && o.validLifetime === 0 && o.preferredLifetime === 0));
  }
  assert.deepEqual(off.changes, []);
  const unknown = h.send(msg('rebind', [cid(3), iaNaOpt(1, '2001:db8:1::1aa')]));
  assert.equal(iaStatus(replyIas(unknown.reply)[0]!), STATUS.NoBinding);
});

test('Release: Success, the lease is released, unknown IAs get NoBinding (§18.3.7)', () => {
  const h = new Harness(link());
  const [addr] = leasesOf(h.bind(1, iaNaOpt(1)));
  const d = h.send(msg('release', [cid(1), sid(), iaNaOpt(1, addr!), iaNaOpt(5, '2001:db8:1::111')]));
  assert.equal(findOption(d.reply!, 'status-code')?.status, STATUS.Success);
  const ias = replyIas(d.reply);
  assert.deepEqual(ias.map((ia) => [ia.iaid, iaStatus(ia)]), [[5, STATUS.NoBinding]]);
  assert.deepEqual(d.changes.map((c) => [c.action, c.lease.state, c.lease.lease]), [['release', 'released', addr]]);
  assert.equal(h.table.bindings('lan0', hexOf(clientDuid(1)), h.now).length, 0);
});

test('Decline quarantines the address: nobody gets it until the quarantine ends (§18.3.8)', () => {
  const h = new Harness(link({ addressPools: [{ start: '2001:db8:1::100', end: '2001:db8:1::100' }] }));
  const [addr] = leasesOf(h.bind(1, iaNaOpt(1)));
  assert.equal(addr, '2001:db8:1::100');
  const d = h.send(msg('decline', [cid(1), sid(), iaNaOpt(1, addr!)]));
  assert.equal(findOption(d.reply!, 'status-code')?.status, STATUS.Success);
  assert.deepEqual(d.changes.map((c) => [c.action, c.lease.state, c.lease.expiresAt]), [['decline', 'declined', h.now + DECLINE_QUARANTINE_MS]]);
  const again = h.send(msg('solicit', [cid(2), iaNaOpt(1)]));
  assert.equal(iaStatus(replyIas(again.reply)[0]!), STATUS.NoAddrsAvail);
  h.now += DECLINE_QUARANTINE_MS;
  assert.deepEqual(leasesOf(h.send(msg('solicit', [cid(2), iaNaOpt(1)])).reply), [addr]);
});

test('Confirm: Success on-link, NotOnLink off-link, silence without addresses (§18.3.3)', () => {
  const h = new Harness(link());
  const yes = h.send(msg('confirm', [cid(1), iaNaOpt(1, '2001:db8:1::abc')]));
  assert.equal(findOption(yes.reply!, 'status-code')?.status, STATUS.Success);
  const no = h.send(msg('confirm', [cid(1), iaNaOpt(1, '2001:db8:1::abc', '2001:db8:2::1')]));
  assert.equal(findOption(no.reply!, 'status-code')?.status, STATUS.NotOnLink);
  const none = h.send(msg('confirm', [cid(1), iaNaOpt(1)]));
  assert.equal(none.drop, 'confirm-undecidable');
  assert.equal(none.reply, undefined);
});

test('Information-request: DNS, search list and Information Refresh Time, no IAs (§18.3.6)', () => {
  const stateless = link({ mode: 'stateless', informationRefreshTime: 900 });
  const d = new Harness(stateless).send(msg('information-request', [cid(1), { kind: 'oro', codes: [23, 24, 32] }]));
  assert.equal(d.reply?.type, 'reply');
  assert.deepEqual(findOption(d.reply!, 'dns-servers')?.servers, ['2001:db8:1::53']);
  assert.deepEqual(findOption(d.reply!, 'domain-list')?.domains, ['lan.example']);
  assert.equal(findOption(d.reply!, 'information-refresh-time')?.seconds, 900);
  assert.deepEqual(replyIas(d.reply), []);
  // Unconfigured, the refresh time is sent only when asked for, as IRT_DEFAULT.
  const asked = new Harness(link()).send(msg('information-request', [{ kind: 'oro', codes: [32] }]));
  assert.equal(findOption(asked.reply!, 'information-refresh-time')?.seconds, 86400);
  const silent = new Harness(link()).send(msg('information-request', [cid(1)]));
  assert.equal(findOption(silent.reply!, 'information-refresh-time'), undefined);
});

test('a stateless link answers Solicit with NoAddrsAvail / NoPrefixAvail and binds nothing', () => {
  const d = new Harness(link({ mode: 'stateless' })).send(msg('solicit', [cid(1), iaNaOpt(1), iaPdOpt(2)]));
  assert.deepEqual(replyIas(d.reply).map(iaStatus), [STATUS.NoAddrsAvail, STATUS.NoPrefixAvail]);
  assert.deepEqual(d.changes, []);
});

test('Request for an off-link address → the IA carries NotOnLink (§18.3.2)', () => {
  const d = new Harness(link()).send(msg('request', [cid(1), sid(), iaNaOpt(1, '2001:db8:2::5')]));
  assert.equal(iaStatus(replyIas(d.reply)[0]!), STATUS.NotOnLink);
  assert.deepEqual(d.changes, []);
});

test('a client hint inside the pool is honoured; one outside the pool is not', () => {
  const h = new Harness(link());
  assert.deepEqual(leasesOf(h.send(msg('request', [cid(1), sid(), iaNaOpt(1, '2001:db8:1::1ab')])).reply), ['2001:db8:1::1ab']);
  const outside = leasesOf(h.send(msg('request', [cid(2), sid(), iaNaOpt(1, '2001:db8:1::5')])).reply);
  assert.notDeepEqual(outside, ['2001:db8:1::5']);
  assert.equal(outside.length, 1);
});

test('IA_TA is refused with NoAddrsAvail', () => {
  const d = new Harness(link()).send(msg('solicit', [cid(1), { kind: 'ia-ta', iaid: 4, options: [] }]));
  const ta = findOption(d.reply!, 'ia-ta');
  assert.equal(ta?.iaid, 4);
  assert.equal(iaStatus(ta!), STATUS.NoAddrsAvail);
});

test('infinite lifetimes give infinite T1/T2 and never-expiring rows', () => {
  const h = new Harness(link({ preferredLifetime: 'infinity', validLifetime: 'infinity' }));
  const d = h.send(msg('request', [cid(1), sid(), iaNaOpt(1)]));
  const ia = replyIas(d.reply)[0]!;
  assert.deepEqual([ia.t1, ia.t2], [INFINITY, INFINITY]);
  assert.equal(d.changes[0]?.lease.expiresAt, Number.MAX_SAFE_INTEGER);
});
