// Value → bytes and bytes → value for every option and every message type (mdlayher/ndp's
// symmetry tables): each case is checked in both directions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDhcp6, serializeDhcp6, type Dhcp6Message, type Dhcp6Option } from '../../../src/proto/dhcpv6/index.ts';
import { unwrap } from '../../../src/lib/result.ts';
import { relayChain } from './samples.ts';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const A1 = '20010db8000000000000000000000001';

/** Each option's wire form (code, length, data), carried in a Solicit with transaction id 010203. */
const OPTION_CASES: readonly { name: string; option: Dhcp6Option; wire: string }[] = [
  { name: 'client-id DUID-LL', option: { kind: 'client-id', duid: { type: 'll', hardwareType: 1, linkLayerAddress: hex('02005e102030') } }, wire: '0001000a 0003 0001 02005e102030' },
  { name: 'client-id DUID-LLT', option: { kind: 'client-id', duid: { type: 'llt', hardwareType: 1, time: 0x2a2b2c2d, linkLayerAddress: hex('02005e102030') } }, wire: '0001000e 0001 0001 2a2b2c2d 02005e102030' },
  { name: 'server-id DUID-EN', option: { kind: 'server-id', duid: { type: 'en', enterpriseNumber: 2495, identifier: hex('deadbeef') } }, wire: '0002000a 0002 000009bf deadbeef' },
  { name: 'server-id DUID-UUID', option: { kind: 'server-id', duid: { type: 'uuid', uuid: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0' } }, wire: '00020012 0004 0f1e2d3c4b5a69788796a5b4c3d2e1f0' },
  { name: 'client-id unknown DUID type kept raw', option: { kind: 'client-id', duid: { type: 'raw', duidType: 0xabcd, data: hex('ff') } }, wire: '00010003 abcd ff' },
  { name: 'IA_NA empty', option: { kind: 'ia-na', iaid: 1, t1: 2, t2: 3, options: [] }, wire: '0003000c 00000001 00000002 00000003' },
  {
    name: 'IA_NA with IAADDR, infinite valid lifetime',
    option: { kind: 'ia-na', iaid: 1, t1: 0, t2: 0, options: [{ kind: 'iaaddr', address: '2001:db8::1', preferredLifetime: 3600, validLifetime: 0xffffffff, options: [] }] },
    wire: `00030028 00000001 00000000 00000000 00050018 ${A1} 00000e10 ffffffff`,
  },
  { name: 'IA_TA', option: { kind: 'ia-ta', iaid: 9, options: [] }, wire: '00040004 00000009' },
  {
    name: 'IAADDR with a Status Code inside',
    option: { kind: 'iaaddr', address: '2001:db8::1', preferredLifetime: 0, validLifetime: 0, options: [{ kind: 'status-code', status: 0, message: 'ok' }] },
    wire: `00050020 ${A1} 00000000 00000000 000d0004 0000 6f6b`,
  },
  { name: 'ORO', option: { kind: 'oro', codes: [23, 24] }, wire: '00060004 0017 0018' },
  { name: 'ORO empty', option: { kind: 'oro', codes: [] }, wire: '00060000' },
  { name: 'Preference', option: { kind: 'preference', value: 255 }, wire: '00070001 ff' },
  { name: 'Elapsed Time', option: { kind: 'elapsed-time', centiseconds: 0xffff }, wire: '00080002 ffff' },
  {
    name: 'Authentication',
    option: { kind: 'auth', protocol: 3, algorithm: 1, rdm: 0, replayDetection: hex('0000000000000001'), info: hex('abcd') },
    wire: '000b000d 03 01 00 0000000000000001 abcd',
  },
  { name: 'Server Unicast', option: { kind: 'server-unicast', address: '2001:db8::1' }, wire: `000c0010 ${A1}` },
  { name: 'Status Code with UTF-8 text', option: { kind: 'status-code', status: 2, message: 'né' }, wire: '000d0005 0002 6ec3a9' },
  { name: 'Status Code keeps a byte order mark', option: { kind: 'status-code', status: 1, message: '\ufeffx' }, wire: '000d0006 0001 efbbbf78' },
  { name: 'Rapid Commit', option: { kind: 'rapid-commit' }, wire: '000e0000' },
  { name: 'User Class', option: { kind: 'user-class', classes: [hex('6162'), hex('')] }, wire: '000f0006 0002 6162 0000' },
  { name: 'Vendor Class', option: { kind: 'vendor-class', enterpriseNumber: 4491, classes: [hex('010203')] }, wire: '00100009 0000118b 0003 010203' },
  { name: 'Vendor-specific Information', option: { kind: 'vendor-opts', enterpriseNumber: 2495, options: [{ code: 1, data: hex('0909') }] }, wire: '0011000a 000009bf 0001 0002 0909' },
  { name: 'Interface-ID', option: { kind: 'interface-id', id: hex('65746830') }, wire: '00120004 65746830' },
  { name: 'Reconfigure Message', option: { kind: 'reconfigure-message', messageType: 5 }, wire: '00130001 05' },
  { name: 'Reconfigure Accept', option: { kind: 'reconfigure-accept' }, wire: '00140000' },
  { name: 'DNS Recursive Name Server', option: { kind: 'dns-servers', servers: ['2001:db8::1'] }, wire: `00170010 ${A1}` },
  { name: 'Domain Search List with the root', option: { kind: 'domain-list', domains: ['lan.example', '.'] }, wire: '0018000e 036c616e 076578616d706c65 00 00' },
  {
    name: 'IA_PD with IAPREFIX',
    option: { kind: 'ia-pd', iaid: 7, t1: 0, t2: 0, options: [{ kind: 'iaprefix', preferredLifetime: 3600, validLifetime: 7200, prefixLength: 56, prefix: '2001:db8:ff00::', options: [] }] },
    wire: '00190029 00000007 00000000 00000000 001a0019 00000e10 00001c20 38 20010db8ff0000000000000000000000',
  },
  { name: 'Information Refresh Time', option: { kind: 'information-refresh-time', seconds: 86400 }, wire: '00200004 00015180' },
  { name: 'SOL_MAX_RT', option: { kind: 'sol-max-rt', seconds: 3600 }, wire: '00520004 00000e10' },
  { name: 'INF_MAX_RT', option: { kind: 'inf-max-rt', seconds: 3600 }, wire: '00530004 00000e10' },
  { name: 'unknown option kept raw (Client FQDN)', option: { kind: 'raw', code: 39, data: hex('00') }, wire: '00270001 00' },
  { name: 'unknown option kept raw, empty', option: { kind: 'raw', code: 0xffff, data: hex('') }, wire: 'ffff0000' },
];

for (const c of OPTION_CASES) {
  const msg: Dhcp6Message = { type: 'solicit', transactionId: 0x010203, options: [c.option] };
  const bytes = hex(`01010203 ${c.wire}`);
  test(`option ${c.name}: value → bytes`, () => {
    assert.deepEqual(unwrap(serializeDhcp6(msg)), bytes);
  });
  test(`option ${c.name}: bytes → value`, () => {
    assert.deepEqual(unwrap(parseDhcp6(bytes)), msg);
  });
}

const TYPE_CODES = [
  ['solicit', 1], ['advertise', 2], ['request', 3], ['confirm', 4], ['renew', 5], ['rebind', 6], ['reply', 7],
  ['release', 8], ['decline', 9], ['reconfigure', 10], ['information-request', 11],
] as const;

for (const [type, code] of TYPE_CODES) {
  const msg: Dhcp6Message = { type, transactionId: 0xabcdef, options: [{ kind: 'elapsed-time', centiseconds: 0 }] };
  const bytes = hex(`${code.toString(16).padStart(2, '0')} abcdef 00080002 0000`);
  test(`message ${type} (${code}) in both directions`, () => {
    assert.deepEqual(unwrap(serializeDhcp6(msg)), bytes);
    assert.deepEqual(unwrap(parseDhcp6(bytes)), msg);
  });
}

for (const [type, code] of [['relay-forward', '0c'], ['relay-reply', '0d']] as const) {
  const msg: Dhcp6Message = {
    type,
    hopCount: 3,
    linkAddress: '2001:db8::1',
    peerAddress: 'fe80::1',
    options: [
      { kind: 'interface-id', id: hex('78') },
      { kind: 'relay-message', message: { type: 'solicit', transactionId: 1, options: [] } },
    ],
  };
  const bytes = hex(`${code} 03 ${A1} fe800000000000000000000000000001 00120001 78 00090004 01000001`);
  test(`message ${type} with a nested Solicit in both directions`, () => {
    assert.deepEqual(unwrap(serializeDhcp6(msg)), bytes);
    assert.deepEqual(unwrap(parseDhcp6(bytes)), msg);
  });
}

test('a chain of HOP_COUNT_LIMIT (8) relays round-trips; 9 is refused both ways', () => {
  const eight = relayChain(8);
  assert.deepEqual(unwrap(parseDhcp6(unwrap(serializeDhcp6(eight)))), eight);
  const nine = serializeDhcp6(relayChain(9));
  assert.equal(nine.ok ? 'ok' : nine.error.code, 'relay-too-deep');
  const built = hex(`0c08 ${'00'.repeat(16)} fe800000000000000000000000000001 0009 ${(unwrap(serializeDhcp6(eight)).length).toString(16).padStart(4, '0')}`);
  const nineBytes = new Uint8Array([...built, ...unwrap(serializeDhcp6(eight))]);
  const parsed = parseDhcp6(nineBytes);
  assert.equal(parsed.ok ? 'ok' : parsed.error.code, 'relay-too-deep');
});

test('parsing a Buffer yields plain Uint8Array copies, not views of the receive buffer', () => {
  const buf = Buffer.from('01010203 00120002 6566'.replace(/\s+/g, ''), 'hex');
  const msg = unwrap(parseDhcp6(buf));
  const opt = msg.options[0];
  assert.ok(opt !== undefined && opt.kind === 'interface-id');
  buf[8] = 0;
  assert.deepEqual(opt.id, Uint8Array.of(0x65, 0x66));
  assert.equal(Object.getPrototypeOf(opt.id), Uint8Array.prototype);
});
