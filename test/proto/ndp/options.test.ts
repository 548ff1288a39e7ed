import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOptions } from '../../../src/proto/ndp/options-parse.ts';
import { serializeOptions } from '../../../src/proto/ndp/options-serialize.ts';
import type { NdpOption } from '../../../src/proto/ndp/types.ts';

const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
const ascii = (s: string): string => Buffer.from(s, 'latin1').toString('hex');

interface Case {
  readonly name: string;
  readonly option: NdpOption;
  readonly wire: string;
}

// One table per option type, both directions: value → bytes and bytes → value.
const CASES: readonly Case[] = [
  { name: 'SLLAO, Ethernet', option: { type: 'source-lla', address: '02:00:00:00:00:01' }, wire: '0101 020000000001' },
  {
    name: 'TLLAO, 14-byte address',
    option: { type: 'target-lla', address: '00:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d' },
    wire: '0202 000102030405060708090a0b0c0d',
  },
  {
    name: 'Prefix Information, L A R',
    option: {
      type: 'prefix-information', prefixLength: 64, onLink: true, autonomous: true, routerAddress: true,
      validLifetime: 2592000, preferredLifetime: 604800, prefix: '2001:db8:1::',
    },
    wire: '0304 40e0 00278d00 00093a80 00000000 20010db8000100000000000000000000',
  },
  {
    name: 'Prefix Information, reserved bits kept',
    option: {
      type: 'prefix-information', prefixLength: 48, onLink: true, autonomous: true, routerAddress: false,
      validLifetime: 3600, preferredLifetime: 1800, prefix: '2001:db8::', reserved1: 3, reserved2: 42,
    },
    wire: '0304 30c3 00000e10 00000708 0000002a 20010db8000000000000000000000000',
  },
  { name: 'Redirected Header', option: { type: 'redirected-header', bytes: hex('000000000000') }, wire: '0401 000000000000' },
  { name: 'MTU', option: { type: 'mtu', mtu: 1480 }, wire: '0501 0000 000005c8' },
  { name: 'MTU, reserved kept', option: { type: 'mtu', mtu: 9000, reserved: 0x1234 }, wire: '0501 1234 00002328' },
  { name: 'Advertisement Interval', option: { type: 'advertisement-interval', interval: 600000 }, wire: '0701 0000 000927c0' },
  {
    name: 'Home Agent Information, negative preference',
    option: { type: 'home-agent-information', preference: -5, lifetime: 1800 },
    wire: '0801 0000 fffb 0708',
  },
  { name: 'Nonce', option: { type: 'nonce', nonce: hex('010203040506') }, wire: '0e01 010203040506' },
  {
    name: 'Route Information, ::/0 in length 1',
    option: { type: 'route-information', prefixLength: 0, preference: 'high', routeLifetime: 3600, prefix: '::' },
    wire: '1801 0008 00000e10',
  },
  {
    name: 'Route Information, /48 in length 2',
    option: { type: 'route-information', prefixLength: 48, preference: 'low', routeLifetime: 0xffffffff, prefix: '2001:db8:100::' },
    wire: '1802 3018 ffffffff 20010db801000000',
  },
  {
    name: 'Route Information, /64 in length 3 (as radvd sends)',
    option: { type: 'route-information', prefixLength: 64, preference: 'medium', routeLifetime: 1800, prefix: '2001:db8:2::', length: 3 },
    wire: '1803 4000 00000708 20010db8000200000000000000000000',
  },
  {
    name: 'Route Information, /128 with the reserved preference and reserved bits',
    option: {
      type: 'route-information', prefixLength: 128, preference: 'reserved', routeLifetime: 0, prefix: '2001:db8::1', reservedBits: 0x81,
    },
    wire: '1803 8091 00000000 20010db8000000000000000000000001',
  },
  {
    name: 'RDNSS, one server',
    option: { type: 'rdnss', lifetime: 1200, servers: ['2001:db8::53'] },
    wire: '1903 0000 000004b0 20010db8000000000000000000000053',
  },
  {
    name: 'RDNSS, two servers',
    option: { type: 'rdnss', lifetime: 0xffffffff, servers: ['2001:db8::53', 'fe80::1'] },
    wire: '1905 0000 ffffffff 20010db8000000000000000000000053 fe800000000000000000000000000001',
  },
  {
    name: 'DNSSL, one name padded',
    option: { type: 'dnssl', lifetime: 1200, domains: ['example.com'] },
    wire: `1f03 0000 000004b0 07${ascii('example')}03${ascii('com')}00 000000`,
  },
  {
    name: 'DNSSL, two names, case kept',
    option: { type: 'dnssl', lifetime: 60, domains: ['Lab.example', 'a-b_c'] },
    wire: `1f04 0000 0000003c 03${ascii('Lab')}07${ascii('example')}00 05${ascii('a-b_c')}00 00000000`,
  },
  {
    name: 'Captive Portal, exact fit',
    option: { type: 'captive-portal', uri: 'https://cp.example/api' },
    wire: `2503 ${ascii('https://cp.example/api')}`,
  },
  {
    name: 'Captive Portal, NUL padded',
    option: { type: 'captive-portal', uri: 'http://a/' },
    wire: `2502 ${ascii('http://a/')}0000000000`,
  },
  {
    name: 'PREF64, well-known /96',
    option: { type: 'pref64', lifetime: 3600, prefixLength: 96, prefix: '64:ff9b::' },
    wire: '2602 0e10 0064ff9b0000000000000000',
  },
  {
    name: 'PREF64, /64',
    option: { type: 'pref64', lifetime: 600, prefixLength: 64, prefix: '2001:db8:64::' },
    wire: '2602 0259 20010db800640000 00000000',
  },
  { name: 'unknown option kept raw', option: { type: 'raw', code: 253, bytes: hex('deadbeef0000') }, wire: 'fd01 deadbeef0000' },
];

for (const c of CASES) {
  test(`option ${c.name}: value → bytes`, () => {
    const out = serializeOptions([c.option], 'options');
    assert.ok(out.ok, out.ok ? '' : out.error.message);
    assert.equal(Buffer.from(out.value).toString('hex'), c.wire.replace(/\s+/g, ''));
  });
  test(`option ${c.name}: bytes → value`, () => {
    assert.deepEqual(parseOptions(hex(c.wire), 0), { ok: true, value: [c.option] });
  });
}

// Option bodies a receiver must reject, with the code and the offset of the option.
const REJECTED: readonly { name: string; wire: string; code: string; offset: number }[] = [
  { name: 'Prefix Information of length 3', wire: '0303' + '00'.repeat(22), code: 'option-length', offset: 0 },
  { name: 'prefix length 129', wire: '0304 81c0' + '00'.repeat(28), code: 'prefix-length', offset: 0 },
  { name: 'MTU of length 2', wire: '0101 020000000001 0502' + '00'.repeat(14), code: 'option-length', offset: 8 },
  { name: 'Route Information of length 4', wire: '1804' + '00'.repeat(30), code: 'option-length', offset: 0 },
  { name: 'Route Information /129', wire: '1803 81' + '00'.repeat(21), code: 'route-prefix-length', offset: 0 },
  { name: 'DNSSL with junk after the padding starts', wire: `1f02 0000 00000000 01${ascii('a')}00 0000 01 0000`, code: 'dnssl-name', offset: 13 },
  { name: 'DNSSL with no name', wire: '1f02' + '00'.repeat(14), code: 'dnssl-name', offset: 0 },
  { name: 'DNSSL with a compression pointer', wire: `1f02 0000 00000000 c00c 00000000 0000`, code: 'dnssl-name', offset: 8 },
  { name: 'DNSSL with a dot inside a label', wire: `1f02 0000 00000000 03${ascii('a.b')}00 00 0000`, code: 'dnssl-name', offset: 8 },
  { name: 'Captive Portal with a space', wire: `2501 ${ascii('a b')}000000`, code: 'captive-portal-uri', offset: 3 },
  { name: 'PREF64 with PLC 6', wire: '2602 0006' + '00'.repeat(12), code: 'pref64-plc', offset: 0 },
  { name: 'PREF64 of length 1', wire: '2601 000000000000', code: 'option-length', offset: 0 },
];

for (const c of REJECTED) {
  test(`option parse rejects ${c.name} as ${c.code}`, () => {
    const r = parseOptions(hex(c.wire), 0);
    assert.ok(!r.ok);
    assert.equal(r.error.code, c.code);
    assert.deepEqual(r.error.where, { offset: c.offset });
  });
}

// Values serialize refuses, with the path of the field at fault.
const REFUSED: readonly { name: string; option: NdpOption; path: string }[] = [
  { name: 'link-layer text that is not hex', option: { type: 'source-lla', address: '02-00-00-00-00-01' }, path: 'options[0].address' },
  { name: 'a 5-byte link-layer address (does not fill 8-byte units)', option: { type: 'source-lla', address: '01:02:03:04:05' }, path: 'options[0]' },
  {
    name: 'prefix length 129',
    option: { type: 'prefix-information', prefixLength: 129, onLink: true, autonomous: true, routerAddress: false, validLifetime: 1, preferredLifetime: 1, prefix: '::' },
    path: 'options[0].prefixLength',
  },
  {
    name: 'a lifetime over 32 bits',
    option: { type: 'prefix-information', prefixLength: 64, onLink: true, autonomous: true, routerAddress: false, validLifetime: 2 ** 32, preferredLifetime: 1, prefix: '::' },
    path: 'options[0].validLifetime',
  },
  {
    name: 'a prefix that is not an address',
    option: { type: 'prefix-information', prefixLength: 64, onLink: true, autonomous: true, routerAddress: false, validLifetime: 1, preferredLifetime: 1, prefix: '2001:db8::/64' },
    path: 'options[0].prefix',
  },
  { name: 'MTU of -1', option: { type: 'mtu', mtu: -1 }, path: 'options[0].mtu' },
  { name: 'MTU of 1.5', option: { type: 'mtu', mtu: 1.5 }, path: 'options[0].mtu' },
  { name: 'home agent preference 40000', option: { type: 'home-agent-information', preference: 40000, lifetime: 1 }, path: 'options[0].preference' },
  { name: 'a 4-byte nonce', option: { type: 'nonce', nonce: hex('01020304') }, path: 'options[0].nonce' },
  {
    name: 'a route prefix with bits beyond length 2',
    option: { type: 'route-information', prefixLength: 48, preference: 'low', routeLifetime: 1, prefix: '2001:db8::1', length: 2 },
    path: 'options[0].prefix',
  },
  {
    name: 'a /65 route in length 2',
    option: { type: 'route-information', prefixLength: 65, preference: 'low', routeLifetime: 1, prefix: '2001:db8::', length: 2 },
    path: 'options[0].length',
  },
  {
    name: 'reserved bits over the route preference',
    option: { type: 'route-information', prefixLength: 0, preference: 'low', routeLifetime: 1, prefix: '::', reservedBits: 0x08 },
    path: 'options[0].reservedBits',
  },
  { name: 'RDNSS with no server', option: { type: 'rdnss', lifetime: 1, servers: [] }, path: 'options[0].servers' },
  { name: 'RDNSS with a bad server', option: { type: 'rdnss', lifetime: 1, servers: ['::1', 'dns.example'] }, path: 'options[0].servers[1]' },
  { name: 'DNSSL with an empty label', option: { type: 'dnssl', lifetime: 1, domains: ['ok.example', 'a..b'] }, path: 'options[0].domains[1]' },
  { name: 'DNSSL with a 64-byte label', option: { type: 'dnssl', lifetime: 1, domains: ['x'.repeat(64)] }, path: 'options[0].domains[0]' },
  { name: 'DNSSL with a space', option: { type: 'dnssl', lifetime: 1, domains: ['a b.example'] }, path: 'options[0].domains[0]' },
  { name: 'DNSSL with no name', option: { type: 'dnssl', lifetime: 1, domains: [] }, path: 'options[0].domains' },
  { name: 'a captive portal URI with a space', option: { type: 'captive-portal', uri: 'http://a b/' }, path: 'options[0].uri' },
  { name: 'PREF64 lifetime not a multiple of 8', option: { type: 'pref64', lifetime: 100, prefixLength: 96, prefix: '64:ff9b::' }, path: 'options[0].lifetime' },
  { name: 'PREF64 lifetime 65536', option: { type: 'pref64', lifetime: 65536, prefixLength: 96, prefix: '64:ff9b::' }, path: 'options[0].lifetime' },
  { name: 'PREF64 /60', option: { type: 'pref64', lifetime: 8, prefixLength: 60, prefix: '64:ff9b::' }, path: 'options[0].prefixLength' },
  { name: 'PREF64 prefix past 96 bits', option: { type: 'pref64', lifetime: 8, prefixLength: 96, prefix: '64:ff9b::1' }, path: 'options[0].prefix' },
  { name: 'raw option code 256', option: { type: 'raw', code: 256, bytes: hex('000000000000') }, path: 'options[0].code' },
  { name: 'raw option over 2040 bytes', option: { type: 'raw', code: 200, bytes: new Uint8Array(2046) }, path: 'options[0]' },
];

for (const c of REFUSED) {
  test(`option serialize refuses ${c.name}`, () => {
    const r = serializeOptions([c.option], 'options');
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'invalid-value');
    assert.deepEqual(r.error.where, { path: c.path });
  });
}
