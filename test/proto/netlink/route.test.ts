import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addressBytes, formatAddressBytes } from '../../../src/net/address.ts';
import { formatAddressAt, writeAddress } from '../../../src/net/address-bytes.ts';
import { decodeLinkName, writeLinkDump } from '../../../src/proto/netlink/link.ts';
import { NetlinkWriter, parseMessages } from '../../../src/proto/netlink/message.ts';
import {
  decodeRoute, parseDestination, prepareRoute, setHostBits, writeFibMatchRequest, writeRouteDump, writeRouteRequest,
} from '../../../src/proto/netlink/route.ts';
import type { RouteOp, RouteRequest } from '../../../src/proto/netlink/route.ts';
import { unwrap } from '../../../src/lib/result.ts';

const hex = (s: string): string => s.replace(/\s+/g, '');
const written = (f: (w: NetlinkWriter) => void): string => {
  const w = new NetlinkWriter();
  f(w);
  return Buffer.from(w.view()).toString('hex');
};

// Expected bytes spelled field by field from include/uapi/linux/{netlink,rtnetlink}.h:
// nlmsghdr (len, type, flags, seq, pid), rtmsg (family, dst_len, src_len, tos, table, protocol,
// scope, type, flags), then attributes (len, type, value padded to 4). Little-endian host.
const ENCODE_CASES: ReadonlyArray<{ name: string; op: RouteOp; route: RouteRequest; ack: boolean; bytes: string }> = [
  {
    name: 'add with a gateway, acked: CREATE|EXCL|ACK, table main, protocol 250, universe, unicast',
    op: 'add', ack: true,
    route: { dst: '2001:db8:4000::/48', via: '2001:db8:3::10', oif: 3, protocol: 250 },
    bytes: `54000000 1800 0506 07000000 00000000
            0a 30 00 00 fe fa 00 01 00000000
            1400 0100 20010db8400000000000000000000000
            1400 0500 20010db8000300000000000000000010
            0800 0400 03000000
            0800 0f00 fe000000`,
  },
  {
    name: 'replace of the default route: CREATE|REPLACE, no RTA_DST (as iproute2 sends it)',
    op: 'replace', ack: false,
    route: { dst: '::/0', via: 'fe80::1', oif: 2, protocol: 250 },
    bytes: `40000000 1800 0105 07000000 00000000
            0a 00 00 00 fe fa 00 01 00000000
            1400 0500 fe800000000000000000000000000001
            0800 0400 02000000
            0800 0f00 fe000000`,
  },
  {
    name: 'delete: RTM_DELROUTE names protocol and device, scope nowhere, type unspec, no gateway',
    op: 'delete', ack: false,
    route: { dst: '2001:db8:4000:1::/80', via: '2001:db8:3::10', oif: 3, protocol: 250 },
    bytes: `40000000 1900 0100 07000000 00000000
            0a 50 00 00 fe fa ff 00 00000000
            1400 0100 20010db8400000010000000000000000
            0800 0400 03000000
            0800 0f00 fe000000`,
  },
  {
    name: 'host bits of the destination are cleared (ffff under a /50 keeps its top two bits)',
    op: 'add', ack: false,
    route: { dst: '2001:DB8:4000:ffff::1/50', oif: 7, protocol: 250 },
    bytes: `40000000 1800 0106 07000000 00000000
            0a 32 00 00 fe fa 00 01 00000000
            1400 0100 20010db84000c0000000000000000000
            0800 0400 07000000
            0800 0f00 fe000000`,
  },
];

test('route requests encode byte for byte', () => {
  for (const c of ENCODE_CASES) {
    const route = unwrap(prepareRoute(c.route));
    assert.equal(written((w) => writeRouteRequest(w, c.op, route, 7, c.ack)), hex(c.bytes), c.name);
  }
});

test('dump, lookup and link requests encode byte for byte', () => {
  // Strict dump of table main: header zero but family and table, RTA_TABLE 254.
  assert.equal(written((w) => writeRouteDump(w, 9)), hex('24000000 1a00 0103 09000000 00000000  0a 00 00 00 fe 00 00 00 00000000  0800 0f00 fe000000'));
  // A table above 255 travels only in RTA_TABLE.
  assert.equal(written((w) => writeRouteDump(w, 9, 1000)), hex('24000000 1a00 0103 09000000 00000000  0a 00 00 00 00 00 00 00 00000000  0800 0f00 e8030000'));
  // FIB match lookup: dst_len 128, RTM_F_FIB_MATCH (0x2000), acked.
  assert.equal(
    written((w) => writeFibMatchRequest(w, addressBytes('2001:db8::1')!, 9)),
    hex('30000000 1a00 0500 09000000 00000000  0a 80 00 00 00 00 00 00 00200000  1400 0100 20010db8000000000000000000000001'),
  );
  // Link dump: zeroed ifinfomsg, IFLA_EXT_MASK = RTEXT_FILTER_SKIP_STATS.
  assert.equal(written((w) => writeLinkDump(w, 9)), hex('28000000 1200 0103 09000000 00000000  00000000000000000000000000000000  0800 1d00 08000000'));
});

test('bad texts are refused before anything is written', () => {
  const table: Array<[RouteRequest, string]> = [
    [{ dst: '2001:db8::', oif: 1, protocol: 250 }, 'bad-destination'],
    [{ dst: '2001:db8::/129', oif: 1, protocol: 250 }, 'bad-destination'],
    [{ dst: '2001:db8::/-1', oif: 1, protocol: 250 }, 'bad-destination'],
    [{ dst: '10.0.0.0/8', oif: 1, protocol: 250 }, 'bad-destination'],
    [{ dst: '2001:db8::/48', via: 'fe80::1%eth0', oif: 1, protocol: 250 }, 'bad-gateway'],
    [{ dst: '2001:db8::/48', via: 'nope', oif: 1, protocol: 250 }, 'bad-gateway'],
    [{ dst: '2001:db8::/48', oif: 1, protocol: 256 }, 'bad-protocol'],
    [{ dst: '2001:db8::/48', oif: -1, protocol: 250 }, 'bad-ifindex'],
  ];
  for (const [route, code] of table) {
    const r = prepareRoute(route);
    assert.equal(r.ok ? 'ok' : r.error.code, code, JSON.stringify(route));
  }
});

// Messages the kernel dumped (RTM_GETROUTE, table main) after `ip -6 route add` in a lab
// namespace, header included: see the field comments of ENCODE_CASES.
const KERNEL_DUMPED: ReadonlyArray<[string, string, object]> = [
  [
    'ip -6 route add 2001:db8:100::/48 via 2001:db8:3::10 dev v0 proto static',
    '88000000180022008e4ac56a1c2500000a300000fe0400010000000008000f00fe0000001400010020010db801000000000000000000000008000600000400001400050020010db8000300000000000000000010080004000300000024000c0000000000000000000000000000000000000000000000000000000000000000000500140000000000',
    { dst: '2001:db8:100::/48', dstLen: 48, via: '2001:db8:3::10', oif: 3, protocol: 4, table: 254, type: 1, priority: 1024 },
  ],
  [
    'ip -6 route add default via fe80::1 dev v0 proto 250',
    '74000000180022008e4ac56a1c2500000a000000fefa00010000000008000f00fe000000080006000004000014000500fe800000000000000000000000000001080004000300000024000c0000000000000000000000000000000000000000000000000000000000000000000500140000000000',
    { dst: '::/0', dstLen: 0, via: 'fe80::1', oif: 3, protocol: 250, table: 254, type: 1, priority: 1024 },
  ],
  [
    'ip -6 route add unreachable 2001:db8:200::/48 (the kernel gives it dev lo)',
    '74000000180022008e4ac56a1c2500000a300000fe0300070000000008000f00fe0000001400010020010db80200000000000000000000000800060000040000080004000100000024000c0000000000000000000000000000000000000000000000000000000000000000000500140000000000',
    { dst: '2001:db8:200::/48', dstLen: 48, oif: 1, protocol: 3, table: 254, type: 7, priority: 1024 },
  ],
  [
    'ip -6 route add 2001:db8:300::/48 nexthop via 2001:db8:3::10 dev v0 nexthop via 2001:db8:3::11 dev v0 (the first hop stands for it)',
    'a8000000180022008e4ac56a1c2500000a300000fe0300010000000008000f00fe0000001400010020010db803000000000000000000000008000600000400003c0009001c000000030000001400050020010db80003000000000000000000101c000000030000001400050020010db800030000000000000000001124000c0000000000000000000000000000000000000000000000000000000000000000000500140000000000',
    { dst: '2001:db8:300::/48', dstLen: 48, via: '2001:db8:3::10', oif: 3, protocol: 3, table: 254, type: 1, priority: 1024 },
  ],
];

test('routes the kernel dumped decode into their fields', () => {
  for (const [what, bytes, expected] of KERNEL_DUMPED) {
    const [m] = parseMessages(Buffer.from(bytes, 'hex'));
    assert.deepEqual(unwrap(decodeRoute(m!)), expected, what);
  }
});

test('malformed route messages are errors with the offset of the fault', () => {
  const short = parseMessages(Buffer.from(hex('14000000 1800 0000 01000000 00000000 0a300000'), 'hex'));
  const r1 = decodeRoute(short[0]!);
  assert.deepEqual(r1.ok ? undefined : [r1.error.code, r1.error.where], ['too-short', { offset: 16 }]);
  // An IPv4 route (family 2).
  const v4 = parseMessages(Buffer.from(hex('1c000000 1800 0000 01000000 00000000 02 18 00 00 fe 04 00 01 00000000'), 'hex'));
  const r2 = decodeRoute(v4[0]!);
  assert.equal(r2.ok ? 'ok' : r2.error.code, 'not-ipv6');
  // RTA_DST of 4 bytes at offset 28.
  const bad = parseMessages(Buffer.from(hex('24000000 1800 0000 01000000 00000000 0a 18 00 00 fe 04 00 01 00000000 0800 0100 0a000000'), 'hex'));
  const r3 = decodeRoute(bad[0]!);
  assert.deepEqual(r3.ok ? undefined : [r3.error.code, r3.error.where], ['bad-attribute', { offset: 32 }]);
});

test('link dump answers decode into index and name', () => {
  const w = new NetlinkWriter();
  const ifinfo = Buffer.alloc(16);
  ifinfo.writeInt32LE(3, 4);
  w.begin(16, 2, 1).bytes(ifinfo).u32(13, 1000).string(3, 'hosts0').end();
  w.begin(16, 2, 1).bytes(ifinfo).u32(13, 1000).end();
  const [named, unnamed] = parseMessages(Buffer.from(w.view()));
  assert.deepEqual(decodeLinkName(named!), { index: 3, name: 'hosts0' });
  assert.equal(decodeLinkName(unnamed!), undefined);
});

test('host bits: cleared for the network, set for the last address', () => {
  const b = addressBytes('2001:db8:4000:1::')!;
  setHostBits(b, 48, 1);
  assert.equal(formatAddressBytes(b), '2001:db8:4000:ffff:ffff:ffff:ffff:ffff');
  setHostBits(b, 50, 0);
  assert.equal(formatAddressBytes(b), '2001:db8:4000:c000::');
  setHostBits(b, 0, 0);
  assert.equal(formatAddressBytes(b), '::');
  assert.deepEqual(unwrap(parseDestination('2001:db8::ff/128')).bytes, addressBytes('2001:db8::ff'));
});

const value128 = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n });
const bytesOf = (v: bigint): Uint8Array => {
  const out = new Uint8Array(16);
  for (let i = 15; i >= 0; i--, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
};

test('property: a route request decodes back to what was asked', () => {
  const route = fc.record({
    value: value128,
    length: fc.integer({ min: 0, max: 128 }),
    via: fc.option(value128, { nil: undefined }),
    oif: fc.integer({ min: 1, max: 0x7fffffff }),
    protocol: fc.integer({ min: 0, max: 255 }),
    op: fc.constantFrom<RouteOp>('add', 'replace'),
  });
  fc.assert(fc.property(route, (r) => {
    const net = bytesOf(r.value);
    setHostBits(net, r.length, 0);
    const dst = `${formatAddressAt(net, 0)}/${r.length}`;
    const via = r.via === undefined ? undefined : formatAddressAt(bytesOf(r.via), 0);
    const request = unwrap(prepareRoute({ dst: `${formatAddressAt(bytesOf(r.value), 0)}/${r.length}`, oif: r.oif, protocol: r.protocol, ...(via === undefined ? {} : { via }) }));
    const w = new NetlinkWriter(16);
    writeRouteRequest(w, r.op, request, 1, false);
    const [m] = parseMessages(Buffer.from(w.view()));
    assert.deepEqual(unwrap(decodeRoute(m!)), { dst, dstLen: r.length, oif: r.oif, protocol: r.protocol, table: 254, type: 1, priority: 0, ...(via === undefined ? {} : { via }) });
  }), { numRuns: 1000 });
});

test('property: decoding never throws, whatever the bytes (kernel messages mutated)', () => {
  const seeds = KERNEL_DUMPED.map(([, bytes]) => Buffer.from(bytes, 'hex'));
  const mutated = fc.tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat())
    .map(([seed, edits, cut]) => {
      const b = Buffer.from(seed);
      for (const [at, v] of edits) b[at % b.length] = v;
      // Keep the outer length consistent with what is left, so the message itself parses.
      const end = Math.max(16, b.length - (cut % 24));
      b.writeUInt32LE(end, 0);
      return b.subarray(0, end);
    });
  fc.assert(fc.property(mutated, (b) => {
    const [m] = parseMessages(b);
    const r = decodeRoute(m!);
    assert.equal(typeof r.ok, 'boolean');
  }), { numRuns: 3000 });
});
