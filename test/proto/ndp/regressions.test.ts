// Replays every bad input kind that broke other ND implementations; each must be rejected with
// its exact code and offset, and never throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { parseNdp } from '../../../src/proto/ndp/messages.ts';
import { readHexFixture } from './hex-fixture.ts';

const DIR = new URL('../../fixtures/ndp/regressions/', import.meta.url);
const files = readdirSync(DIR).filter((f) => f.endsWith('.hex')).sort();

test('the regression corpus holds every bad-input kind', () => {
  assert.ok(files.length >= 8, `only ${files.length} regression files`);
});

for (const file of files) {
  const { meta, bytes } = readHexFixture(new URL(file, DIR));
  test(`regression ${file}: ${meta.about}`, () => {
    const r = parseNdp(bytes);
    assert.ok(!r.ok, 'must be rejected');
    assert.equal(r.error.code, meta.expect);
    assert.deepEqual(r.error.where, { offset: Number(meta.offset) });
  });
}
