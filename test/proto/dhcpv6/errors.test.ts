// Bytes the parser must refuse, with the code and byte offset it reports; values the serializer
// must refuse, with the code and the path to the bad field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDhcp6, serializeDhcp6, type Dhcp6Message, type Dhcp6Option } from '../../../src/proto/dhcpv6/index.ts';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const Z16 = '00'.repeat(16);

const PARSE_ERRORS: readonly { name: string; bytes: string; code: string; offset: number }[] = [
  { name: 'empty input', bytes: '', code: 'too-short', offset: 0 },
  { name: 'header cut short', bytes: '0101', code: 'too-short', offset: 0 },
  { name: 'message type 0', bytes: '00000000', code: 'unknown-message-type', offset: 0 },
  { name: 'message type 14 (Leasequery)', bytes: '0e000000', code: 'unknown-message-type', offset: 0 },
  { name: 'relay header cut short', bytes: `0c00 ${Z16}`, code: 'too-short', offset: 0 },
  { name: 'option header cut short', bytes: '01000000 0001', code: 'option-truncated', offset: 4 },
  { name: 'option past the end', bytes: '01000000 00010005 00', code: 'option-past-end', offset: 4 },
  { name: 'second option past the end', bytes: '01000000 000e0000 0008ffff 00', code: 'option-past-end', offset: 8 },
  { name: 'IA_NA of 8 octets', bytes: '01000000 00030008 0000000000000000', code: 'option-too-short', offset: 4 },
  { name: 'IA_PD of 0 octets', bytes: '01000000 00190000', code: 'option-too-short', offset: 4 },
  { name: 'IA_TA of 3 octets', bytes: '01000000 00040003 000000', code: 'option-too-short', offset: 4 },
  { name: 'sub-option past the end of its IA_NA', bytes: '01000000 00030010 00000001 00000002 00000003 00050010', code: 'option-past-end', offset: 20 },
  { name: 'IAADDR of 23 octets', bytes: `01000000 00050017 ${Z16} 00000000 000000`, code: 'option-too-short', offset: 4 },
  { name: 'IAPREFIX of 24 octets', bytes: `01000000 001a0018 00000000 00000000 ${Z16}`, code: 'option-too-short', offset: 4 },
  { name: 'IAPREFIX with prefix length 129', bytes: `01000000 001a0019 00000000 00000000 81 ${Z16}`, code: 'bad-prefix-length', offset: 16 },
  { name: 'empty DUID', bytes: '01000000 00010000', code: 'duid-too-short', offset: 8 },
  { name: 'DUID of only a type', bytes: '01000000 00020002 0003', code: 'duid-too-short', offset: 8 },
  { name: 'DUID of 129 octets after the type', bytes: `01000000 00010083 0002 ${'ab'.repeat(129)}`, code: 'duid-too-long', offset: 8 },
  { name: 'DUID-LLT without a time', bytes: '01000000 00010004 0001 0001', code: 'bad-duid', offset: 8 },
  { name: 'DUID-EN without an enterprise number', bytes: '01000000 00010005 0002 000009', code: 'bad-duid', offset: 8 },
  { name: 'DUID-UUID of 15 octets', bytes: `01000000 00010011 0004 ${'11'.repeat(15)}`, code: 'bad-duid', offset: 8 },
  { name: 'ORO of odd length', bytes: '01000000 00060003 001700', code: 'bad-length', offset: 4 },
  { name: 'Preference of 2 octets', bytes: '01000000 00070002 0000', code: 'bad-length', offset: 4 },
  { name: 'Elapsed Time of 1 octet', bytes: '01000000 00080001 00', code: 'bad-length', offset: 4 },
  { name: 'Server Unicast of 15 octets', bytes: `01000000 000c000f ${'00'.repeat(15)}`, code: 'bad-length', offset: 4 },
  { name: 'Rapid Commit with data', bytes: '01000000 000e0001 00', code: 'bad-length', offset: 4 },
  { name: 'Reconfigure Accept with data', bytes: '01000000 00140001 00', code: 'bad-length', offset: 4 },
  { name: 'Reconfigure Message empty', bytes: '01000000 00130000', code: 'bad-length', offset: 4 },
  { name: 'SOL_MAX_RT of 2 octets', bytes: '01000000 00520002 0000', code: 'bad-length', offset: 4 },
  { name: 'Status Code of 1 octet', bytes: '01000000 000d0001 00', code: 'option-too-short', offset: 4 },
  { name: 'Status Code with invalid UTF-8', bytes: '01000000 000d0003 0000ff', code: 'bad-utf8', offset: 10 },
  { name: 'Authentication of 10 octets', bytes: `01000000 000b000a ${'00'.repeat(10)}`, code: 'option-too-short', offset: 4 },
  { name: 'DNS servers empty', bytes: '01000000 00170000', code: 'bad-length', offset: 4 },
  { name: 'DNS servers of 17 octets', bytes: `01000000 00170011 ${'00'.repeat(17)}`, code: 'bad-length', offset: 4 },
  { name: 'Domain Search List empty', bytes: '01000000 00180000', code: 'option-too-short', offset: 4 },
  { name: 'domain name with a compression pointer', bytes: '01000000 00180002 c00c', code: 'bad-domain-name', offset: 8 },
  { name: 'domain name without its terminating zero', bytes: '01000000 00180002 0161', code: 'bad-domain-name', offset: 8 },
  { name: 'domain name label past the option', bytes: '01000000 00180002 0561', code: 'bad-domain-name', offset: 8 },
  { name: 'domain name label with a dot', bytes: '01000000 00180004 022e6100', code: 'bad-domain-name', offset: 9 },
  { name: 'User Class item past the end', bytes: '01000000 000f0003 000561', code: 'option-past-end', offset: 8 },
  { name: 'User Class item length cut short', bytes: '01000000 000f0001 00', code: 'option-truncated', offset: 8 },
  { name: 'Vendor Class of 3 octets', bytes: '01000000 00100003 000000', code: 'option-too-short', offset: 4 },
  { name: 'vendor sub-option past the end', bytes: '01000000 00110009 000009bf 00010009 00', code: 'option-past-end', offset: 12 },
  { name: 'vendor sub-option header cut short', bytes: '01000000 00110006 000009bf 0001', code: 'option-truncated', offset: 12 },
  { name: 'relayed message that is bad inside', bytes: `0c00 ${Z16} ${Z16} 00090009 01000001 00010005 00`, code: 'option-past-end', offset: 42 },
  { name: 'relayed message past the end', bytes: `0c00 ${Z16} ${Z16} 0009ffff 01000001`, code: 'option-past-end', offset: 34 },
  { name: 'empty relayed message', bytes: `0c00 ${Z16} ${Z16} 00090000`, code: 'too-short', offset: 38 },
];

for (const c of PARSE_ERRORS) {
  test(`parse refuses ${c.name}: ${c.code} at byte ${c.offset}`, () => {
    const r = parseDhcp6(hex(c.bytes));
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.error.code, c.code);
    assert.deepEqual(r.error.where, { offset: c.offset });
    assert.ok(r.error.message.length > 10, 'a sentence for the operator');
  });
}

test('options nested more than 8 deep are refused both ways', () => {
  let option: Dhcp6Option = { kind: 'rapid-commit' };
  for (let i = 0; i < 10; i++) option = { kind: 'ia-ta', iaid: i, options: [option] };
  const msg: Dhcp6Message = { type: 'solicit', transactionId: 0, options: [option] };
  const s = serializeDhcp6(msg);
  assert.equal(s.ok ? 'ok' : s.error.code, 'options-too-deep');
  // Build the bytes by hand: ten IA_TAs, each wrapping the next.
  let bytes = hex('000e0000');
  for (let i = 0; i < 10; i++) bytes = hex(`0004 ${(bytes.length + 4).toString(16).padStart(4, '0')} ${i.toString(16).padStart(8, '0')} ${Buffer.from(bytes).toString('hex')}`);
  const p = parseDhcp6(hex(`01000000 ${Buffer.from(bytes).toString('hex')}`));
  assert.equal(p.ok ? 'ok' : p.error.code, 'options-too-deep');
});

const base = (options: Dhcp6Option[]): Dhcp6Message => ({ type: 'reply', transactionId: 1, options });
const ia = (options: Dhcp6Option[]): Dhcp6Option => ({ kind: 'ia-pd', iaid: 1, t1: 0, t2: 0, options });

const SERIALIZE_ERRORS: readonly { name: string; msg: Dhcp6Message; code: string; path: string }[] = [
  { name: 'transaction id over 24 bits', msg: { type: 'solicit', transactionId: 0x1000000, options: [] }, code: 'out-of-range', path: 'transactionId' },
  { name: 'negative transaction id', msg: { type: 'solicit', transactionId: -1, options: [] }, code: 'out-of-range', path: 'transactionId' },
  { name: 'fractional transaction id', msg: { type: 'solicit', transactionId: 1.5, options: [] }, code: 'out-of-range', path: 'transactionId' },
  { name: 'unknown message type', msg: { type: 'leasequery' as 'solicit', transactionId: 1, options: [] }, code: 'unknown-message-type', path: 'type' },
  { name: 'hop count 256', msg: { type: 'relay-forward', hopCount: 256, linkAddress: '::', peerAddress: '::', options: [] }, code: 'out-of-range', path: 'hopCount' },
  { name: 'link address not IPv6', msg: { type: 'relay-forward', hopCount: 0, linkAddress: '192.0.2.1', peerAddress: '::', options: [] }, code: 'bad-address', path: 'linkAddress' },
  { name: 'DUID of 129 octets', msg: base([{ kind: 'server-id', duid: { type: 'raw', duidType: 9, data: new Uint8Array(129) } }]), code: 'duid-too-long', path: 'options[0].duid' },
  { name: 'DUID-LL too long', msg: base([{ kind: 'client-id', duid: { type: 'll', hardwareType: 1, linkLayerAddress: new Uint8Array(127) } }]), code: 'duid-too-long', path: 'options[0].duid' },
  { name: 'empty raw DUID', msg: base([{ kind: 'server-id', duid: { type: 'raw', duidType: 9, data: new Uint8Array(0) } }]), code: 'duid-too-short', path: 'options[0].duid' },
  { name: 'raw DUID of a known type', msg: base([{ kind: 'server-id', duid: { type: 'raw', duidType: 3, data: new Uint8Array(8) } }]), code: 'raw-known-type', path: 'options[0].duid.duidType' },
  { name: 'UUID text in upper case', msg: base([{ kind: 'server-id', duid: { type: 'uuid', uuid: '0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0' } }]), code: 'bad-uuid', path: 'options[0].duid.uuid' },
  { name: 'DUID-LLT time over 32 bits', msg: base([{ kind: 'server-id', duid: { type: 'llt', hardwareType: 1, time: 2 ** 32, linkLayerAddress: new Uint8Array(6) } }]), code: 'out-of-range', path: 'options[0].duid.time' },
  { name: 'T1 over 32 bits', msg: base([{ kind: 'ia-na', iaid: 1, t1: 2 ** 32, t2: 0, options: [] }]), code: 'out-of-range', path: 'options[0].t1' },
  { name: 'prefix length 129', msg: base([ia([{ kind: 'iaprefix', preferredLifetime: 0, validLifetime: 0, prefixLength: 129, prefix: '2001:db8::', options: [] }])]), code: 'bad-prefix-length', path: 'options[0].options[0].prefixLength' },
  { name: 'prefix not an address', msg: base([ia([{ kind: 'iaprefix', preferredLifetime: 0, validLifetime: 0, prefixLength: 48, prefix: '2001:db8::/48', options: [] }])]), code: 'bad-address', path: 'options[0].options[0].prefix' },
  { name: 'address with a zone', msg: base([{ kind: 'iaaddr', address: 'fe80::1%eth0', preferredLifetime: 0, validLifetime: 0, options: [] }]), code: 'bad-address', path: 'options[0].address' },
  { name: 'status message with a lone surrogate', msg: base([{ kind: 'status-code', status: 0, message: 'a\ud800' }]), code: 'bad-utf8', path: 'options[0].message' },
  { name: 'status code over 16 bits', msg: base([{ kind: 'status-code', status: 65536, message: '' }]), code: 'out-of-range', path: 'options[0].status' },
  { name: 'ORO code over 16 bits', msg: base([{ kind: 'oro', codes: [23, 70000] }]), code: 'out-of-range', path: 'options[0].codes[1]' },
  { name: 'Preference 256', msg: base([{ kind: 'preference', value: 256 }]), code: 'out-of-range', path: 'options[0].value' },
  { name: 'no DNS servers', msg: base([{ kind: 'dns-servers', servers: [] }]), code: 'empty', path: 'options[0].servers' },
  { name: 'bad DNS server', msg: base([{ kind: 'dns-servers', servers: ['::1', 'x'] }]), code: 'bad-address', path: 'options[0].servers[1]' },
  { name: 'no search domains', msg: base([{ kind: 'domain-list', domains: [] }]), code: 'empty', path: 'options[0].domains' },
  { name: 'domain with an empty label', msg: base([{ kind: 'domain-list', domains: ['ok.example', 'a..b'] }]), code: 'bad-domain-name', path: 'options[0].domains[1]' },
  { name: 'domain label of 64 characters', msg: base([{ kind: 'domain-list', domains: [`${'a'.repeat(64)}.example`] }]), code: 'bad-domain-name', path: 'options[0].domains[0]' },
  { name: 'domain with a space', msg: base([{ kind: 'domain-list', domains: ['my lan'] }]), code: 'bad-domain-name', path: 'options[0].domains[0]' },
  { name: 'raw option with a typed code', msg: base([{ kind: 'raw', code: 3, data: new Uint8Array(12) }]), code: 'raw-known-code', path: 'options[0].code' },
  { name: 'raw option data over 65535', msg: base([{ kind: 'raw', code: 999, data: new Uint8Array(65536) }]), code: 'option-too-long', path: 'options[0]' },
  { name: 'replay detection of 7 octets', msg: base([{ kind: 'auth', protocol: 3, algorithm: 1, rdm: 0, replayDetection: new Uint8Array(7), info: new Uint8Array(0) }]), code: 'bad-length', path: 'options[0].replayDetection' },
  {
    name: 'an Advertise with IAs overflowing the datagram',
    msg: { type: 'advertise', transactionId: 1, options: Array.from({ length: 2200 }, (_, i): Dhcp6Option => ({ kind: 'ia-na', iaid: i, t1: 0, t2: 0, options: [{ kind: 'status-code', status: 2, message: 'none left' }] })) },
    code: 'message-too-long',
    path: 'options',
  },
];

for (const c of SERIALIZE_ERRORS) {
  test(`serialize refuses ${c.name}: ${c.code} at ${c.path}`, () => {
    const r = serializeDhcp6(c.msg);
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.error.code, c.code);
    assert.deepEqual(r.error.where, { path: c.path });
  });
}

test('a relayed message is refused with the path through the relay', () => {
  const r = serializeDhcp6({
    type: 'relay-reply',
    hopCount: 0,
    linkAddress: '::',
    peerAddress: 'fe80::1',
    options: [{ kind: 'relay-message', message: { type: 'reply', transactionId: 1, options: [{ kind: 'preference', value: -1 }] } }],
  });
  assert.equal(r.ok ? 'ok' : r.error.code, 'out-of-range');
  assert.deepEqual(r.ok ? undefined : r.error.where, { path: 'options[0].message.options[0].value' });
});
