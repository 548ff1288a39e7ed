// The RFC 8415 receive matrix: every client message type against each way it can be wrong
// (§16 per-type identifier rules, §18.4 unicast), with the exact answer the RFC gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findOption, STATUS, type Dhcp6Message, type Dhcp6Option } from '../../../src/proto/dhcpv6/index.ts';
import { Harness, OTHER_SERVER, cid, iaNaOpt, link, msg, sid } from './fixture.ts';

type Type = 'solicit' | 'request' | 'confirm' | 'renew' | 'rebind' | 'release' | 'decline' | 'information-request';

/** A well-formed message of each type from client 1. */
const base: Record<Type, Dhcp6Option[]> = {
  solicit: [cid(1), iaNaOpt(1)],
  request: [cid(1), sid(), iaNaOpt(1)],
  confirm: [cid(1), iaNaOpt(1, '2001:db8:1::100')],
  renew: [cid(1), sid(), iaNaOpt(1, '2001:db8:1::100')],
  rebind: [cid(1), iaNaOpt(1, '2001:db8:1::100')],
  release: [cid(1), sid(), iaNaOpt(1, '2001:db8:1::100')],
  decline: [cid(1), sid(), iaNaOpt(1, '2001:db8:1::100')],
  'information-request': [cid(1)],
};

type Expect = { drop: string } | { reply: 'advertise' | 'reply'; status?: number } | 'n/a';

const withoutClient = (o: Dhcp6Option[]) => o.filter((x) => x.kind !== 'client-id');
const withServer = (o: Dhcp6Option[]) => [...o.filter((x) => x.kind !== 'server-id'), sid()];
const withWrongServer = (o: Dhcp6Option[]) => [...o.filter((x) => x.kind !== 'server-id'), sid(OTHER_SERVER)];

const rows: Array<[Type, Expect, Expect, Expect, Expect]> = [
  // type, no ClientID, our ServerID added, wrong ServerID, unicast
  ['solicit', { drop: 'no-client-id' }, { drop: 'unexpected-server-id' }, { drop: 'unexpected-server-id' }, { drop: 'unicast-not-allowed' }],
  ['confirm', { drop: 'no-client-id' }, { drop: 'unexpected-server-id' }, { drop: 'unexpected-server-id' }, { drop: 'unicast-not-allowed' }],
  ['rebind', { drop: 'no-client-id' }, { drop: 'unexpected-server-id' }, { drop: 'unexpected-server-id' }, { drop: 'unicast-not-allowed' }],
  ['request', { drop: 'no-client-id' }, 'n/a', { drop: 'wrong-server-id' }, { reply: 'reply', status: STATUS.UseMulticast }],
  ['renew', { drop: 'no-client-id' }, 'n/a', { drop: 'wrong-server-id' }, { reply: 'reply', status: STATUS.UseMulticast }],
  ['release', { drop: 'no-client-id' }, 'n/a', { drop: 'wrong-server-id' }, { reply: 'reply', status: STATUS.UseMulticast }],
  ['decline', { drop: 'no-client-id' }, 'n/a', { drop: 'wrong-server-id' }, { reply: 'reply', status: STATUS.UseMulticast }],
  // §16.12: an Information-request may omit the ClientID and may name us.
  ['information-request', { reply: 'reply' }, { reply: 'reply' }, { drop: 'wrong-server-id' }, { drop: 'unicast-not-allowed' }],
];

function check(name: string, request: Dhcp6Message, expect: Expect, multicast: boolean): void {
  if (expect === 'n/a') return;
  const h = new Harness(link());
  const d = h.send(request, { multicast });
  if ('drop' in expect) {
    assert.equal(d.drop, expect.drop, name);
    assert.equal(d.reply, undefined, name);
    assert.deepEqual(d.changes, [], name);
    return;
  }
  assert.equal(d.drop, undefined, `${name}: dropped ${d.drop}`);
  assert.equal(d.reply?.type, expect.reply, name);
  const reply = d.reply!;
  assert.ok(findOption(reply, 'server-id') !== undefined, `${name}: reply lacks ServerID`);
  if (expect.status !== undefined) {
    assert.equal(findOption(reply, 'status-code')?.status, expect.status, name);
    // §18.4: only ServerID, ClientID and the status.
    assert.deepEqual(reply.options.map((o) => o.kind).sort(), ['client-id', 'server-id', 'status-code'], name);
    assert.deepEqual(d.changes, [], name);
  }
}

for (const [type, noClient, ourServer, wrongServer, unicast] of rows) {
  test(`matrix: ${type}`, () => {
    const o = base[type];
    check(`${type} without ClientID`, msg(type, withoutClient(o)), noClient, true);
    check(`${type} with our ServerID`, msg(type, withServer(o)), ourServer, true);
    check(`${type} with another ServerID`, msg(type, withWrongServer(o)), wrongServer, true);
    check(`${type} by unicast`, msg(type, o), unicast, false);
    // And the well-formed multicast message is answered.
    const h = new Harness(link());
    assert.ok(h.send(msg(type, o)).reply !== undefined || type === 'rebind', `${type} well-formed got no reply`);
  });
}

test('server-only message types are dropped', () => {
  for (const type of ['advertise', 'reply', 'reconfigure'] as const) {
    const d = new Harness(link()).send(msg(type, [cid(1), sid()]));
    assert.equal(d.drop, 'server-only-type', type);
  }
  const relayReply: Dhcp6Message = { type: 'relay-reply', hopCount: 0, linkAddress: '2001:db8:1::1', peerAddress: 'fe80::2', options: [{ kind: 'relay-message', message: msg('solicit', [cid(1)]) }] };
  assert.equal(new Harness(link()).send(relayReply).drop, 'server-only-type');
});

test('information-request carrying an IA is dropped (§16.12)', () => {
  const d = new Harness(link()).send(msg('information-request', [cid(1), iaNaOpt(1)]));
  assert.equal(d.drop, 'ia-in-information-request');
});

test('a message on an interface we do not serve is dropped as no-link', () => {
  const d = new Harness(link()).send(msg('solicit', [cid(1), iaNaOpt(1)]), { iface: 'wan0' });
  assert.equal(d.drop, 'no-link');
});
