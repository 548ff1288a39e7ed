// The server's receive-side rules (RFC 8415 §16, §18.4; RFC-CHECKLIST "DHCPv6 server"): every
// client message type against every condition, each answer written out in one table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  encodeDuid,
  validateForServer,
  type Dhcp6ClientServerType,
  type Dhcp6Message,
  type Dhcp6Option,
  type ServerVerdict,
} from '../../../src/proto/dhcpv6/index.ts';
import { unwrap } from '../../../src/lib/result.ts';
import { CLIENT_DUID, CLIENT_SERVER_SAMPLES, SERVER_DUID } from './samples.ts';

const OURS = unwrap(encodeDuid(SERVER_DUID, 'ours'));
const clientIdOpt: Dhcp6Option = { kind: 'client-id', duid: CLIENT_DUID };
const ourServerId: Dhcp6Option = { kind: 'server-id', duid: SERVER_DUID };
const otherServerId: Dhcp6Option = { kind: 'server-id', duid: { type: 'en', enterpriseNumber: 2495, identifier: Uint8Array.of(1) } };
const elapsed: Dhcp6Option = { kind: 'elapsed-time', centiseconds: 0 };

type Condition = 'valid' | 'no-client-id' | 'our-server-id' | 'wrong-server-id' | 'no-server-id' | 'unicast' | 'unicast-offered';
const CONDITIONS: readonly Condition[] = ['valid', 'no-client-id', 'our-server-id', 'wrong-server-id', 'no-server-id', 'unicast', 'unicast-offered'];

/** Client types that must carry our ServerID (§16.4, §16.6, §16.8, §16.9). */
const NEEDS_SERVER_ID = new Set<Dhcp6ClientServerType>(['request', 'renew', 'release', 'decline']);

function build(type: Dhcp6ClientServerType, c: Condition): Dhcp6Message {
  const server = c === 'our-server-id' ? [ourServerId] : c === 'wrong-server-id' ? [otherServerId] : c === 'no-server-id' ? [] : NEEDS_SERVER_ID.has(type) ? [ourServerId] : [];
  const client = c === 'no-client-id' ? [] : [clientIdOpt];
  return { type, transactionId: 0x10203, options: [...client, ...server, elapsed] };
}

const A: ServerVerdict = { action: 'accept' };
const M: ServerVerdict = { action: 'use-multicast' };
const D = (reason: string) => ({ action: 'drop', reason }) as ServerVerdict;

const multicastOnly = {
  valid: A,
  'no-client-id': D('no-client-id'),
  'our-server-id': D('unexpected-server-id'),
  'wrong-server-id': D('unexpected-server-id'),
  'no-server-id': A,
  unicast: D('unicast-not-allowed'),
  'unicast-offered': D('unicast-not-allowed'),
} satisfies Record<Condition, ServerVerdict>;

const addressedToUs = {
  valid: A,
  'no-client-id': D('no-client-id'),
  'our-server-id': A,
  'wrong-server-id': D('wrong-server-id'),
  'no-server-id': D('no-server-id'),
  unicast: M,
  'unicast-offered': A,
} satisfies Record<Condition, ServerVerdict>;

const MATRIX: Record<Exclude<Dhcp6ClientServerType, 'advertise' | 'reply' | 'reconfigure'>, Record<Condition, ServerVerdict>> = {
  solicit: multicastOnly,
  confirm: multicastOnly,
  rebind: multicastOnly,
  request: addressedToUs,
  renew: addressedToUs,
  release: addressedToUs,
  decline: addressedToUs,
  'information-request': {
    valid: A,
    'no-client-id': A, // §16.12: the Client Identifier is optional here
    'our-server-id': A,
    'wrong-server-id': D('wrong-server-id'),
    'no-server-id': A,
    unicast: D('unicast-not-allowed'),
    'unicast-offered': D('unicast-not-allowed'),
  },
};

for (const [type, row] of Object.entries(MATRIX) as [Dhcp6ClientServerType, Record<Condition, ServerVerdict>][]) {
  for (const c of CONDITIONS) {
    test(`server validation: ${type} × ${c} → ${row[c].action}${'reason' in row[c] ? ` (${row[c].reason})` : ''}`, () => {
      const unicast = c === 'unicast' || c === 'unicast-offered';
      const verdict = validateForServer(build(type, c), {
        destination: unicast ? '2001:db8:1::1' : 'ff02::1:2%lan0',
        serverDuid: OURS,
        serverUnicastOffered: c === 'unicast-offered',
      });
      assert.deepEqual(verdict, row[c]);
    });
  }
}

const META = { destination: 'ff02::1:2', serverDuid: OURS, serverUnicastOffered: false };

for (const type of ['advertise', 'reply', 'reconfigure'] as const) {
  test(`server validation: ${type} is server-only and dropped`, () => {
    assert.deepEqual(validateForServer(CLIENT_SERVER_SAMPLES[type], META), D('server-only-type'));
  });
}

test('server validation: Information-request carrying an IA is dropped', () => {
  for (const ia of [
    { kind: 'ia-na', iaid: 1, t1: 0, t2: 0, options: [] },
    { kind: 'ia-ta', iaid: 1, options: [] },
    { kind: 'ia-pd', iaid: 1, t1: 0, t2: 0, options: [] },
  ] satisfies Dhcp6Option[]) {
    const msg: Dhcp6Message = { type: 'information-request', transactionId: 1, options: [clientIdOpt, ia] };
    assert.deepEqual(validateForServer(msg, META), D('ia-in-information-request'));
  }
});

const relayed = (inner: Dhcp6Message | undefined, type: 'relay-forward' | 'relay-reply' = 'relay-forward'): Dhcp6Message => ({
  type,
  hopCount: 0,
  linkAddress: '2001:db8:1::1',
  peerAddress: 'fe80::1',
  options: inner === undefined ? [] : [{ kind: 'relay-message', message: inner }],
});

test('server validation: relayed messages are judged by the client message inside', () => {
  const unicast = { ...META, destination: '2001:db8::547' };
  assert.deepEqual(validateForServer(relayed(build('solicit', 'valid')), unicast), A, 'a relay reaches us by unicast');
  assert.deepEqual(validateForServer(relayed(relayed(build('request', 'valid'))), unicast), A);
  assert.deepEqual(validateForServer(relayed(build('solicit', 'no-client-id')), unicast), D('no-client-id'));
  assert.deepEqual(validateForServer(relayed(build('renew', 'wrong-server-id')), unicast), D('wrong-server-id'));
  assert.deepEqual(validateForServer(relayed(CLIENT_SERVER_SAMPLES.advertise), unicast), D('server-only-type'));
  assert.deepEqual(validateForServer(relayed(undefined), unicast), D('relay-without-message'));
  assert.deepEqual(validateForServer(relayed(build('solicit', 'valid'), 'relay-reply'), unicast), D('server-only-type'));
});

test('server validation: a destination that is not an address is dropped, not trusted', () => {
  assert.deepEqual(validateForServer(build('request', 'valid'), { ...META, destination: 'lan0' }), D('bad-destination'));
});
