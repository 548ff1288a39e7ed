import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unwrap } from '../../../src/lib/result.ts';
import { parseNdp, serializeNdp, verifyChecksum } from '../../../src/proto/ndp/messages.ts';
import type { NdpMessage } from '../../../src/proto/ndp/types.ts';

const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const SLLAO = { type: 'source-lla', address: '02:00:00:00:00:01' } as const;

// Checksums are left 0 here (no addresses given); the checksum has its own tests below.
const CASES: readonly { name: string; msg: NdpMessage; wire: string }[] = [
  { name: 'RS, bare', msg: { type: 'rs', options: [] }, wire: '8500 0000 00000000' },
  { name: 'RS with SLLAO', msg: { type: 'rs', options: [SLLAO] }, wire: '8500 0000 00000000 0101 020000000001' },
  { name: 'RS with reserved and code kept', msg: { type: 'rs', code: 1, reserved: 7, options: [] }, wire: '8501 0000 00000007' },
  {
    name: 'RA, M O and high preference',
    msg: {
      type: 'ra', curHopLimit: 64, managed: true, other: true, homeAgent: false, routerPreference: 'high', proxy: false,
      routerLifetime: 1800, reachableTime: 30000, retransTimer: 1000, options: [SLLAO, { type: 'mtu', mtu: 1500 }],
    },
    wire: '8600 0000 40c8 0708 00007530 000003e8 0101 020000000001 0501 0000 000005dc',
  },
  {
    name: 'RA, H, low preference, P and reserved flag bits',
    msg: {
      type: 'ra', curHopLimit: 0, managed: false, other: false, homeAgent: true, routerPreference: 'low', proxy: true,
      reservedFlags: 3, routerLifetime: 0, reachableTime: 0, retransTimer: 0, options: [],
    },
    wire: '8600 0000 003f 0000 00000000 00000000',
  },
  {
    name: 'RA, reserved preference',
    msg: {
      type: 'ra', curHopLimit: 255, managed: false, other: false, homeAgent: false, routerPreference: 'reserved', proxy: false,
      routerLifetime: 65535, reachableTime: 0xffffffff, retransTimer: 0xffffffff, options: [],
    },
    wire: '8600 0000 ff10 ffff ffffffff ffffffff',
  },
  {
    name: 'NS with SLLAO',
    msg: { type: 'ns', target: '2001:db8::1', options: [SLLAO] },
    wire: '8700 0000 00000000 20010db8000000000000000000000001 0101 020000000001',
  },
  {
    name: 'NA, R S O with TLLAO',
    msg: {
      type: 'na', router: true, solicited: true, override: true, target: 'fe80::1',
      options: [{ type: 'target-lla', address: '02:00:00:00:00:02' }],
    },
    wire: '8800 0000 e0000000 fe800000000000000000000000000001 0201 020000000002',
  },
  {
    name: 'NA, only S, reserved bits kept',
    msg: { type: 'na', router: false, solicited: true, override: false, reserved: 0x1234567, target: '2001:db8::5', options: [] },
    wire: '8800 0000 41234567 20010db8000000000000000000000005',
  },
  {
    name: 'Redirect with TLLAO and Redirected Header',
    msg: {
      type: 'redirect', target: 'fe80::2', destination: '2001:db8:2::9',
      options: [{ type: 'target-lla', address: '02:00:00:00:00:02' }, { type: 'redirected-header', bytes: hex('000000000000') }],
    },
    wire: '8900 0000 00000000 fe800000000000000000000000000002 20010db8000200000000000000000009 0201 020000000002 0401 000000000000',
  },
];

for (const c of CASES) {
  test(`message ${c.name}: value → bytes`, () => {
    assert.equal(toHex(unwrap(serializeNdp(c.msg))), c.wire.replace(/\s+/g, ''));
  });
  test(`message ${c.name}: bytes → value`, () => {
    assert.deepEqual(parseNdp(hex(c.wire)), { ok: true, value: c.msg });
  });
}

const REJECTED: readonly { name: string; wire: string; code: string; offset: number }[] = [
  { name: 'empty input', wire: '', code: 'too-short', offset: 0 },
  { name: 'three bytes', wire: '850000', code: 'too-short', offset: 0 },
  { name: 'an Echo Request', wire: '80000000 00010001', code: 'not-ndp', offset: 0 },
  { name: 'a truncated RA', wire: '8600 0000 40c8 0708 0000', code: 'too-short', offset: 10 },
  { name: 'a truncated NS', wire: '8700 0000 00000000 20010db8', code: 'too-short', offset: 12 },
  { name: 'a truncated Redirect', wire: '8900 0000 00000000' + '00'.repeat(31), code: 'too-short', offset: 39 },
  { name: 'a trailing byte after the options', wire: '8500 0000 00000000 01', code: 'option-overrun', offset: 8 },
  { name: 'an option of length 0', wire: '8500 0000 00000000 0100 000000000000', code: 'option-length-zero', offset: 8 },
  { name: 'an option longer than the packet', wire: '8500 0000 00000000 0102 020000000001', code: 'option-overrun', offset: 8 },
  { name: 'over 65535 bytes', wire: '85000000' + '00'.repeat(65532), code: 'too-long', offset: 0 },
];

for (const c of REJECTED) {
  test(`message parse rejects ${c.name} as ${c.code}`, () => {
    const r = parseNdp(hex(c.wire));
    assert.ok(!r.ok);
    assert.equal(r.error.code, c.code);
    assert.deepEqual(r.error.where, { offset: c.offset });
    assert.ok(r.error.message.length > 10, 'a sentence an operator can read');
  });
}

test('unknown options are skipped into raw options, not rejected (RFC 4861 §4.6)', () => {
  const r = unwrap(parseNdp(hex('8500 0000 00000000 c801 000000000000 0101 020000000001')));
  assert.deepEqual(r.options, [{ type: 'raw', code: 200, bytes: new Uint8Array(6) }, SLLAO]);
});

const RA_BASE = {
  type: 'ra', curHopLimit: 64, managed: false, other: false, homeAgent: false, routerPreference: 'medium', proxy: false,
  routerLifetime: 0, reachableTime: 0, retransTimer: 0, options: [],
} as const;

const REFUSED: readonly { name: string; msg: NdpMessage; path: string }[] = [
  { name: 'hop limit 256', msg: { ...RA_BASE, curHopLimit: 256 }, path: 'curHopLimit' },
  { name: 'router lifetime 65536', msg: { ...RA_BASE, routerLifetime: 65536 }, path: 'routerLifetime' },
  { name: 'a negative reachable time', msg: { ...RA_BASE, reachableTime: -1 }, path: 'reachableTime' },
  { name: 'reserved flags 4', msg: { ...RA_BASE, reservedFlags: 4 }, path: 'reservedFlags' },
  { name: 'code 256', msg: { type: 'rs', code: 256, options: [] }, path: 'code' },
  { name: 'an NS target with a zone', msg: { type: 'ns', target: 'fe80::1%eth0', options: [] }, path: 'target' },
  { name: 'NA reserved over 29 bits', msg: { type: 'na', router: false, solicited: false, override: false, reserved: 2 ** 29, target: '::1', options: [] }, path: 'reserved' },
  { name: 'a Redirect destination that is not an address', msg: { type: 'redirect', target: 'fe80::1', destination: 'host', options: [] }, path: 'destination' },
  { name: 'a bad option', msg: { type: 'rs', options: [SLLAO, { type: 'mtu', mtu: 2 ** 32 }] }, path: 'options[1].mtu' },
];

for (const c of REFUSED) {
  test(`message serialize refuses ${c.name}`, () => {
    const r = serializeNdp(c.msg);
    assert.ok(!r.ok);
    assert.deepEqual(r.error.where, { path: c.path });
  });
}

test('serialize refuses a message that would pass 65535 bytes', () => {
  const big = { type: 'raw', code: 200, bytes: new Uint8Array(2038) } as const;
  const r = serializeNdp({ type: 'rs', options: new Array(33).fill(big) });
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'invalid-value');
});

test('checksum: a known NS from the Linux kernel', () => {
  // The kernel's NS for fe80::ff:fe00:2 (test/fixtures/ndp/captured/ns-kernel.hex).
  const bytes = hex('87007c9700000000fe80000000000000000000fffe0000020101020000000001');
  assert.ok(verifyChecksum(bytes, 'fe80::ff:fe00:1', 'ff02::1:ff00:2'));
  assert.ok(!verifyChecksum(bytes, 'fe80::ff:fe00:1', 'ff02::1'));
  const msg = unwrap(parseNdp(bytes));
  assert.equal(toHex(unwrap(serializeNdp(msg, { source: 'fe80::ff:fe00:1', destination: 'ff02::1:ff00:2' }))), toHex(bytes));
  // Without addresses the checksum is left for the kernel.
  assert.equal(toHex(unwrap(serializeNdp(msg)).subarray(2, 4)), '0000');
});

test('checksum: bad addresses or short input never verify', () => {
  assert.equal(verifyChecksum(hex('8500'), 'fe80::1', 'ff02::2'), false);
  assert.equal(verifyChecksum(hex('85007a4500000000'), 'not-an-address', 'ff02::2'), false);
  const r = serializeNdp({ type: 'rs', options: [] }, { source: 'fe80::1', destination: 'ff02::2/128' });
  assert.ok(!r.ok);
  assert.deepEqual(r.error.where, { path: 'destination' });
});
