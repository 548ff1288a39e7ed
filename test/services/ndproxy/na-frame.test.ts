// Proxy NA frames from the per-interface template, read back by the general NDP codec.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { addressFromBytes, formatAddress } from '../../../src/net/address.ts';
import { parseNdp, verifyChecksum } from '../../../src/proto/ndp/index.ts';
import { buildNaFrame, NA_FRAME_LENGTH, naTemplate, type NaAnswer } from '../../../src/services/ndproxy/na-frame.ts';
import { macValue, readMac } from '../../../src/services/ndproxy/wire.ts';
import { value } from './ns-frames.ts';

const mac = (text: string): number => macValue(text) ?? assert.fail(`${text} is not a MAC`);
const sender = { mac: mac('02:00:00:00:00:aa'), linkLocal: value('fe80::aa') };
const answer: NaAnswer = {
  destinationMac: mac('02:00:00:00:00:01'),
  destination: value('2001:db8::1'),
  target: value('2001:db8::c009'),
  router: true,
  solicited: true,
  override: false,
};

test('the NA frame carries the flags, TLLAO, hop limit 255 and a valid checksum', () => {
  const frame = buildNaFrame(sender, answer);
  assert.equal(frame.length, NA_FRAME_LENGTH);
  assert.deepEqual([...frame.subarray(0, 14)], [2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0xaa, 0x86, 0xdd]);
  assert.deepEqual([frame[14], frame[19], frame[20], frame[21]], [0x60, 32, 58, 255]);
  assert.equal(formatAddress(addressFromBytes(frame, 22)), 'fe80::aa');
  assert.equal(formatAddress(addressFromBytes(frame, 38)), '2001:db8::1');
  const icmp = frame.subarray(54);
  assert.equal(verifyChecksum(icmp, 'fe80::aa', '2001:db8::1'), true);
  const msg = parseNdp(icmp);
  assert.ok(msg.ok && msg.value.type === 'na');
  assert.deepEqual(
    { r: msg.value.router, s: msg.value.solicited, o: msg.value.override, target: msg.value.target, options: msg.value.options },
    { r: true, s: true, o: false, target: '2001:db8::c009', options: [{ type: 'target-lla', address: '02:00:00:00:00:aa' }] },
  );
});

test('property: a reused template gives the same bytes as a fresh one, and the codec reads back what was asked', () => {
  const template = naTemplate(sender);
  const addresses = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n });
  const answers = fc.record({
    destinationMac: fc.integer({ min: 0, max: 2 ** 48 - 1 }),
    destination: addresses,
    target: addresses,
    router: fc.boolean(),
    solicited: fc.boolean(),
    override: fc.boolean(),
  });
  fc.assert(
    fc.property(answers, (a) => {
      const reused = template.fill(a);
      assert.deepEqual(reused, buildNaFrame(sender, a));
      assert.equal(readMac(reused, 0), a.destinationMac);
      const icmp = reused.subarray(54);
      assert.equal(verifyChecksum(icmp, 'fe80::aa', formatAddress(a.destination)), true);
      const msg = parseNdp(icmp);
      assert.ok(msg.ok && msg.value.type === 'na');
      assert.deepEqual([msg.value.router, msg.value.solicited, msg.value.override, msg.value.target], [a.router, a.solicited, a.override, formatAddress(a.target)]);
    }),
    { numRuns: 500 },
  );
});
