// The frame parser as a table of good and bad frames, and as a property: on any frame it agrees
// with the general NDP codec (parseNdp + validateReceived over address text), which is what it
// replaced on the hot path.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { addressFromBytes, formatAddress } from '../../../src/net/address.ts';
import { parseMac } from '../../../src/net/eui64.ts';
import { NEXT_HEADER_ICMPV6, pseudoHeaderChecksum } from '../../../src/proto/checksum.ts';
import { parseNdp, validateReceived } from '../../../src/proto/ndp/index.ts';
import { receiveNs, type FrameResult } from '../../../src/services/ndproxy/frame.ts';
import { macValue } from '../../../src/services/ndproxy/wire.ts';
import { nsFrame, value } from './ns-frames.ts';

const T = '2001:db8::c009';
const good = { target: T, source: '2001:db8::1' };
const mac = (text: string): number => macValue(text) ?? assert.fail(`${text} is not a MAC`);

test('a valid NS is parsed: addresses, the frame source MAC and the SLLAO', () => {
  const r = receiveNs(nsFrame({ ...good, options: [{ type: 'source-lla', address: '02:00:00:00:00:07' }] }));
  assert.ok(r.ok);
  assert.deepEqual(r.ns, {
    sourceMac: mac('02:00:00:00:00:01'),
    source: value('2001:db8::1'),
    destination: value('ff02::1:ff00:c009'),
    target: value(T),
    sourceLla: mac('02:00:00:00:00:07'),
  });
});

test('Ethernet padding after the packet is ignored', () => {
  assert.equal(receiveNs(nsFrame({ ...good, padding: 6 })).ok, true);
});

test('drop table', () => {
  const truncate = (f: Uint8Array, n: number) => f.subarray(0, f.length - n);
  const withByte = (f: Uint8Array, at: number, v: number) => {
    const c = f.slice();
    c[at] = v;
    return c;
  };
  const sllao = [{ type: 'source-lla' as const, address: '02:00:00:00:00:01' }];
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
    ['shorter than an NS', nsFrame({ ...good, corrupt: (b) => b.slice(0, 20) }), 'too-short'],
    ['multicast target', nsFrame({ target: 'ff02::1', source: '2001:db8::1', destination: 'ff02::1:ff00:1' }), 'ns-multicast-target'],
    ['multicast source', nsFrame({ ...good, source: 'ff02::1' }), 'source-multicast'],
    ['DAD to a unicast address', nsFrame({ target: T, source: '::', destination: T }), 'ns-unspecified-bad-destination'],
    ['DAD with an SLLAO', nsFrame({ target: T, source: '::', options: sllao }), 'ns-unspecified-with-sllao'],
    ['option overrunning the packet', nsFrame({ ...good, options: sllao, corrupt: (b) => Uint8Array.from(b, (x, i) => (i === 25 ? 3 : x)) }), 'option-overrun'],
    ['zero-length option', nsFrame({ ...good, options: sllao, corrupt: (b) => Uint8Array.from(b, (x, i) => (i === 25 ? 0 : x)) }), 'option-length-zero'],
    ['option header cut off', nsFrame({ ...good, corrupt: (b) => Uint8Array.of(...b, 1) }), 'option-overrun'],
  ];
  for (const [name, frame, reason] of cases) assert.deepEqual(receiveNs(frame), { ok: false, reason }, name);
});

test('an SLLAO that is not 6 bytes is not used as a MAC, but still counts as an SLLAO for DAD', () => {
  const long = [{ type: 'raw' as const, code: 1, bytes: new Uint8Array(14) }];
  const r = receiveNs(nsFrame({ ...good, options: long }));
  assert.ok(r.ok);
  assert.equal(r.ns.sourceLla, undefined);
  assert.deepEqual(receiveNs(nsFrame({ target: T, source: '::', options: long })), { ok: false, reason: 'ns-unspecified-with-sllao' });
});

test('the first SLLAO is the one used', () => {
  const options = [
    { type: 'source-lla' as const, address: '02:00:00:00:00:07' },
    { type: 'source-lla' as const, address: '02:00:00:00:00:08' },
  ];
  const r = receiveNs(nsFrame({ ...good, options }));
  assert.ok(r.ok);
  assert.equal(r.ns.sourceLla, mac('02:00:00:00:00:07'));
});

test('a malformed option an NS does not use is ignored (RFC 4861 §7.1.1), though the codec refuses it', () => {
  // A Prefix Information option must be 4 units; this one is 1.
  const frame = nsFrame({ ...good, options: [{ type: 'raw', code: 3, bytes: new Uint8Array(6) }] });
  assert.equal(receiveNs(frame).ok, true);
  assert.deepEqual(reference(frame), { ok: false, reason: 'malformed-option' });
});

/** The receive path this parser replaced: the general codec over address text. */
function reference(frame: Uint8Array): FrameResult {
  const fail = (reason: string) => ({ ok: false, reason }) as FrameResult;
  if (frame.length < 54) return fail('frame-too-short');
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  if (view.getUint16(12) !== 0x86dd) return fail('not-ipv6');
  if (frame[14]! >> 4 !== 6) return fail('ip-version');
  const end = 54 + view.getUint16(18);
  if (end > frame.length) return fail('ip-length');
  if (frame[20] !== NEXT_HEADER_ICMPV6) return fail('extension-header');
  const icmp = frame.subarray(54, end);
  if (icmp.length < 1 || icmp[0] !== 135) return fail('not-ns');
  const source = addressFromBytes(frame, 22).value;
  const reason = validateReceived(icmp, { hopLimit: frame[21]!, source: formatAddress(source), destination: formatAddress(addressFromBytes(frame, 38).value), ifindex: 2 });
  if (reason !== undefined) return fail(reason);
  const msg = parseNdp(icmp);
  if (!msg.ok || msg.value.type !== 'ns') return fail('not-ns');
  const sllao = msg.value.options.find((o) => o.type === 'source-lla');
  const llaText = sllao?.type === 'source-lla' ? sllao.address : undefined;
  return {
    ok: true,
    ns: {
      sourceMac: mac(Array.from(frame.subarray(6, 12), (b) => b.toString(16).padStart(2, '0')).join(':')),
      source,
      destination: addressFromBytes(frame, 38).value,
      target: addressFromBytes(icmp, 8).value,
      sourceLla: llaText !== undefined && parseMac(llaText).ok ? mac(llaText) : undefined,
    },
  };
}

/** Rewrites the ICMPv6 checksum of a frame with the general (allocating) implementation. */
function fixChecksum(frame: Uint8Array): void {
  if (frame.length < 58) return;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const end = Math.min(frame.length, 54 + view.getUint16(18));
  const icmp = frame.slice(54, end);
  if (icmp.length < 4) return;
  icmp[2] = 0;
  icmp[3] = 0;
  view.setUint16(56, pseudoHeaderChecksum(frame.subarray(22, 38), frame.subarray(38, 54), NEXT_HEADER_ICMPV6, icmp));
}

const frames = fc
  .record({
    source: fc.constantFrom('2001:db8::1', '::', 'fe80::1', 'ff02::1'),
    target: fc.constantFrom(T, 'fe80::c009', 'ff02::2'),
    destination: fc.constantFrom<string | undefined>(undefined, T, 'ff02::1:ff00:1', '2001:db8::5'),
    options: fc.array(
      fc.oneof(
        fc.constant({ type: 'source-lla' as const, address: '02:00:00:00:00:07' }),
        fc.record({ type: fc.constant('raw' as const), code: fc.constantFrom(1, 2, 3, 14, 200), bytes: fc.constantFrom(new Uint8Array(6), new Uint8Array(14)) }),
      ),
      { maxLength: 3 },
    ),
    padding: fc.nat({ max: 8 }),
  })
  .map((spec) => nsFrame(spec));

test('property: on any frame the parser agrees with the codec it replaced', () => {
  fc.assert(
    fc.property(frames, fc.array(fc.tuple(fc.nat({ max: 120 }), fc.nat({ max: 255 })), { maxLength: 4 }), fc.boolean(), (base, edits, fix) => {
      const f = base.slice();
      for (const [at, v] of edits) if (at < f.length) f[at] = v;
      if (fix) fixChecksum(f);
      const want = reference(f);
      const got = receiveNs(f);
      if (!want.ok && want.reason === 'malformed-option') return; // §7.1.1: the codec is stricter
      if (got.ok === false && got.reason === 'source-multicast') {
        assert.ok(want.ok && f[22] === 0xff, 'only a multicast source adds a drop the codec lacks');
        return;
      }
      assert.deepEqual(got, want);
    }),
    { numRuns: 3000 },
  );
});

test('property: no byte string throws', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 140 }), (bytes) => {
      const r = receiveNs(bytes);
      if (r.ok) assert.equal(typeof r.ns.target, 'bigint');
    }),
  );
});
