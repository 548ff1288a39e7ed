import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseMessages } from '../../../src/proto/netlink/message.ts';
import { decodeElements, encodeElement, encodeElements, INTERVAL_OPEN_USERDATA, NFT_SET_ELEM_INTERVAL_END, type SetShape, type WireElement } from '../../../src/proto/netlink/nft-elements.ts';
import {
  elementAtOffset, elementTransaction, MAX_ELEMENTS_NEST, NFNL_MSG_BATCH_BEGIN, NFNL_MSG_BATCH_END, NFT_MSG_DELSETELEM, NFT_MSG_NEWSETELEM, nftType,
  parseSetElements, setElementsDumpRequest, setsDumpRequest,
} from '../../../src/proto/netlink/nftables.ts';
import { unwrap } from '../../../src/lib/result.ts';
import { formatAddress } from '../../../src/net/address.ts';

const IFACES: SetShape = { name: 'inside_ifaces', type: ['ifname'], interval: false };
const ADDRS: SetShape = { name: 'container_nets', type: ['ipv6_addr'], interval: true };
const SOURCES: SetShape = { name: 'inside_sources', type: ['ifname', 'ipv6_addr'], interval: true };
const PUBLISHED: SetShape = { name: 'published', type: ['ipv6_addr', 'inet_proto', 'inet_service'], interval: true };

const hex = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b).toString('hex'));
const wire = (set: SetShape, key: string) => unwrap(encodeElement(set, key)).map((e) => ({ key: hex(e.key), keyEnd: hex(e.keyEnd), flags: e.flags, userdata: hex(e.userdata) }));
const Z = (n: number) => '00'.repeat(n);

// Keys and bytes as `nft --debug=mnl add element …` (nftables 1.0.6) sent them on this machine.
const CASES: Array<{ what: string; set: SetShape; key: string; elements: Array<Record<string, unknown>> }> = [
  { what: 'an ifname is 16 bytes, NUL-padded', set: IFACES, key: 'br0', elements: [{ key: `627230${Z(13)}` }] },
  {
    what: 'an rbtree prefix is a start and an end one past its last address',
    set: ADDRS, key: '2001:db8:6::/48',
    elements: [{ key: `20010db80006${Z(10)}` }, { key: `20010db80007${Z(10)}`, flags: NFT_SET_ELEM_INTERVAL_END }],
  },
  { what: 'a /128 is a one-address interval', set: ADDRS, key: '2001:db8::5/128', elements: [{ key: `20010db8${Z(11)}05` }, { key: `20010db8${Z(11)}06`, flags: 1 }] },
  { what: '::/0 reaches the top: only a start, marked open as nft marks it', set: ADDRS, key: '::/0', elements: [{ key: Z(16), userdata: '010401000000' }] },
  { what: 'ffff::/16 reaches the top too', set: ADDRS, key: 'ffff::/16', elements: [{ key: `ffff${Z(14)}`, userdata: '010401000000' }] },
  {
    what: 'pipapo: ifname . prefix as key (starts) and key_end (ends)',
    set: SOURCES, key: 'br0 . 2001:db8::/48',
    elements: [{ key: `627230${Z(13)}20010db8${Z(12)}`, keyEnd: `627230${Z(13)}20010db80000${'ff'.repeat(10)}` }],
  },
  {
    what: 'pipapo: proto padded to 4 bytes, a port range big-endian padded to 4',
    set: PUBLISHED, key: '2001:db8:9::/80 . tcp . 80-90',
    elements: [{ key: `20010db80009${Z(10)}0600000000500000`, keyEnd: `20010db80009${Z(4)}${'ff'.repeat(6)}06000000005a0000` }],
  },
  {
    what: 'pipapo: a single port and a /128',
    set: PUBLISHED, key: '2001:db8::5/128 . udp . 53',
    elements: [{ key: `20010db8${Z(11)}05` + '11000000' + '00350000', keyEnd: `20010db8${Z(11)}05` + '11000000' + '00350000' }],
  },
];

for (const c of CASES) {
  test(`encode: ${c.what}`, () => {
    const expected = c.elements.map((e) => ({ key: e.key, keyEnd: e.keyEnd, flags: e.flags, userdata: e.userdata }));
    assert.deepEqual(wire(c.set, c.key), expected);
    const back = decodeElements(c.set, unwrap(encodeElement(c.set, c.key)));
    assert.deepEqual(back, [c.key]);
  });
}

test('encode refuses what the set cannot hold, naming the set and the element', () => {
  for (const [set, key, why] of [
    [ADDRS, 'br0 . 2001:db8::/48', /has 2 fields; the set's type has 1/],
    [IFACES, 'a-name-far-too-long', /not a valid ifname/],
    [PUBLISHED, '2001:db8::/64 . tcp . 70000', /not a valid inet_service/],
    [PUBLISHED, '2001:db8::/64 . gre . 1', /not a valid inet_proto/],
    [ADDRS, '2001:db8::zz/64', /not a valid ipv6_addr/],
  ] as const) {
    const r = encodeElement(set, key);
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.match(r.error.message, why);
      assert.match(r.error.message, new RegExp(`^set ${set.name}: element`));
    }
  }
});

test('the elements nest is byte for byte what nft 1.0.6 sends for 2001:db8:6::/48', () => {
  const els = unwrap(encodeElements(ADDRS, ['2001:db8:6::/48']));
  const tx = elementTransaction('v6edge', [{ op: 'add', set: 'm', elements: els }], ((n) => () => ++n)(0));
  const msg = parseMessages(Buffer.from(tx.datagram))[1]!;
  // Captured with `nft --debug=mnl add element inet v6edge m { 2001:db8:6::/48 }`: the
  // NFTA_SET_ELEM_LIST_ELEMENTS attribute (nft also sends a set id, which we do not).
  const nft =
    '44000380' + '1c000180' + '18000180' + '14000100' + `20010db80006${Z(10)}` +
    '24000280' + '08000300' + '00000001' + '18000180' + '14000100' + `20010db80007${Z(10)}`;
  assert.equal(Buffer.from(msg.buf.subarray(msg.end - 68, msg.end)).toString('hex'), nft);
  assert.equal(hex(msg.buf.subarray(msg.payload, msg.payload + 4)), '01000000', 'nfgenmsg: NFPROTO_INET, version 0');
});

test('a transaction: batch begin, the changes, batch end; every message asks for an ack; adds are exclusive', () => {
  let seq = 100;
  const tx = elementTransaction('v6edge', [
    { op: 'delete', set: 'container_nets', elements: unwrap(encodeElements(ADDRS, ['2001:db8:1::/80'])) },
    { op: 'add', set: 'published', elements: unwrap(encodeElements(PUBLISHED, ['2001:db8:1::/80 . tcp . 80'])) },
  ], () => ++seq);
  const msgs = parseMessages(Buffer.from(tx.datagram));
  assert.deepEqual(msgs.map((m) => m.type), [NFNL_MSG_BATCH_BEGIN, nftType(NFT_MSG_DELSETELEM), nftType(NFT_MSG_NEWSETELEM), NFNL_MSG_BATCH_END]);
  assert.equal(hex(msgs[0]!.buf.subarray(msgs[0]!.payload, msgs[0]!.payload + 4)), '0000000a', 'res_id NFNL_SUBSYS_NFTABLES, big-endian');
  assert.deepEqual(msgs.map((m) => m.flags), [0x1, 0x5, 0x1 | 0x4 | 0x400 | 0x200, 0x5]);
  assert.deepEqual(tx.messages.map((m) => m.seq), [102, 103]);
  assert.equal(tx.endSeq, 104);
  assert.deepEqual([...tx.answered], [102, 103, 104]);
  const parsed = parseSetElements(msgs[2]!);
  assert.equal(parsed.table, 'v6edge');
  assert.equal(parsed.set, 'published');
  assert.deepEqual(decodeElements(PUBLISHED, parsed.elements), ['2001:db8:1::/80 . tcp . 80']);
});

test('a large change splits into messages whose element nests stay under 64 KiB, and every element survives', () => {
  const keys = Array.from({ length: 5000 }, (_, i) => `2001:db8:${(i + 1).toString(16)}::/48`);
  const tx = elementTransaction('v6edge', [{ op: 'add', set: 'container_nets', elements: unwrap(encodeElements(ADDRS, keys)) }], ((n) => () => ++n)(0));
  assert.ok(tx.messages.length >= 5, `${tx.messages.length} messages`);
  const msgs = parseMessages(Buffer.from(tx.datagram)).slice(1, -1);
  const all: WireElement[] = [];
  for (const m of msgs) {
    assert.ok(m.end - m.payload < MAX_ELEMENTS_NEST + 64);
    all.push(...parseSetElements(m).elements);
  }
  assert.equal(all.length, 10_000);
  assert.deepEqual(decodeElements(ADDRS, all.reverse()), keys);
  // An extended ack's offset finds its element again.
  const second = tx.messages[1]!;
  assert.equal(elementAtOffset(second, second.offsets[7]!), second.first + 7);
  assert.equal(elementAtOffset(second, second.offsets[7]! + 10), second.first + 7);
  assert.equal(elementAtOffset(second, 20), undefined, 'an offset before the elements names none');
});

test('decode: the rbtree as the kernel dumps it (descending, nft\'s leading end at 0, adjacent ranges)', () => {
  const addr = (text: string) => Uint8Array.from(Buffer.from(text, 'hex'));
  const start = (h: string): WireElement => ({ key: addr(h) });
  const end = (h: string): WireElement => ({ key: addr(h), flags: 1 });
  // What nft filled: 2001:db8::/48 and 2001:db8:1::/80 (its end key equals the next start).
  const dump = [
    end(`20010db8000100000001${Z(6)}`),
    start(`20010db80001${Z(10)}`),
    end(`20010db80001${Z(10)}`),
    start(`20010db8${Z(12)}`),
    end(Z(16)),
  ];
  assert.deepEqual(decodeElements(ADDRS, dump), ['2001:db8::/48', '2001:db8:1::/80']);
  assert.deepEqual(decodeElements(ADDRS, [...dump].reverse()), ['2001:db8::/48', '2001:db8:1::/80'], 'ascending order too');
  assert.deepEqual(decodeElements(ADDRS, [dump[1]!, dump[4]!, dump[0]!, dump[3]!, dump[2]!]), ['2001:db8::/48', '2001:db8:1::/80'], 'any order');
  // A range that is not a prefix reads back as first-last, so the planner sees a difference.
  assert.deepEqual(decodeElements(ADDRS, [start(`20010db8${Z(11)}01`), end(`20010db8${Z(11)}04`)]), ['2001:db8::1-2001:db8::3']);
  assert.deepEqual(decodeElements(ADDRS, [{ key: addr(`8000${Z(14)}`), userdata: INTERVAL_OPEN_USERDATA }]), ['8000::/1']);
  assert.deepEqual(decodeElements(PUBLISHED, [{ key: addr(`20010db8${Z(12)}0600000000500000`), keyEnd: addr(`20010db8${Z(12)}0600000000510000`) }]), ['2001:db8::/128 . tcp . 80-81']);
});

test('a GETSETELEM dump request names the table and the set', () => {
  const [m] = parseMessages(Buffer.from(setElementsDumpRequest('v6edge', 'published', 7)));
  assert.equal(m!.type, nftType(13));
  assert.equal(m!.flags, 0x301);
  assert.equal(m!.seq, 7);
  const parsed = parseSetElements(m!);
  assert.deepEqual([parsed.table, parsed.set, parsed.elements.length], ['v6edge', 'published', 0]);
});

test('a GETSET dump request names the table', () => {
  const [m] = parseMessages(Buffer.from(setsDumpRequest('v6edge', 9)));
  assert.deepEqual([m!.type, m!.flags, m!.seq], [nftType(10), 0x301, 9]);
  assert.equal(hex(m!.buf.subarray(m!.payload, m!.end)), '01000000' + '0b000100' + '7636656467650000', 'nfgenmsg, then NFTA_SET_TABLE "v6edge\\0" padded to 4');
});

// Property: encode then decode gives the keys back, for every set type.
const prefixArb = fc.tuple(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), fc.integer({ min: 0, max: 128 })).map(([v, len]) => {
  const net = len === 0 ? 0n : (v >> BigInt(128 - len)) << BigInt(128 - len);
  return `${formatAddress(net)}/${len}`;
});
const portArb = fc.tuple(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 300 })).map(([lo, span]) => {
  const hi = Math.min(65535, lo + span);
  return lo === hi ? String(lo) : `${lo}-${hi}`;
});
const ifnameArb = fc.stringMatching(/^[a-z][a-z0-9.]{0,14}$/);

test('property: keys of every set type survive encode then decode', () => {
  fc.assert(fc.property(ifnameArb, prefixArb, fc.constantFrom('tcp', 'udp'), portArb, (ifname, prefix, proto, port) => {
    assert.deepEqual(decodeElements(IFACES, unwrap(encodeElement(IFACES, ifname))), [ifname]);
    assert.deepEqual(decodeElements(ADDRS, unwrap(encodeElement(ADDRS, prefix))), [prefix]);
    assert.deepEqual(decodeElements(SOURCES, unwrap(encodeElement(SOURCES, `${ifname} . ${prefix}`))), [`${ifname} . ${prefix}`]);
    assert.deepEqual(decodeElements(PUBLISHED, unwrap(encodeElement(PUBLISHED, `${prefix} . ${proto} . ${port}`))), [`${prefix} . ${proto} . ${port}`]);
  }), { numRuns: 300 });
});

test('property: disjoint prefixes in one rbtree set decode back in order, through a whole transaction', () => {
  fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 0xffff }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 17, max: 128 }), (nets, len) => {
    // Distinct /16s each holding one prefix of length `len`: disjoint, some adjacent when len is 16.
    const keys = [...nets].sort((a, b) => a - b).map((n) => `${formatAddress(BigInt(n) << 112n)}/${len}`);
    const tx = elementTransaction('v6edge', [{ op: 'add', set: 's', elements: unwrap(encodeElements(ADDRS, keys)) }], ((n) => () => ++n)(0));
    const elements = parseMessages(Buffer.from(tx.datagram)).slice(1, -1).flatMap((m) => parseSetElements(m).elements);
    assert.deepEqual(decodeElements(ADDRS, elements), keys);
  }), { numRuns: 100 });
});
