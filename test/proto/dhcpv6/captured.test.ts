// Messages real clients and Kea sent in the lab (test/fixtures/dhcpv6/captured/README.md): each
// parses, and serializing the parsed value gives back the very same bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { clientId, iaNa, iaPd, parseDhcp6, serializeDhcp6, serverId } from '../../../src/proto/dhcpv6/index.ts';
import { unwrap } from '../../../src/lib/result.ts';

const DIR = new URL('../../fixtures/dhcpv6/captured/', import.meta.url);
const files = readdirSync(DIR).filter((f) => f.endsWith('.hex')).sort();

/** What each capture must be: its type and whether it carries IA_NA / IA_PD. */
const EXPECTED: Record<string, { type: string; na: boolean; pd: boolean; server: boolean }> = {
  'dhclient-solicit': { type: 'solicit', na: true, pd: false, server: false },
  'dhclient-request': { type: 'request', na: true, pd: false, server: true },
  'dhclient-pd-solicit': { type: 'solicit', na: false, pd: true, server: false },
  'dhclient-information-request': { type: 'information-request', na: false, pd: false, server: false },
  'dhcpcd-solicit': { type: 'solicit', na: true, pd: false, server: false },
  'dhcp6c-solicit': { type: 'solicit', na: false, pd: true, server: false },
  'perfdhcp-solicit': { type: 'solicit', na: true, pd: false, server: false },
  'kea-advertise': { type: 'advertise', na: true, pd: false, server: true },
  'kea-advertise-pd': { type: 'advertise', na: false, pd: true, server: true },
  'kea-reply': { type: 'reply', na: true, pd: false, server: true },
  'kea-reply-information': { type: 'reply', na: false, pd: false, server: true },
};

test('every capture listed in the README is present', () => {
  assert.deepEqual(files.map((f) => f.replace(/\.hex$/, '')).sort(), Object.keys(EXPECTED).sort());
});

for (const file of files) {
  const name = file.replace(/\.hex$/, '');
  test(`captured ${name}: parses and re-serializes byte for byte`, () => {
    const bytes = Uint8Array.from(Buffer.from(readFileSync(new URL(file, DIR), 'utf8').trim(), 'hex'));
    const msg = unwrap(parseDhcp6(bytes));
    const want = EXPECTED[name];
    assert.ok(want !== undefined);
    assert.equal(msg.type, want.type);
    assert.ok(clientId(msg) !== undefined, 'every capture carries a Client Identifier');
    assert.equal(serverId(msg) !== undefined, want.server);
    assert.equal(iaNa(msg).length > 0, want.na);
    assert.equal(iaPd(msg).length > 0, want.pd);
    assert.ok(msg.options.every((o) => o.kind !== 'raw'), 'no option of these peers falls back to raw');
    assert.deepEqual(unwrap(serializeDhcp6(msg)), bytes);
  });
}
