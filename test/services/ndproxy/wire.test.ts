// The byte-level helpers against the general (text and allocation) implementations.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { addressFromBytes, addressToBytes } from '../../../src/net/address.ts';
import { formatMac } from '../../../src/net/eui64.ts';
import { NEXT_HEADER_ICMPV6, pseudoHeaderChecksum } from '../../../src/proto/checksum.ts';
import { icmpChecksum, macValue, readAddress, readMac, writeAddress, writeMac } from '../../../src/services/ndproxy/wire.ts';

const address = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n });

test('property: addresses read and write as addressFromBytes and addressToBytes do', () => {
  fc.assert(
    fc.property(address, fc.nat({ max: 8 }), (v, at) => {
      const bytes = new Uint8Array(at + 16);
      const view = new DataView(bytes.buffer);
      writeAddress(view, at, v);
      assert.deepEqual(bytes.subarray(at), addressToBytes(v));
      assert.equal(readAddress(view, at), addressFromBytes(bytes, at).value);
      assert.equal(readAddress(view, at), v);
    }),
  );
});

test('MAC values: table and round trip', () => {
  assert.equal(macValue('02:00:00:00:00:01'), 0x0200_0000_0001);
  assert.equal(macValue('FF:FF:FF:FF:FF:FF'), 2 ** 48 - 1);
  assert.equal(macValue('33:33:00:00:00:01'), 0x3333_0000_0001);
  assert.equal(macValue('02:00:00:00:01'), undefined);
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), (mac) => {
      const n = macValue(formatMac(mac));
      assert.equal(n, readMac(mac, 0));
      const out = new Uint8Array(8);
      writeMac(out, 1, n!);
      assert.deepEqual(out.subarray(1, 7), mac);
      assert.deepEqual([out[0], out[7]], [0, 0]);
    }),
  );
});

test('property: the in-frame ICMPv6 checksum equals the pseudo-header checksum of RFC 8200 §8.1', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 300 }), fc.nat({ max: 20 }), (addresses, icmp, padding) => {
      const ip = 14;
      const frame = new Uint8Array(ip + 40 + icmp.length + padding);
      frame.set(addresses, ip + 8);
      frame.set(icmp, ip + 40);
      const want = pseudoHeaderChecksum(addresses.subarray(0, 16), addresses.subarray(16), NEXT_HEADER_ICMPV6, icmp);
      assert.equal(icmpChecksum(frame, ip, icmp.length), want);
    }),
  );
});

test('a worst-case sum still folds: 65,000 bytes of 0xff', () => {
  const icmp = new Uint8Array(65_000).fill(0xff);
  const frame = new Uint8Array(54 + icmp.length);
  frame.fill(0xff, 22, 54);
  frame.set(icmp, 54);
  assert.equal(icmpChecksum(frame, 14, icmp.length), pseudoHeaderChecksum(frame.subarray(22, 38), frame.subarray(38, 54), NEXT_HEADER_ICMPV6, icmp));
});
