import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { unwrap } from '../../../src/lib/result.ts';
import { parseNdp, serializeNdp } from '../../../src/proto/ndp/messages.ts';
import { validateReceived } from '../../../src/proto/ndp/validate.ts';
import { readHexFixture } from './hex-fixture.ts';
import { captureNdExchange, missingTool } from './lab.ts';
import type { CapturedPacket } from './lab.ts';

const DIR = new URL('../../fixtures/ndp/captured/', import.meta.url);

/** Parse, re-serialize with the captured addresses, and demand the very same bytes. */
function assertExact(p: CapturedPacket, name: string): void {
  const msg = unwrap(parseNdp(p.icmp));
  const again = unwrap(serializeNdp(msg, { source: p.source, destination: p.destination }));
  assert.equal(Buffer.from(again).toString('hex'), Buffer.from(p.icmp).toString('hex'), name);
  assert.equal(validateReceived(p.icmp, { ...p, ifindex: 2 }), undefined, name);
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.hex')).sort();

test('every captured fixture carries its addresses', () => {
  assert.deepEqual(files, ['na-kernel.hex', 'ns-kernel.hex', 'ra-radvd.hex', 'rs-rdisc6.hex']);
});

for (const file of files) {
  test(`captured ${file} re-serializes byte for byte, checksum included`, () => {
    const { meta, bytes } = readHexFixture(new URL(file, DIR));
    assertExact({ source: meta.source!, destination: meta.destination!, hopLimit: Number(meta['hop-limit']), icmp: bytes }, file);
  });
}

test('radvd RA decodes to the configured values', () => {
  const msg = unwrap(parseNdp(readHexFixture(new URL('ra-radvd.hex', DIR)).bytes));
  assert.equal(msg.type, 'ra');
  if (msg.type !== 'ra') return;
  assert.equal(msg.routerPreference, 'high');
  assert.equal(msg.other, true);
  assert.equal(msg.managed, false);
  assert.deepEqual(
    msg.options.map((o) => o.type),
    ['prefix-information', 'route-information', 'rdnss', 'dnssl', 'mtu', 'source-lla', 'advertisement-interval'],
  );
  assert.deepEqual(msg.options[1], {
    type: 'route-information',
    prefixLength: 48,
    preference: 'low',
    routeLifetime: 1800,
    prefix: '2001:db8:100::',
    length: 3,
  });
  assert.deepEqual(msg.options[3], { type: 'dnssl', lifetime: 20, domains: ['example.com', 'lab.example.net'] });
  assert.deepEqual(msg.options[5], { type: 'source-lla', address: '02:00:00:00:00:01' });
});

const labSkip =
  process.getuid?.() !== 0 ? 'needs root for network namespaces' : missingTool() !== undefined ? `${missingTool()} is not installed` : false;

test('live: radvd, rdisc6 and the kernel exchange ND messages that round-trip exactly', { skip: labSkip }, async () => {
  const packets = await captureNdExchange();
  const types = new Set(packets.map((p) => p.icmp[0]));
  for (const t of [133, 134, 135, 136]) assert.ok(types.has(t), `captured ICMPv6 type ${t}`);
  for (const p of packets.filter((p) => p.icmp[0]! >= 133 && p.icmp[0]! <= 137)) assertExact(p, `type ${p.icmp[0]}`);
});
