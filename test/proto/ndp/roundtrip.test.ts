import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseNdp, serializeNdp, verifyChecksum } from '../../../src/proto/ndp/messages.ts';
import { unwrap } from '../../../src/lib/result.ts';
import { message } from './arbitraries.ts';

test('parse(serialize(m)) deep-equals m for arbitrary messages', () => {
  fc.assert(
    fc.property(message, (m) => {
      const bytes = unwrap(serializeNdp(m));
      assert.deepEqual(unwrap(parseNdp(bytes)), m);
    }),
    { numRuns: 2000 },
  );
});

test('serialize with addresses writes a checksum that verifies, and only for those addresses', () => {
  fc.assert(
    fc.property(message, (m) => {
      const bytes = unwrap(serializeNdp(m, { source: 'fe80::1', destination: 'ff02::1' }));
      assert.ok(verifyChecksum(bytes, 'fe80::1', 'ff02::1'));
      assert.ok(!verifyChecksum(bytes, 'fe80::2', 'ff02::1'));
    }),
    { numRuns: 300 },
  );
});

test('parse → serialize → parse is stable for arbitrary bytes that parse', () => {
  // Half the inputs are mutated valid messages so that many of them parse.
  const mutated = fc.tuple(message, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 })).map(([m, edits]) => {
    const bytes = Uint8Array.from(unwrap(serializeNdp(m)));
    for (const [at, value] of edits) bytes[at % bytes.length] = value;
    return bytes;
  });
  let parsed = 0;
  fc.assert(
    fc.property(fc.oneof(mutated, fc.uint8Array({ maxLength: 200 })), (bytes) => {
      const first = parseNdp(bytes);
      if (!first.ok) return;
      parsed++;
      const again = unwrap(parseNdp(unwrap(serializeNdp(first.value))));
      assert.deepEqual(again, first.value);
    }),
    { numRuns: 3000 },
  );
  assert.ok(parsed > 100, `only ${parsed} inputs parsed`);
});
