// EUI-64, solicited-node and multicast MACs, address kinds and ULA generation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { unwrap } from '../../src/lib/result.ts';
import { formatAddress, parseAddress } from '../../src/net/address.ts';
import {
  formatMac,
  interfaceIdFromMac,
  linkLocalFromMac,
  multicastMac,
  parseMac,
  slaacAddress,
  solicitedNodeAddress,
} from '../../src/net/eui64.ts';
import { allowsZone, classifyAddress } from '../../src/net/kind.ts';
import { formatPrefix, contains, parsePrefix } from '../../src/net/prefix.ts';
import { generateUlaPrefix, ulaGlobalId } from '../../src/net/ula.ts';

const A = (text: string) => unwrap(parseAddress(text));

test('MAC parsing accepts colons, dashes and uppercase, and refuses the rest', () => {
  for (const text of ['52:54:00:12:34:56', '52-54-00-12-34-56', '52:54:00:12:34:56'.toUpperCase()]) {
    assert.equal(formatMac(unwrap(parseMac(text))), '52:54:00:12:34:56');
  }
  for (const text of ['52:54:00:12:34', '52:54-00:12:34:56', '52:54:00:12:34:5g', '525400123456', '', ' 52:54:00:12:34:56']) {
    const r = parseMac(text);
    assert.equal(r.ok ? 'parsed' : r.error.code, 'bad-mac', text);
  }
  const r = parseMac('52:54:00');
  assert.equal(r.ok ? '' : r.error.message, '52:54:00 is not a MAC address; write six hex pairs separated by ":" (or "-"), like 52:54:00:12:34:56');
});

test('modified EUI-64 from a MAC (RFC 4291 Appendix A) and SLAAC addresses', () => {
  // Appendix A: 34-56-78-9A-BC-DE gives 3656:78ff:fe9a:bcde (U/L bit flipped to 1).
  assert.equal(interfaceIdFromMac(unwrap(parseMac('34-56-78-9A-BC-DE'))), 0x365678fffe9abcden);
  // A locally administered MAC gets its U/L bit cleared.
  assert.equal(interfaceIdFromMac(unwrap(parseMac('02:00:00:00:00:01'))), 0x000000fffe000001n);
  const mac = unwrap(parseMac('52:54:00:12:34:56'));
  assert.equal(formatAddress(linkLocalFromMac(mac)), 'fe80::5054:ff:fe12:3456');
  assert.equal(formatAddress(linkLocalFromMac(mac, 'eth0')), 'fe80::5054:ff:fe12:3456%eth0');
  assert.equal(formatAddress(slaacAddress(unwrap(parsePrefix('2001:db8:1::/64')).network, mac)), '2001:db8:1:0:5054:ff:fe12:3456');
});

test('solicited-node multicast (RFC 4291 §2.7.1) and its Ethernet MAC (RFC 2464 §7)', () => {
  const cases: ReadonlyArray<readonly [string, string, string]> = [
    ['4037::01:800:200e:8c6c', 'ff02::1:ff0e:8c6c', '33:33:ff:0e:8c:6c'],
    ['2001:db8::1', 'ff02::1:ff00:1', '33:33:ff:00:00:01'],
    ['fe80::5054:ff:fe12:3456%eth0', 'ff02::1:ff12:3456', '33:33:ff:12:34:56'],
  ];
  for (const [address, solicited, mac] of cases) {
    const sn = solicitedNodeAddress(A(address));
    assert.equal(formatAddress(sn), solicited);
    assert.equal(formatMac(unwrap(multicastMac(sn))), mac);
  }
  assert.equal(formatMac(unwrap(multicastMac(A('ff02::1')))), '33:33:00:00:00:01');
  assert.equal(formatMac(unwrap(multicastMac(A('ff02::1:2')))), '33:33:00:01:00:02');
  const r = multicastMac(A('2001:db8::1'));
  assert.equal(r.ok ? '' : r.error.message, '2001:db8::1 is not a multicast address (ff00::/8), so it has no multicast MAC');
});

test('property: a solicited-node address is a multicast address sharing the low 24 bits', () => {
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), (v) => {
      const sn = solicitedNodeAddress(v).value;
      assert.ok(contains(unwrap(parsePrefix('ff02::1:ff00:0/104')), sn));
      assert.equal(sn & 0xffffffn, v & 0xffffffn);
    }),
  );
});

test('address kinds and scopes', () => {
  const cases: ReadonlyArray<readonly [string, string, string, number?]> = [
    ['::', 'unspecified', 'none'],
    ['::1', 'loopback', 'link-local'],
    ['::ffff:192.0.2.1', 'ipv4-mapped', 'global'],
    ['64:ff9b::192.0.2.33', 'nat64', 'global'],
    ['fe80::1', 'link-local', 'link-local'],
    ['febf:ffff::1', 'link-local', 'link-local'],
    ['fec0::1', 'site-local', 'site-local'],
    ['fd00:dead:beef::1', 'unique-local', 'global'],
    ['fc00::1', 'unique-local', 'global'],
    ['2001:db8::1', 'documentation', 'global'],
    ['3fff:fff::1', 'documentation', 'global'],
    ['3fff:1000::1', 'global-unicast', 'global'],
    ['2a00:1450::1', 'global-unicast', 'global'],
    ['ff01::1', 'multicast', 'interface-local', 1],
    ['ff02::1:2', 'multicast', 'link-local', 2],
    ['ff03::1', 'multicast', 'realm-local', 3],
    ['ff05::1:3', 'multicast', 'site-local', 5],
    ['ff08::1', 'multicast', 'organization-local', 8],
    ['ff0e::101', 'multicast', 'global', 14],
    ['ff16::1', 'multicast', 'unassigned', 6],
    ['ff3e:30:2001:db8::1', 'multicast', 'global', 14],
  ];
  for (const [text, kind, scope, nibble] of cases) {
    const c = classifyAddress(A(text));
    assert.deepEqual(c, nibble === undefined ? { kind, scope } : { kind, scope, multicastScope: nibble }, text);
  }
  assert.equal(allowsZone(A('ff05::1:3')), true);
  assert.equal(allowsZone(A('ff0e::1')), false);
  assert.equal(allowsZone(A('2001:db8::1')), false);
});

test('ULA /48 from an injected random source (RFC 4193 §3.2)', () => {
  const fixed = (n: number) => Uint8Array.from({ length: n }, (_, i) => [0x12, 0x34, 0x56, 0x78, 0x9a][i] ?? 0);
  const p = generateUlaPrefix(fixed);
  assert.equal(formatPrefix(p), 'fd12:3456:789a::/48');
  assert.equal(ulaGlobalId(p.network), 0x123456789an);
  assert.throws(() => generateUlaPrefix(() => new Uint8Array(3)), RangeError);
});

test('property: default ULA prefixes are fd00::/8 /48s with host bits clear', () => {
  for (let i = 0; i < 50; i++) {
    const p = generateUlaPrefix();
    assert.equal(p.length, 48);
    assert.ok(contains(unwrap(parsePrefix('fd00::/8')), p));
    assert.equal(p.network & ((1n << 80n) - 1n), 0n);
    assert.equal(classifyAddress(p.network).kind, 'unique-local');
  }
});
