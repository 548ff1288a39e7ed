// One message of every type with rich options, shared by the symmetry, tshark and fuzz tests.
import type { Dhcp6ClientServerType, Dhcp6Message, Dhcp6Option, Duid } from '../../../src/proto/dhcpv6/index.ts';
import { INFINITY, STATUS } from '../../../src/proto/dhcpv6/index.ts';

export const MAC = Uint8Array.of(0x02, 0x00, 0x5e, 0x10, 0x20, 0x30);
export const CLIENT_DUID: Duid = { type: 'llt', hardwareType: 1, time: 0x2a2b2c2d, linkLayerAddress: MAC };
export const SERVER_DUID: Duid = { type: 'en', enterpriseNumber: 2495, identifier: Uint8Array.of(0xde, 0xad, 0xbe, 0xef) };

const clientId: Dhcp6Option = { kind: 'client-id', duid: CLIENT_DUID };
const serverId: Dhcp6Option = { kind: 'server-id', duid: SERVER_DUID };
const elapsed: Dhcp6Option = { kind: 'elapsed-time', centiseconds: 120 };
const requested: Dhcp6Option = { kind: 'oro', codes: [23, 24, 82, 32] };

const iaNa = (withAddress: boolean): Dhcp6Option => ({
  kind: 'ia-na',
  iaid: 0x0a0b0c0d,
  t1: withAddress ? 1800 : 0,
  t2: withAddress ? 2880 : 0,
  options: withAddress
    ? [{ kind: 'iaaddr', address: '2001:db8:1::100', preferredLifetime: 3600, validLifetime: 7200, options: [] }]
    : [],
});

const iaPd = (withPrefix: boolean): Dhcp6Option => ({
  kind: 'ia-pd',
  iaid: 0x11223344,
  t1: withPrefix ? 1800 : 0,
  t2: withPrefix ? 2880 : 0,
  options: withPrefix
    ? [{ kind: 'iaprefix', preferredLifetime: 3600, validLifetime: INFINITY, prefixLength: 56, prefix: '2001:db8:ff00::', options: [] }]
    : [],
});

const serverOptions: Dhcp6Option[] = [
  { kind: 'preference', value: 255 },
  { kind: 'dns-servers', servers: ['2001:db8::53', '2001:db8::5353'] },
  { kind: 'domain-list', domains: ['lan.example', 'example.org'] },
  { kind: 'sol-max-rt', seconds: 3600 },
];

/** Client/server messages, one per type, in type order. */
export const CLIENT_SERVER_SAMPLES: Record<Dhcp6ClientServerType, Dhcp6Message> = {
  solicit: {
    type: 'solicit',
    transactionId: 0x123456,
    options: [clientId, elapsed, requested, { kind: 'rapid-commit' }, iaNa(false), iaPd(false), { kind: 'reconfigure-accept' },
      { kind: 'user-class', classes: [Uint8Array.of(0x61, 0x62)] },
      { kind: 'vendor-class', enterpriseNumber: 4491, classes: [Uint8Array.of(1, 2, 3)] }],
  },
  advertise: {
    type: 'advertise',
    transactionId: 0x123456,
    options: [serverId, clientId, iaNa(true), iaPd(true), ...serverOptions, { kind: 'status-code', status: STATUS.Success, message: 'ok' }],
  },
  request: { type: 'request', transactionId: 0xabcdef, options: [clientId, serverId, elapsed, requested, iaNa(true), iaPd(true)] },
  confirm: { type: 'confirm', transactionId: 0x000001, options: [clientId, elapsed, iaNa(true)] },
  renew: { type: 'renew', transactionId: 0xfedcba, options: [clientId, serverId, elapsed, iaNa(true), iaPd(true)] },
  rebind: { type: 'rebind', transactionId: 0x0f0f0f, options: [clientId, elapsed, iaPd(true)] },
  reply: {
    type: 'reply',
    transactionId: 0xabcdef,
    options: [
      serverId,
      clientId,
      iaNa(true),
      {
        kind: 'ia-pd',
        iaid: 7,
        t1: 0,
        t2: 0,
        options: [{ kind: 'status-code', status: STATUS.NoPrefixAvail, message: 'no prefixes left — try later' }],
      },
      { kind: 'server-unicast', address: '2001:db8::1' },
      { kind: 'information-refresh-time', seconds: 86400 },
      { kind: 'vendor-opts', enterpriseNumber: 2495, options: [{ code: 1, data: Uint8Array.of(9, 9) }] },
      ...serverOptions,
    ],
  },
  release: { type: 'release', transactionId: 0x222222, options: [clientId, serverId, elapsed, iaNa(true)] },
  decline: { type: 'decline', transactionId: 0x333333, options: [clientId, serverId, elapsed, iaNa(true)] },
  reconfigure: {
    type: 'reconfigure',
    transactionId: 0,
    options: [
      serverId,
      clientId,
      { kind: 'reconfigure-message', messageType: 5 },
      { kind: 'auth', protocol: 3, algorithm: 1, rdm: 0, replayDetection: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1), info: new Uint8Array(17).fill(0xaa) },
    ],
  },
  'information-request': {
    type: 'information-request',
    transactionId: 0x444444,
    options: [clientId, elapsed, { kind: 'oro', codes: [23, 24, 83] }],
  },
};

/** A Relay-forward of the Solicit, itself relayed once more; and the Relay-reply back. */
export const RELAY_FORWARD: Dhcp6Message = {
  type: 'relay-forward',
  hopCount: 1,
  linkAddress: '::',
  peerAddress: 'fe80::aa',
  options: [
    {
      kind: 'relay-message',
      message: {
        type: 'relay-forward',
        hopCount: 0,
        linkAddress: '2001:db8:1::1',
        peerAddress: 'fe80::200:5eff:fe10:2030',
        options: [
          { kind: 'interface-id', id: Uint8Array.of(0x65, 0x74, 0x68, 0x30) },
          { kind: 'relay-message', message: CLIENT_SERVER_SAMPLES.solicit },
        ],
      },
    },
  ],
};

export const RELAY_REPLY: Dhcp6Message = {
  type: 'relay-reply',
  hopCount: 0,
  linkAddress: '2001:db8:1::1',
  peerAddress: 'fe80::200:5eff:fe10:2030',
  options: [
    { kind: 'interface-id', id: Uint8Array.of(0x65, 0x74, 0x68, 0x30) },
    { kind: 'relay-message', message: CLIENT_SERVER_SAMPLES.advertise },
  ],
};

export const ALL_SAMPLES: readonly Dhcp6Message[] = [...Object.values(CLIENT_SERVER_SAMPLES), RELAY_FORWARD, RELAY_REPLY];

/** `levels` Relay-forward messages around an Information-request. */
export function relayChain(levels: number): Dhcp6Message {
  let msg: Dhcp6Message = { type: 'information-request', transactionId: 5, options: [] };
  for (let i = 0; i < levels; i++) {
    msg = { type: 'relay-forward', hopCount: levels - 1 - i, linkAddress: '::', peerAddress: 'fe80::1', options: [{ kind: 'relay-message', message: msg }] };
  }
  return msg;
}

