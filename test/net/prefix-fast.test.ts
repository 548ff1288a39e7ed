// The byte fast paths of src/net/prefix.ts (writePrefix, valueAt, formatPrefix, tryCanonicalPrefix)
// must give what the exact bigint path of src/net/address.ts gives, on any text: every length
// 0–128, either case, compressed or not, a dotted IPv4 tail, and text that is no prefix at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatAddress, parseAddress } from '../../src/net/address.ts';
import { formatPrefix, parsePrefix, prefixMask, tryCanonicalPrefix, valueAt, writePrefix, type Prefix } from '../../src/net/prefix.ts';

const value128 = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n });
/** Values with runs of zero groups (where RFC 5952 compression chooses) and IPv4-mapped ones (§5). */
const groupy = fc
  .array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 })
  .map((gs) => gs.reduce((v, g) => (v << 16n) | BigInt(g), 0n));
const mapped = fc.integer({ min: 0, max: 0xffffffff }).map((v4) => (0xffffn << 32n) | BigInt(v4));
const anyValue = fc.oneof(value128, groupy, mapped);

const groupsOf = (v: bigint): number[] => Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(112 - 16 * i)) & 0xffffn));

/** One of the RFC 4291 §2.2 spellings of `v`: full, unpadded, one zero run as `::`, a dotted tail; upper or lower case. */
const spelling = fc.tuple(anyValue, fc.nat(3), fc.boolean()).map(([v, form, upper]) => {
  const g = groupsOf(v);
  const hex = g.map((x) => x.toString(16));
  let text: string;
  if (form === 0) text = g.map((x) => x.toString(16).padStart(4, '0')).join(':');
  else if (form === 1) text = hex.join(':');
  else if (form === 2) {
    const zero = g.indexOf(0);
    text = zero < 0 ? hex.join(':') : `${hex.slice(0, zero).join(':')}::${hex.slice(zero + 1).join(':')}`;
  } else {
    const v4 = Number(v & 0xffffffffn);
    text = `${hex.slice(0, 6).join(':')}:${[v4 >>> 24, (v4 >>> 16) & 0xff, (v4 >>> 8) & 0xff, v4 & 0xff].join('.')}`;
  }
  return upper ? text.toUpperCase() : text;
});
const prefixText = fc.tuple(spelling, fc.integer({ min: 0, max: 128 })).map(([a, n]) => `${a}/${n}`);
/** Mostly malformed: prefix characters in any order, and near misses of a valid prefix. */
const junk = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF:./% '.split('')), maxLength: 45 }),
  prefixText.map((t) => `${t}0`),
  prefixText.map((t) => t.replace('/', '/0')),
  prefixText.map((t) => ` ${t}`),
  prefixText.map((t) => t.replace('/', '%eth0/')),
);
const anyText = fc.oneof(prefixText, junk);

/** The exact path: the bigint parse of address.ts under parsePrefix's own rules for the length. */
function exactPrefix(text: string): { network: bigint; length: number; hostBits: boolean } | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const lengthText = text.slice(slash + 1);
  if (!/^(0|[1-9]\d{0,2})$/.test(lengthText) || Number(lengthText) > 128) return undefined;
  const addressText = text.slice(0, slash);
  if (addressText.includes('%')) return undefined;
  const a = parseAddress(addressText);
  if (!a.ok) return undefined;
  const length = Number(lengthText);
  const network = a.value.value & prefixMask(length);
  return { network, length, hostBits: network !== a.value.value };
}

test('property: writePrefix and valueAt give the exact path’s network and length, or -1 where it fails', () => {
  fc.assert(
    fc.property(anyText, fc.nat(8), (text, offset) => {
      const into = new Uint8Array(offset + 16);
      const length = writePrefix(text, into, offset);
      const exact = exactPrefix(text);
      if (exact === undefined) {
        assert.equal(length, -1, text);
        return;
      }
      assert.equal(length, exact.length, text);
      assert.equal(valueAt(new DataView(into.buffer), offset), exact.network, text);
    }),
    { numRuns: 3000 },
  );
});

test('property: parsePrefix agrees with the exact path, strict and lenient', () => {
  fc.assert(
    fc.property(anyText, (text) => {
      const exact = exactPrefix(text);
      const lenient = parsePrefix(text, { strict: false });
      const strict = parsePrefix(text);
      assert.equal(lenient.ok, exact !== undefined, text);
      assert.equal(strict.ok, exact !== undefined && !exact.hostBits, text);
      if (lenient.ok) assert.deepEqual(lenient.value, { network: exact!.network, length: exact!.length });
      if (!strict.ok && exact?.hostBits === true) assert.equal(strict.error.code, 'host-bits-set');
    }),
    { numRuns: 3000 },
  );
});

test('property: formatPrefix and tryCanonicalPrefix print what formatAddress prints', () => {
  fc.assert(
    fc.property(anyValue, fc.integer({ min: 0, max: 128 }), (v, length) => {
      const p: Prefix = { network: v & prefixMask(length), length };
      const want = `${formatAddress(p.network)}/${length}`;
      assert.equal(formatPrefix(p), want);
      assert.equal(tryCanonicalPrefix(`${formatAddress(v)}/${length}`), want);
    }),
    { numRuns: 3000 },
  );
  fc.assert(
    fc.property(anyText, (text) => {
      const exact = exactPrefix(text);
      assert.equal(tryCanonicalPrefix(text), exact === undefined ? undefined : `${formatAddress(exact.network)}/${exact.length}`, text);
    }),
    { numRuns: 3000 },
  );
});

test('the fast paths on the edges of the text form', () => {
  const cases: ReadonlyArray<readonly [string, string | undefined]> = [
    ['::/0', '::/0'],
    ['FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF/128', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128'],
    ['2001:db8::ff/121', '2001:db8::80/121'],
    ['::ffff:192.0.2.1/128', '::ffff:192.0.2.1/128'],
    ['::ffff:192.0.2.255/120', '::ffff:192.0.2.0/120'],
    ['2001:db8::/64/64', undefined],
    ['2001:db8::/', undefined],
    ['/64', undefined],
    ['2001:db8::/064', undefined],
    ['2001:db8::/129', undefined],
    ['2001:db8:: /64', undefined],
    ['fe80::%eth0/64', undefined],
    ['192.0.2.0/24', undefined],
    ['[2001:db8::]/64', undefined],
  ];
  for (const [text, want] of cases) {
    assert.equal(tryCanonicalPrefix(text), want, text);
    assert.equal(writePrefix(text, new Uint8Array(16), 0) >= 0, want !== undefined, text);
  }
  // Values outside 128 bits are no address: formatPrefix leaves them to formatAddress.
  assert.equal(formatPrefix({ network: 1n << 128n, length: 0 }), `${formatAddress(1n << 128n)}/0`);
});
