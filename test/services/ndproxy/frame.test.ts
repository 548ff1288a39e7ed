// The frame parser as a table of good and bad frames, and the NA frame builder checked by the
// NDP codec reading it back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseNdp, verifyChecksum } from '../../../src/proto/ndp/index.ts';
import { buildNaFrame, receiveNs } from '../../../src/services/ndproxy/frame.ts';
import { nsFrame, value } from './ns-frames.ts';

const T = '2001:db8::c009';
const good = { target: T, source: '2001:db8::1' };

test('a valid NS is parsed: addresses, MACs and the SLLAO', () => {
  const r = receiveNs(nsFrame({ ...good, options: [{ type: 'source-lla', address: '02:00:00:00:00:07' }] }), 2);
  assert.ok(r.ok);
  assert.deepEqual(r.ns, {
    sourceMac: '02:00:00:00:00:01',
    destinationMac: '33:33:ff:00:c0:09',
    source: value('2001:db8::1'),
    destination: value('ff02::1:ff00:c009'),
    target: value(T),
    sourceLla: '02:00:00:00:00:07',
  });
});

test('Ethernet padding after the packet is ignored', () => {
  assert.equal(receiveNs(nsFrame({ ...good, padding: 6 }), 2).ok, true);
});

test('drop table', () => {
  const truncate = (f: Uint8Array, n: number) => f.subarray(0, f.length - n);
  const withByte = (f: Uint8Array, at: number, v: number) => {
    const c = f.slice();
    c[at] = v;
    return c;
  };
  const cases: [string, Uint8Array, string][] = [
    ['shorter than the headers', nsFrame(good).subarray(0, 50), 'frame-too-short'],
    ['not IPv6', withByte(nsFrame(good), 12, 0x08), 'not-ipv6'],
    ['IP version 4 in an IPv6 frame', withByte(nsFrame(good), 14, 0x40), 'ip-version'],
    ['payload length past the frame', truncate(nsFrame(good), 4), 'ip-length'],
    ['extension header', nsFrame({ ...good, nextHeader: 0 }), 'extension-header'],
    ['not an NS', withByte(nsFrame(good), 54, 136), 'not-ns'],
    ['hop limit 254', nsFrame({ ...good, hopLimit: 254 }), 'hop-limit'],
    ['bad checksum', nsFrame({ ...good, breakChecksum: true }), 'bad-checksum'],
    ['code 1', nsFrame({ ...good, corrupt: (b) => Uint8Array.from(b, (x, i) => (i === 1 ? 1 : x)) }), 'bad-code'],
    ['multicast target', nsFrame({ target: 'ff02::1', source: '2001:db8::1', destination: 'ff02::1:ff00:1' }), 'ns-multicast-target'],
    ['DAD to a unicast address', nsFrame({ target: T, source: '::', destination: T }), 'ns-unspecified-bad-destination'],
    ['DAD with an SLLAO', nsFrame({ target: T, source: '::', options: [{ type: 'source-lla', address: '02:00:00:00:00:01' }] }), 'ns-unspecified-with-sllao'],
    [
      'option overrunning the packet',
      nsFrame({ ...good, options: [{ type: 'source-lla', address: '02:00:00:00:00:01' }], corrupt: (b) => Uint8Array.from(b, (x, i) => (i === 25 ? 3 : x)) }),
      'option-overrun',
    ],
    [
      'zero-length option',
      nsFrame({ ...good, options: [{ type: 'source-lla', address: '02:00:00:00:00:01' }], corrupt: (b) => Uint8Array.from(b, (x, i) => (i === 25 ? 0 : x)) }),
      'option-length-zero',
    ],
  ];
  for (const [name, frame, reason] of cases) {
    const r = receiveNs(frame, 2);
    assert.deepEqual(r, { ok: false, reason }, name);
  }
});

test('an SLLAO that is not 6 bytes is not used as a MAC', () => {
  const r = receiveNs(nsFrame({ ...good, options: [{ type: 'raw', code: 1, bytes: new Uint8Array(14) }] }), 2);
  assert.ok(r.ok);
  assert.equal(r.ns.sourceLla, undefined);
});

test('property: no byte string throws, and whatever passes is an NS', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 120 }), fc.nat({ max: 119 }), (noise, at) => {
      const f = nsFrame(good).slice();
      for (let i = 0; i < noise.length && at + i < f.length; i++) f[at + i] = noise[i]!;
      const r = receiveNs(f, 2);
      if (r.ok) assert.equal(typeof r.ns.target, 'bigint');
    }),
  );
});

test('the NA frame carries the flags, TLLAO, hop limit 255 and a valid checksum', () => {
  const frame = buildNaFrame({
    sourceMac: '02:00:00:00:00:aa',
    destinationMac: '02:00:00:00:00:01',
    source: value('fe80::aa'),
    destination: value('2001:db8::1'),
    target: value(T),
    router: true,
    solicited: true,
    override: false,
    targetLla: '02:00:00:00:00:aa',
  });
  assert.equal(frame[21], 255);
  const icmp = frame.subarray(54);
  assert.equal(verifyChecksum(icmp, 'fe80::aa', '2001:db8::1'), true);
  const msg = parseNdp(icmp);
  assert.ok(msg.ok && msg.value.type === 'na');
  assert.deepEqual(
    { r: msg.value.router, s: msg.value.solicited, o: msg.value.override, target: msg.value.target, options: msg.value.options },
    { r: true, s: true, o: false, target: T, options: [{ type: 'target-lla', address: '02:00:00:00:00:aa' }] },
  );
  assert.deepEqual([...frame.subarray(0, 12)], [2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0xaa]);
});
