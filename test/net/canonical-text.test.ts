// tryCanonicalAddress / tryCanonicalPrefix: canonical RFC 5952 text or undefined, never a throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatAddress, tryCanonicalAddress } from '../../src/net/address.ts';
import { formatPrefix, prefixOf, tryCanonicalPrefix } from '../../src/net/prefix.ts';

const ADDRESSES: ReadonlyArray<readonly [string, string | undefined]> = [
  ['2001:DB8:0:0::0001', '2001:db8::1'],
  ['2001:db8::1', '2001:db8::1'],
  ['::', '::'],
  ['::FFFF:192.0.2.1', '::ffff:192.0.2.1'],
  // A zone stays: it is part of what a link-local address means (RFC 4007 §11).
  ['FE80::0:1%eth0', 'fe80::1%eth0'],
  ['2001:db8::1%eth0', undefined],
  ['2001:db8::/64', undefined],
  ['192.0.2.1', undefined],
  [' ::1', undefined],
  ['', undefined],
  ['not an address', undefined],
];

const PREFIXES: ReadonlyArray<readonly [string, string | undefined]> = [
  ['2001:DB8:0::/48', '2001:db8::/48'],
  // Host bits are cleared, as the lenient parse does (radvd accepts them too).
  ['2001:db8::1/64', '2001:db8::/64'],
  ['2001:db8:1:2:3::/56', '2001:db8:1::/56'],
  ['::/0', '::/0'],
  ['2001:db8::1/128', '2001:db8::1/128'],
  ['2001:db8::', undefined],
  ['2001:db8::/129', undefined],
  ['fe80::%eth0/64', undefined],
  ['192.0.2.0/24', undefined],
  ['', undefined],
];

test('tryCanonicalAddress: a table of spellings to canonical text or undefined', () => {
  for (const [input, expected] of ADDRESSES) assert.equal(tryCanonicalAddress(input), expected, `input ${JSON.stringify(input)}`);
});

test('tryCanonicalPrefix: a table of spellings to canonical text or undefined', () => {
  for (const [input, expected] of PREFIXES) assert.equal(tryCanonicalPrefix(input), expected, `input ${JSON.stringify(input)}`);
});

test('property: both are fixpoints on their own output and never throw', () => {
  const text = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF:.%/ x'.split('')), maxLength: 45 });
  fc.assert(
    fc.property(text, (s) => {
      const a = tryCanonicalAddress(s);
      if (a !== undefined) assert.equal(tryCanonicalAddress(a), a);
      const p = tryCanonicalPrefix(s);
      if (p !== undefined) assert.equal(tryCanonicalPrefix(p), p);
    }),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), fc.integer({ min: 0, max: 128 }), (v, length) => {
      assert.equal(tryCanonicalAddress(formatAddress(v)), formatAddress(v));
      // Spelled with its host bits, it comes back as the prefix holding the address.
      assert.equal(tryCanonicalPrefix(`${formatAddress(v)}/${length}`), formatPrefix(prefixOf(v, length)));
    }),
    { numRuns: 1000 },
  );
});
