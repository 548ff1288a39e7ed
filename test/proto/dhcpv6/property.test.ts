// Property tests: parse(serialize(m)) deep-equals m for generated messages of every type with
// nested IAs and relay chains; and parse never throws on arbitrary bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeDuid, encodeDuid, parseDhcp6, serializeDhcp6 } from '../../../src/proto/dhcpv6/index.ts';
import { unwrap } from '../../../src/lib/result.ts';
import { duid, message } from './arbitraries.ts';

test('parse(serialize(m)) equals m, and the bytes re-serialize identically', () => {
  fc.assert(
    fc.property(message(3), (m) => {
      const bytes = unwrap(serializeDhcp6(m));
      const parsed = unwrap(parseDhcp6(bytes));
      assert.deepEqual(parsed, m);
      assert.deepEqual(unwrap(serializeDhcp6(parsed)), bytes);
    }),
    { numRuns: 400, seed: 20261121 },
  );
});

test('decodeDuid(encodeDuid(d)) equals d', () => {
  fc.assert(
    fc.property(duid, (d) => {
      const bytes = unwrap(encodeDuid(d, 'duid'));
      assert.deepEqual(unwrap(decodeDuid(bytes, 0, bytes.length)), d);
    }),
    { numRuns: 300, seed: 7 },
  );
});

test('parse returns a result for any bytes, never throws', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
      const r = parseDhcp6(b);
      assert.equal(typeof r.ok, 'boolean');
      if (!r.ok) assert.ok(r.error.where !== undefined && 'offset' in r.error.where);
    }),
    { numRuns: 2000, seed: 11 },
  );
});
