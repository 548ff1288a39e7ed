import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import {
  addressBytes,
  addressFromBytes,
  addressToBytes,
  formatAddress,
  formatAddressBytes,
  parseAddress,
} from '../../src/net/address.ts';
import { formatEndpoint, parseEndpoint } from '../../src/net/endpoint.ts';
import { formatPrefix, parseInterfaceAddress, parsePrefix } from '../../src/net/prefix.ts';

// [input, canonical output | { code }]. Parsed by the parser the form suits: `[` → endpoint,
// `/` → prefix, otherwise address.
type Expect = string | { readonly code: string };
const FORMS: ReadonlyArray<readonly [string, Expect]> = [
  // RFC 5952 §2.1–2.3: many spellings of one address, all to one canonical text.
  ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
  ['2001:0db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
  ['2001:db8::1:0:0:1', '2001:db8::1:0:0:1'],
  ['2001:db8::0:1:0:0:1', '2001:db8::1:0:0:1'],
  ['2001:0db8::1:0:0:1', '2001:db8::1:0:0:1'],
  ['2001:db8:0:0:1::1', '2001:db8::1:0:0:1'],
  ['2001:db8:0000:0:1::1', '2001:db8::1:0:0:1'],
  ['2001:DB8:0:0:1::1', '2001:db8::1:0:0:1'],
  ['2001:db8:aaaa:bbbb:cccc:dddd:eeee:0001', '2001:db8:aaaa:bbbb:cccc:dddd:eeee:1'],
  ['2001:db8:aaaa:bbbb:cccc:dddd:eeee:001', '2001:db8:aaaa:bbbb:cccc:dddd:eeee:1'],
  ['2001:db8:aaaa:bbbb:cccc:dddd:eeee:01', '2001:db8:aaaa:bbbb:cccc:dddd:eeee:1'],
  ['2001:db8:aaaa:bbbb:cccc:dddd:eeee:1', '2001:db8:aaaa:bbbb:cccc:dddd:eeee:1'],
  ['2001:db8:aaaa:bbbb:cccc:dddd::1', '2001:db8:aaaa:bbbb:cccc:dddd:0:1'],
  ['2001:db8:aaaa:bbbb:cccc:dddd:0:1', '2001:db8:aaaa:bbbb:cccc:dddd:0:1'],
  ['2001:db8:0:0:0::1', '2001:db8::1'],
  ['2001:db8:0:0::1', '2001:db8::1'],
  ['2001:db8:0::1', '2001:db8::1'],
  ['2001:db8::1', '2001:db8::1'],
  ['2001:db8::aaaa:0:0:1', '2001:db8::aaaa:0:0:1'],
  ['2001:db8:0:0:aaaa::1', '2001:db8::aaaa:0:0:1'],
  ['2001:db8:aaaa:bbbb:cccc:dddd:eeee:AAAA', '2001:db8:aaaa:bbbb:cccc:dddd:eeee:aaaa'],
  ['2001:db8:aaaa:bbbb:cccc:dddd:eeee:AaAa', '2001:db8:aaaa:bbbb:cccc:dddd:eeee:aaaa'],
  // RFC 5952 §4.1–4.3.
  ['2001:0db8::0001', '2001:db8::1'],
  ['2001:db8:0:0:0:0:2:1', '2001:db8::2:1'],
  ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
  ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
  ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
  // Edges of "::".
  ['::', '::'],
  ['0:0:0:0:0:0:0:0', '::'],
  ['::1', '::1'],
  ['1::', '1::'],
  ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
  ['::2:3:4:5:6:7:8', '0:2:3:4:5:6:7:8'],
  ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
  ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
  // Embedded IPv4 (RFC 4291 §2.2 form 3); mixed output only for IPv4-mapped (RFC 5952 §5).
  ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
  ['::ffff:10.0.0.1', '::ffff:10.0.0.1'],
  ['::FFFF:c000:0201', '::ffff:192.0.2.1'],
  ['0:0:0:0:0:ffff:192.0.2.1', '::ffff:192.0.2.1'],
  ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
  ['::192.0.2.1', '::c000:201'],
  ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304'],
  // Zones (RFC 4007 §11): kept, allowed only on non-global addresses.
  ['fe80::1%eth0', 'fe80::1%eth0'],
  ['FE80::0001%lan0', 'fe80::1%lan0'],
  ['fe80::1%2', 'fe80::1%2'],
  ['ff02::1:2%lan0', 'ff02::1:2%lan0'],
  ['2001:db8::1%eth0', { code: 'zone-not-allowed' }],
  ['fd00::1%eth0', { code: 'zone-not-allowed' }],
  ['::1%lo', { code: 'zone-not-allowed' }],
  ['ff0e::1%eth0', { code: 'zone-not-allowed' }],
  ['fe80::1%', { code: 'bad-zone' }],
  ['fe80::1%a/b', { code: 'unexpected-length' }],
  ['fe80::1%averyveryverylongname', { code: 'bad-zone' }],
  // From oVirt's and Docker's IPv6 documentation.
  ['2001:db8:1::/64', '2001:db8:1::/64'],
  ['fd00:dead:beef::/48', 'fd00:dead:beef::/48'],
  ['2001:db8::242:ac11:2', '2001:db8::242:ac11:2'],
  ['2001:db8:1::/80', '2001:db8:1::/80'],
  ['[2001:db8::1]:8080', '[2001:db8::1]:8080'],
  ['[2001:db8::1]', '[2001:db8::1]'],
  ['[fe80::1%25eth0]:80', '[fe80::1%25eth0]:80'],
  ['[fe80::1%eth0]:80', '[fe80::1%25eth0]:80'],
  ['[::1]:0', '[::1]:0'],
  ['[::1]:65536', { code: 'bad-port' }],
  ['[::1]:08', { code: 'bad-port' }],
  ['[::1]8080', { code: 'bad-port' }],
  ['[::1', { code: 'unexpected-brackets' }],
  ['[192.0.2.1]:80', { code: 'not-ipv6' }],
  // Prefixes.
  ['::/0', '::/0'],
  ['2001:DB8::/32', '2001:db8::/32'],
  ['::1/128', '::1/128'],
  ['::1/129', { code: 'bad-length' }],
  ['2001:db8::/64/64', { code: 'bad-length' }],
  ['2001:db8::/064', { code: 'bad-length' }],
  ['2001:db8::/', { code: 'bad-length' }],
  ['2001:db8::1/64', { code: 'host-bits-set' }],
  ['192.0.2.0/24', { code: 'not-ipv6' }],
  ['fe80::%eth0/64', { code: 'zone-not-allowed' }],
  ['2001:db8:::/48', { code: 'bad-compression' }],
  // Invalid addresses.
  ['2001:db8:::1', { code: 'bad-compression' }],
  ['1::2::3', { code: 'bad-compression' }],
  ['1:2:3:4:5:6:7:8:9', { code: 'too-many-groups' }],
  ['1::2:3:4:5:6:7:8', { code: 'too-many-groups' }],
  ['1:2:3:4:5:6:7', { code: 'too-few-groups' }],
  ['12345::', { code: 'group-too-long' }],
  ['g::1', { code: 'bad-character' }],
  ['2001:db8::1 ', { code: 'whitespace' }],
  [' ', { code: 'whitespace' }],
  ['', { code: 'empty' }],
  ['192.0.2.1', { code: 'not-ipv6' }],
  [':1::', { code: 'empty-group' }],
  ['1::2:', { code: 'empty-group' }],
  ['1.2.3.4::', { code: 'bad-ipv4-tail' }],
  ['::1.2.3', { code: 'bad-ipv4-tail' }],
  ['::1.2.3.256', { code: 'bad-ipv4-tail' }],
  ['::ffff:1.2.3.04', { code: 'bad-ipv4-tail' }],
  ['abcd', { code: 'too-few-groups' }],
];

function parseAndFormat(text: string): { ok: true; text: string } | { ok: false; code: string } {
  if (text.startsWith('[')) {
    const r = parseEndpoint(text);
    return r.ok ? { ok: true, text: formatEndpoint(r.value) } : { ok: false, code: r.error.code };
  }
  if (text.includes('/') && !text.includes('%a/')) {
    const r = parsePrefix(text);
    return r.ok ? { ok: true, text: formatPrefix(r.value) } : { ok: false, code: r.error.code };
  }
  const r = parseAddress(text);
  return r.ok ? { ok: true, text: formatAddress(r.value) } : { ok: false, code: r.error.code };
}

test(`a table of ${FORMS.length} textual forms parses to canonical text or the expected error`, () => {
  assert.ok(FORMS.length >= 60);
  for (const [input, expected] of FORMS) {
    const got = parseAndFormat(input);
    if (typeof expected === 'string') assert.deepEqual(got, { ok: true, text: expected }, `input ${JSON.stringify(input)}`);
    else assert.deepEqual(got, { ok: false, code: expected.code }, `input ${JSON.stringify(input)}`);
  }
});

test('error messages name the text and the reason', () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ['192.0.2.1', '192.0.2.1 is an IPv4 address; an IPv6 address is required'],
    ['', 'an empty string is not an IPv6 address'],
    ['12345::', '12345:: is not an IPv6 address: the group 12345 has more than 4 hex digits'],
    ['g::1', 'g::1 is not an IPv6 address: "g" is not a hex digit, ":" or "."'],
    [' ::1', '" ::1" is not an IPv6 address: it has leading or trailing whitespace'],
    ['1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7:8:9 is not an IPv6 address: it has 9 groups of 16 bits; an address has 8'],
    [
      '2001:db8::1%eth0',
      '2001:db8::1%eth0 is not an IPv6 address: a zone (%eth0) belongs only on a non-global address such as fe80::/10 or ff02::/16 (RFC 4007 §11.1)',
    ],
  ];
  for (const [input, message] of cases) {
    const r = parseAddress(input);
    assert.equal(r.ok ? 'parsed' : r.error.message, message);
  }
  const prefixCases: ReadonlyArray<readonly [string, string]> = [
    ['2001:db8::1/64', '2001:db8::1/64 has bits set beyond /64; the prefix is 2001:db8::/64'],
    ['192.0.2.0/24', '192.0.2.0/24 is an IPv4 prefix; an IPv6 prefix is required'],
    ['2001:db8:::/48', '2001:db8:::/48 is not an IPv6 prefix: it has ":::"; "::" stands for the zero groups'],
    ['2001:db8::', '2001:db8:: has no prefix length; write it as 2001:db8::/length'],
  ];
  for (const [input, message] of prefixCases) {
    const r = parsePrefix(input);
    assert.equal(r.ok ? 'parsed' : r.error.message, message);
  }
});

test('non-strict prefix parsing clears host bits', () => {
  const r = parsePrefix('2001:db8::1/64', { strict: false });
  assert.ok(r.ok);
  assert.equal(formatPrefix(r.value), '2001:db8::/64');
});

test('interface addresses keep the host part and derive the on-link prefix', () => {
  const r = parseInterfaceAddress('2001:db8::1/64');
  assert.ok(r.ok);
  assert.equal(formatAddress(r.value.address), '2001:db8::1');
  assert.equal(formatPrefix(r.value.prefix), '2001:db8::/64');
  const ll = parseInterfaceAddress('fe80::1%eth0/64');
  assert.ok(ll.ok);
  assert.equal(ll.value.address.zone, 'eth0');
  const bad = parseInterfaceAddress('2001:db8::1');
  assert.equal(bad.ok ? 'parsed' : bad.error.code, 'missing-length');
});

test('bytes ↔ address round trip and the codec helpers keep their contract', () => {
  const bytes = Uint8Array.from([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  assert.equal(formatAddress(addressFromBytes(bytes)), '2001:db8::1');
  assert.deepEqual(addressToBytes(addressFromBytes(bytes)), bytes);
  const padded = new Uint8Array(20);
  padded.set(bytes, 4);
  assert.equal(formatAddressBytes(padded, 4), '2001:db8::1');
  assert.deepEqual(addressBytes('2001:db8::1'), bytes);
  assert.equal(addressBytes('fe80::1%eth0'), undefined);
  assert.equal(addressBytes('2001:db8::/64'), undefined);
  assert.equal(addressBytes('nonsense'), undefined);
  assert.throws(() => addressFromBytes(bytes, 1), RangeError);
});

const value128 = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n });
// Random values rarely have zero runs; mix in groups that are mostly zero.
const sparse128 = fc
  .array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 })
  .map((groups) => groups.reduce((v, g) => (v << 16n) | BigInt(g), 0n));
const anyValue = fc.oneof(value128, sparse128, fc.bigInt({ min: 0n, max: 0xffffffffn }).map((v) => (0xffffn << 32n) | v));

test('property: parse(format(x)) is x and formatting is a fixpoint', () => {
  fc.assert(
    fc.property(anyValue, (v) => {
      const text = formatAddress(v);
      const parsed = parseAddress(text);
      assert.ok(parsed.ok, text);
      assert.equal(parsed.value.value, v);
      assert.equal(formatAddress(parsed.value), text);
      assert.equal(text, text.toLowerCase());
    }),
    { numRuns: 2000 },
  );
});

test('property: canonical text agrees with ipaddr.js RFC 5952 output (outside ::ffff:0:0/96)', () => {
  fc.assert(
    fc.property(fc.oneof(value128, sparse128), (v) => {
      fc.pre(v >> 32n !== 0xffffn);
      const oracle = (ipaddr.fromByteArray(Array.from(addressToBytes(v))) as ipaddr.IPv6).toRFC5952String();
      assert.equal(formatAddress(v), oracle);
    }),
    { numRuns: 3000 },
  );
});

test('property: random prefixes format to a fixpoint', () => {
  fc.assert(
    fc.property(anyValue, fc.integer({ min: 0, max: 128 }), (v, length) => {
      const network = length === 0 ? 0n : v & (((1n << BigInt(length)) - 1n) << BigInt(128 - length));
      const text = formatPrefix({ network, length });
      const parsed = parsePrefix(text);
      assert.ok(parsed.ok, text);
      assert.deepEqual(parsed.value, { network, length });
      assert.equal(formatPrefix(parsed.value), text);
    }),
    { numRuns: 2000 },
  );
});

test('property: parsing never throws on arbitrary text', () => {
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFg:.%/[] x'.split('')), maxLength: 45 }), (s) => {
      const r = parseAddress(s);
      if (r.ok) assert.equal(parseAddress(formatAddress(r.value)).ok, true);
      parsePrefix(s);
      parseEndpoint(s);
    }),
    { numRuns: 3000 },
  );
});
