import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  attrString, forEachAttr, NetlinkWriter, NLM_F_ACK, NLM_F_ACK_TLVS, NLM_F_CAPPED, NLM_F_REQUEST, NLMSG_ERROR,
  parseAck, parseAttrs, parseMessages,
} from '../../../src/proto/netlink/message.ts';

test('a message with a family header, attributes and a nest is laid out as the kernel expects', () => {
  const w = new NetlinkWriter(8); // starts small: the buffer has to grow
  w.begin(24, NLM_F_REQUEST | NLM_F_ACK, 7).bytes(Uint8Array.of(10, 48)).u32(15, 254).nest(3).string(1, 'ab').end().end();
  const hex = Buffer.from(w.view()).toString('hex');
  assert.equal(hex, [
    '28000000', '1800', '0500', '07000000', '00000000', // nlmsghdr: len 40, type 24, flags, seq 7, pid 0
    '0a300000', // family header, padded to 4
    '08000f00', 'fe000000', // u32 attribute 15 = 254
    '0c000380', // nest 3 (NLA_F_NESTED), 12 bytes
    '07000100', '61620000', // "ab\0", padded
  ].join(''));
});

test('messages and attributes read back what was written', () => {
  fc.assert(fc.property(
    fc.array(fc.record({ type: fc.integer({ min: 16, max: 0xffff }), seq: fc.nat(), attrs: fc.array(fc.tuple(fc.integer({ min: 1, max: 0x3fff }), fc.uint8Array({ maxLength: 40 })), { maxLength: 6 }) }), { minLength: 1, maxLength: 8 }),
    (messages) => {
      const w = new NetlinkWriter(16);
      for (const m of messages) {
        w.begin(m.type, NLM_F_REQUEST, m.seq);
        for (const [t, v] of m.attrs) w.attr(t, v);
        w.end();
      }
      const parsed = parseMessages(Buffer.from(w.view()));
      assert.equal(parsed.length, messages.length);
      parsed.forEach((p, i) => {
        const m = messages[i]!;
        assert.equal(p.type, m.type);
        assert.equal(p.seq, m.seq);
        const seen: Array<[number, number[]]> = [];
        forEachAttr(p.buf, p.payload, p.end, (t, from, to) => seen.push([t, [...p.buf.subarray(from, to)]]));
        assert.deepEqual(seen, m.attrs.map(([t, v]) => [t, [...v]]));
      });
    },
  ));
});

test('a truncated message or attribute is an error naming its offset', () => {
  const w = new NetlinkWriter();
  w.begin(24, 0, 1).u32(1, 5).end();
  const whole = Buffer.from(w.view());
  assert.throws(() => parseMessages(whole, whole.length - 4), /offset 0: length 24 in a 20-byte datagram/);
  const bad = Buffer.from(whole);
  bad.writeUInt16LE(40, 16); // attribute claims more than the message holds
  assert.throws(() => parseAttrs(bad, 16, 24), /attribute at offset 16: length 40/);
});

test('a nest over 65,535 bytes is refused rather than wrapped', () => {
  const w = new NetlinkWriter();
  w.begin(24, 0, 1).nest(1);
  for (let i = 0; i < 70; i++) w.attr(2, new Uint8Array(1000));
  assert.throws(() => w.end(), /exceeds the 65,535-byte limit/);
});

/** An NLMSG_ERROR as the kernel builds it: errno, the request's header, then extack TLVs. */
function errorMessage(errno: number, seq: number, flags: number, tlvs: (w: NetlinkWriter) => void): Buffer {
  const w = new NetlinkWriter();
  const payload = Buffer.alloc(4 + 16);
  payload.writeInt32LE(-errno, 0);
  payload.writeUInt32LE(16, 4); // original request length
  payload.writeUInt32LE(seq, 12);
  w.begin(NLMSG_ERROR, flags, seq).bytes(payload);
  tlvs(w);
  w.end();
  return Buffer.from(w.view());
}

test('an error carries errno, the request it answers and the extended-ack sentence', () => {
  const m = parseMessages(errorMessage(17, 42, NLM_F_ACK_TLVS | NLM_F_CAPPED, (w) => w.string(1, 'File exists').u32(2, 32)))[0]!;
  assert.deepEqual(parseAck(m), { seq: 42, errno: 17, message: 'File exists', offset: 32 });
  const ack = parseMessages(errorMessage(0, 43, 0, () => undefined))[0]!;
  assert.deepEqual(parseAck(ack), { seq: 43, errno: 0 });
});

test('string attributes stop at their NUL', () => {
  const b = Buffer.from('eth0\0\0\0\0', 'latin1');
  assert.equal(attrString(b, [0, 8]), 'eth0');
  assert.equal(attrString(Buffer.from('abc'), [0, 3]), 'abc');
});
