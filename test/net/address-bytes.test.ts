import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addressBytes, formatAddressBytes } from '../../src/net/address.ts';
import { formatAddressAt, formatPrefixAt, writeAddress } from '../../src/net/address-bytes.ts';

const value128 = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n });
// Addresses with runs of zero groups, where RFC 5952 compression has choices to make.
const groupy = fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 })
  .map((gs) => gs.reduce((v, g) => (v << 16n) | BigInt(g), 0n));
const bytesOf = (v: bigint): Uint8Array => {
  const out = new Uint8Array(16);
  for (let i = 15; i >= 0; i--, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
};

test('property: the fast address text agrees with src/net both ways', () => {
  fc.assert(fc.property(fc.oneof(value128, groupy), fc.integer({ min: 0, max: 7 }), (v, pad) => {
    const bytes = bytesOf(v);
    const at = new Uint8Array(16 + pad);
    at.set(bytes, pad);
    const text = formatAddressAt(at, pad);
    assert.equal(text, formatAddressBytes(bytes));
    // Back to bytes from the canonical text, from the uncompressed upper-case text, and from
    // the dotted form src/net hands over.
    const full = [...Array(8).keys()].map((i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16).padStart(4, '0').toUpperCase()).join(':');
    // Any one zero group may stand as `::` (RFC 4291 §2.2), not only the run RFC 5952 picks.
    const groups = full.split(':');
    const zero = groups.indexOf('0000');
    const oneGap = zero < 0 ? full : `${groups.slice(0, zero).join(':')}::${groups.slice(zero + 1).join(':')}`;
    for (const form of [text, full, oneGap]) {
      const out = new Uint8Array(16);
      assert.equal(writeAddress(form, out, 0), true, form);
      assert.deepEqual(out, bytes, form);
    }
  }), { numRuns: 2000 });
});

test('the fast address parser refuses what src/net refuses', () => {
  for (const text of ['', ':', ':::', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '12345::', ':1::', '1::2:', 'g::', '::ffff:1.2.3.4.5', 'fe80::1%eth0', '2001:db8::/48']) {
    const out = new Uint8Array(16);
    assert.equal(writeAddress(text, out, 0), addressBytes(text) !== undefined, text);
    assert.equal(writeAddress(text, out, 0), false, text);
  }
  const out = new Uint8Array(16);
  assert.equal(writeAddress('::ffff:192.0.2.1', out, 0), true);
  assert.equal(formatAddressAt(out, 0), '::ffff:192.0.2.1');
});

test('property: the fast parser and src/net agree on any text of address characters', () => {
  // Mostly malformed texts: colons, hex digits and dots in any order, up to 41 characters.
  const char = fc.constantFrom(':', ':', ':', '0', '1', 'a', 'F', 'f', '9', '.', '2');
  fc.assert(fc.property(fc.array(char, { maxLength: 41 }).map((cs) => cs.join('')), (text) => {
    const out = new Uint8Array(16);
    const slow = addressBytes(text);
    assert.equal(writeAddress(text, out, 0), slow !== undefined, text);
    if (slow !== undefined) assert.deepEqual(out, slow, text);
  }), { numRuns: 5000 });
});

test('property: a prefix text is the address text, a slash and the length', () => {
  fc.assert(fc.property(fc.oneof(value128, groupy), fc.integer({ min: 0, max: 128 }), fc.integer({ min: 0, max: 7 }), (v, length, pad) => {
    const at = new Uint8Array(16 + pad);
    at.set(bytesOf(v), pad);
    assert.equal(formatPrefixAt(at, pad, length), `${formatAddressBytes(bytesOf(v))}/${length}`);
  }), { numRuns: 2000 });
  assert.equal(formatPrefixAt(bytesOf(0n), 0, 0), '::/0');
  assert.equal(formatPrefixAt(bytesOf(0xffffc0000201n), 0, 128), '::ffff:192.0.2.1/128');
});
