// Replays every file in test/fixtures/dhcpv6/regressions: each is a kind of bad input that broke
// another implementation, and each must be refused with its exact code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { parseDhcp6 } from '../../../src/proto/dhcpv6/index.ts';

const DIR = new URL('../../fixtures/dhcpv6/regressions/', import.meta.url);

const EXPECTED: Record<string, string> = {
  'option-past-end': 'option-past-end',
  'sub-option-past-end': 'option-past-end',
  'duid-too-long': 'duid-too-long',
  'duid-empty': 'duid-too-short',
  'short-ia-na': 'option-too-short',
  'short-iaaddr': 'option-too-short',
  'short-iaprefix': 'option-too-short',
  'prefix-length-over-128': 'bad-prefix-length',
  'relay-nesting-9': 'relay-too-deep',
  'relay-nesting-1700': 'relay-too-deep',
  'length-wrap': 'option-past-end',
  'advertise-many-ias': 'message-too-long',
};

const files = readdirSync(DIR).filter((f) => f.endsWith('.hex')).sort();

test('every regression file has an expected code, and every expected code a file', () => {
  assert.deepEqual(files.map((f) => f.replace(/\.hex$/, '')), Object.keys(EXPECTED).sort());
});

for (const file of files) {
  const name = file.replace(/\.hex$/, '');
  test(`regression ${name} is refused with ${EXPECTED[name]}`, () => {
    const bytes = Uint8Array.from(Buffer.from(readFileSync(new URL(file, DIR), 'utf8').trim(), 'hex'));
    const r = parseDhcp6(bytes);
    assert.equal(r.ok ? 'parsed' : r.error.code, EXPECTED[name]);
    if (!r.ok) {
      assert.ok(r.error.where !== undefined && 'offset' in r.error.where, 'the problem says where');
      assert.ok(r.error.where.offset <= bytes.length);
    }
  });
}
