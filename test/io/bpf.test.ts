import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ACCEPT_WHOLE_FRAME, ndpNeighborSolicitationFilter, PACKET_OUTGOING } from '../../src/io/bpf.ts';
import { echoRequest, icmpFrame } from './frames.ts';
import { runFilter } from './bpf-interpreter.ts';
import { addressBytes } from '../../src/net/address.ts';

const MACS = { sourceMac: '02:00:00:00:00:01', destinationMac: '33:33:ff:00:00:99' };
const INCOMING = { pktType: 2 };

/** A Neighbor Solicitation for 2001:db8:1::99 (RFC 4861 §4.3), checksum zero. */
function ns(): Uint8Array {
  const out = new Uint8Array(24);
  out[0] = 135;
  out.set(addressBytes('2001:db8:1::99')!, 8);
  return out;
}

const nsFrame = (hopLimit = 255): Uint8Array =>
  icmpFrame({ ...MACS, source: 'fe80::1', destination: 'ff02::1:ff00:99', hopLimit, icmp: ns() });

test('the NS filter is this exact instruction table', () => {
  const table = ndpNeighborSolicitationFilter().map((i) => [i.code, i.jt, i.jf, i.k]);
  assert.deepEqual(table, [
    [0x20, 0, 0, 0xfffff004], // ld [pkttype]
    [0x15, 9, 0, 4], // jeq #PACKET_OUTGOING → drop
    [0x28, 0, 0, 12], // ldh [12] ethertype
    [0x15, 0, 7, 0x86dd],
    [0x30, 0, 0, 20], // ldb [20] next header
    [0x15, 0, 5, 58],
    [0x30, 0, 0, 21], // ldb [21] hop limit
    [0x15, 0, 3, 255],
    [0x30, 0, 0, 54], // ldb [54] ICMPv6 type
    [0x15, 0, 1, 135],
    [0x06, 0, 0, ACCEPT_WHOLE_FRAME],
    [0x06, 0, 0, 0],
  ]);
});

test('every jump of the NS filter lands inside the program, and the last two return', () => {
  const program = ndpNeighborSolicitationFilter();
  program.forEach((insn, pc) => {
    if (insn.code === 0x15) {
      assert.ok(pc + 1 + insn.jt < program.length && pc + 1 + insn.jf < program.length, `jump at ${pc}`);
    }
  });
  assert.deepEqual(program.slice(-2).map((i) => i.code), [0x06, 0x06]);
});

const cases: ReadonlyArray<readonly [string, Uint8Array, number, boolean]> = [
  ['an NS from the link', nsFrame(), 2, true],
  ['an NS sent to us by unicast', nsFrame(), 0, true],
  ['our own outgoing NS', nsFrame(), PACKET_OUTGOING, false],
  ['an NS with hop limit 254 (forwarded)', nsFrame(254), 2, false],
  ['an echo request', icmpFrame({ ...MACS, source: 'fe80::1', destination: 'fe80::2', hopLimit: 255, icmp: echoRequest(1, 1) }), 0, false],
  ['an NA', icmpFrame({ ...MACS, source: 'fe80::1', destination: 'ff02::1', hopLimit: 255, icmp: Uint8Array.of(136, ...new Array<number>(23).fill(0)) }), 2, false],
  ['an NS behind a hop-by-hop header', (() => { const f = nsFrame(); f[20] = 0; return f; })(), 2, false],
  ['an IPv4 frame', (() => { const f = nsFrame(); f[12] = 0x08; f[13] = 0x00; return f; })(), 2, false],
  ['a frame cut before the ICMPv6 type', nsFrame().subarray(0, 54), 2, false],
];

for (const [name, frame, pktType, accepted] of cases) {
  test(`NS filter ${accepted ? 'accepts' : 'drops'} ${name}`, () => {
    assert.equal(runFilter(ndpNeighborSolicitationFilter(), frame, { pktType }), accepted ? ACCEPT_WHOLE_FRAME : 0);
  });
}

test('NS filter accepts exactly incoming IPv6 → ICMPv6 type 135 with hop limit 255', () => {
  const frames = fc.record({
    bytes: fc.uint8Array({ minLength: 0, maxLength: 80 }),
    pktType: fc.integer({ min: 0, max: 4 }),
    shape: fc.record({ ethertype: fc.constantFrom(0x86dd, 0x0800, 0x8100), nextHeader: fc.constantFrom(58, 0, 43, 44, 17), hopLimit: fc.constantFrom(255, 254, 64, 1), type: fc.constantFrom(135, 136, 133, 134, 128) }),
  });
  fc.assert(
    fc.property(frames, ({ bytes, pktType, shape }) => {
      const frame = Uint8Array.from(bytes);
      if (frame.length > 13) [frame[12], frame[13]] = [shape.ethertype >> 8, shape.ethertype & 0xff];
      if (frame.length > 21) [frame[20], frame[21]] = [shape.nextHeader, shape.hopLimit];
      if (frame.length > 54) frame[54] = shape.type;
      const expected =
        frame.length > 54 && pktType !== PACKET_OUTGOING && frame[12] === 0x86 && frame[13] === 0xdd && frame[20] === 58 && frame[21] === 255 && frame[54] === 135;
      assert.equal(runFilter(ndpNeighborSolicitationFilter(), frame, { pktType }), expected ? ACCEPT_WHOLE_FRAME : 0);
    }),
    { numRuns: 2000 },
  );
});

test('the interpreter drops on an out-of-bounds load, like the kernel', () => {
  assert.equal(runFilter(ndpNeighborSolicitationFilter(), new Uint8Array(10), INCOMING), 0);
});
