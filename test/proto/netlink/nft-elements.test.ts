// The byte-level set element codec held to the bigint codec it replaced: same bytes out, same
// text back, same refusals. The reference model below is that codec as it was (a 128-bit
// bigint per field value); it lives only here, as the specification the fast one must match.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseMessages } from '../../../src/proto/netlink/message.ts';
import { decodeElements, encodeElement, encodeElements, INTERVAL_OPEN_USERDATA, NFT_SET_ELEM_INTERVAL_END, type SetShape, type WireElement } from '../../../src/proto/netlink/nft-elements.ts';
import { elementTransaction, parseSetElements } from '../../../src/proto/netlink/nftables.ts';
import { err, ok, problem, unwrap, type Result } from '../../../src/lib/result.ts';
import { formatAddress, MAX_ADDRESS } from '../../../src/net/address.ts';
import { lastAddress, parsePrefix, prefixMask } from '../../../src/net/prefix.ts';

// ---- The reference model: the bigint codec, unchanged in behaviour.

type FieldRange = readonly [bigint, bigint];
const PROTOCOLS = new Map([['tcp', 6], ['udp', 17], ['dccp', 33], ['ipv6-icmp', 58], ['sctp', 132], ['udplite', 136]]);
const PROTOCOL_NAMES = new Map([...PROTOCOLS].map(([n, v]) => [v, n]));
const FIELD_BYTES: Readonly<Record<string, number>> = { ifname: 16, ipv6_addr: 16, inet_proto: 1, inet_service: 2 };
const pad4 = (n: number) => (n + 3) & ~3;
const refBad = (set: SetShape, key: string, why: string) => err(problem('nft-element-invalid', `set ${set.name}: element ${JSON.stringify(key)} ${why}`));

function refFieldRange(type: string, text: string): FieldRange | undefined {
  if (type === 'ifname') {
    const b = Buffer.from(text, 'utf8');
    if (b.length === 0 || b.length >= 16) return undefined;
    let v = 0n;
    for (let i = 0; i < 16; i++) v = (v << 8n) | BigInt(b[i] ?? 0);
    return [v, v];
  }
  if (type === 'ipv6_addr') {
    const dash = text.indexOf('-');
    if (dash >= 0) {
      const lo = parsePrefix(`${text.slice(0, dash)}/128`);
      const hi = parsePrefix(`${text.slice(dash + 1)}/128`);
      return lo.ok && hi.ok && lo.value.network <= hi.value.network ? [lo.value.network, hi.value.network] : undefined;
    }
    const p = parsePrefix(text.includes('/') ? text : `${text}/128`, { strict: false });
    return p.ok ? [p.value.network, lastAddress(p.value)] : undefined;
  }
  if (type !== 'inet_proto' && type !== 'inet_service') return undefined;
  const named = type === 'inet_proto' ? PROTOCOLS.get(text) : undefined;
  if (named !== undefined) return [BigInt(named), BigInt(named)];
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (m === null) return undefined;
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  return lo <= hi && hi <= (type === 'inet_proto' ? 0xff : 0xffff) ? [BigInt(lo), BigInt(hi)] : undefined;
}

function refKeyBytes(type: readonly string[], values: readonly bigint[]): Uint8Array {
  const widths = type.map((t) => (type.length > 1 ? pad4(FIELD_BYTES[t]!) : FIELD_BYTES[t]!));
  const out = new Uint8Array(widths.reduce((a, b) => a + b, 0));
  let at = 0;
  type.forEach((t, i) => {
    out.set(Buffer.from(values[i]!.toString(16).padStart(2 * FIELD_BYTES[t]!, '0'), 'hex'), at);
    at += widths[i]!;
  });
  return out;
}

function refEncode(set: SetShape, key: string): Result<WireElement[]> {
  const parts = key.split(' . ');
  if (parts.length !== set.type.length) return refBad(set, key, `has ${parts.length} fields; the set's type has ${set.type.length}`);
  const ranges: FieldRange[] = [];
  for (const [i, t] of set.type.entries()) {
    if (FIELD_BYTES[t] === undefined) return refBad(set, key, `is of type ${t}, which this codec does not know`);
    const r = refFieldRange(t, parts[i]!);
    if (r === undefined) return refBad(set, key, `has ${JSON.stringify(parts[i])}, which is not a valid ${t}`);
    if (!set.interval && r[0] !== r[1]) return refBad(set, key, 'is a range, but the set has no interval flag');
    ranges.push(r);
  }
  const starts = ranges.map((r) => r[0]);
  if (!set.interval) return ok([{ key: refKeyBytes(set.type, starts) }]);
  if (set.type.length > 1) return ok([{ key: refKeyBytes(set.type, starts), keyEnd: refKeyBytes(set.type, ranges.map((r) => r[1])) }]);
  const [first, last] = ranges[0]!;
  if (last === (1n << BigInt(8 * FIELD_BYTES[set.type[0]!]!)) - 1n) return ok([{ key: refKeyBytes(set.type, [first]), userdata: INTERVAL_OPEN_USERDATA }]);
  return ok([{ key: refKeyBytes(set.type, [first]) }, { key: refKeyBytes(set.type, [last + 1n]), flags: NFT_SET_ELEM_INTERVAL_END }]);
}

const refValue = (buf: Uint8Array, at: number, bytes: number): bigint => BigInt(`0x${Buffer.from(buf.buffer, buf.byteOffset + at, bytes).toString('hex') || '0'}`);

function refFieldText(type: string, first: bigint, last: bigint): string {
  const ifname = (v: bigint) => {
    const b = Buffer.from(v.toString(16).padStart(32, '0'), 'hex');
    const nul = b.indexOf(0);
    return b.subarray(0, nul < 0 ? 16 : nul).toString('utf8');
  };
  if (type === 'ipv6_addr') {
    const size = last - first + 1n;
    if ((size & (size - 1n)) === 0n && (first & (size - 1n)) === 0n) return `${formatAddress(first)}/${129 - size.toString(2).length}`;
    return `${formatAddress(first)}-${formatAddress(last)}`;
  }
  if (type === 'ifname') return first === last ? ifname(first) : `${ifname(first)}-${ifname(last)}`;
  if (type === 'inet_proto' && first === last) return PROTOCOL_NAMES.get(Number(first)) ?? String(first);
  return first === last ? String(first) : `${first}-${last}`;
}

const refIsEnd = (e: WireElement) => ((e.flags ?? 0) & NFT_SET_ELEM_INTERVAL_END) !== 0;
const refInOrder = (a: WireElement, b: WireElement) => Buffer.compare(a.key, b.key) || Number(refIsEnd(b)) - Number(refIsEnd(a));

function refDecode(set: SetShape, elements: readonly WireElement[]): string[] {
  const fields = (key: Uint8Array) => {
    let at = 0;
    return set.type.map((t) => {
      const v = refValue(key, at, FIELD_BYTES[t] ?? 0);
      at += set.type.length > 1 ? pad4(FIELD_BYTES[t] ?? 0) : (FIELD_BYTES[t] ?? 0);
      return v;
    });
  };
  if (!set.interval || set.type.length > 1) {
    return elements.map((e) => {
      const starts = fields(e.key);
      const ends = e.keyEnd === undefined ? starts : fields(e.keyEnd);
      return set.type.map((t, i) => refFieldText(t, starts[i]!, ends[i]!)).join(' . ');
    });
  }
  const t = set.type[0]!;
  const width = FIELD_BYTES[t] ?? 16;
  const sorted = [...elements].reverse();
  if (!sorted.every((e, i) => i === 0 || refInOrder(sorted[i - 1]!, e) < 0)) sorted.sort(refInOrder);
  const out: string[] = [];
  let open: bigint | undefined;
  for (const e of sorted) {
    const v = refValue(e.key, 0, width);
    if (open !== undefined) out.push(refFieldText(t, open, v - 1n));
    open = refIsEnd(e) ? undefined : v;
  }
  if (open !== undefined) out.push(refFieldText(t, open, (1n << BigInt(8 * width)) - 1n));
  return out;
}

// ---- Key generators: a text as an operator or the planner may write it, and its canonical form.

const IFACES: SetShape = { name: 'inside_ifaces', type: ['ifname'], interval: false };
const HOSTS: SetShape = { name: 'host_prefixes', type: ['ipv6_addr'], interval: true };
const ADDRESSES: SetShape = { name: 'addresses', type: ['ipv6_addr'], interval: false };
const SOURCES: SetShape = { name: 'inside_sources', type: ['ifname', 'ipv6_addr'], interval: true };
const PUBLISHED: SetShape = { name: 'published', type: ['ipv6_addr', 'inet_proto', 'inet_service'], interval: true };
const PORTS: SetShape = { name: 'ports', type: ['inet_service'], interval: true };
const PROTOS: SetShape = { name: 'protos', type: ['inet_proto'], interval: false };
const SHAPES = [IFACES, HOSTS, ADDRESSES, SOURCES, PUBLISHED, PORTS, PROTOS];

interface Field {
  readonly text: string;
  readonly canon: string;
}

const isPrefixRange = (a: bigint, b: bigint) => {
  const size = b - a + 1n;
  return (size & (size - 1n)) === 0n && (a & (size - 1n)) === 0n;
};

/** Addresses near the bottom, near the top and anywhere, so ranges reach both ends of the space. */
const valueArb = fc.oneof(
  fc.bigInt({ min: 0n, max: MAX_ADDRESS }),
  fc.bigInt({ min: 0n, max: 0xffffn }),
  fc.bigInt({ min: MAX_ADDRESS - 0xffffn, max: MAX_ADDRESS }),
  fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff })).map(([a, b]) => (0x2001n << 112n) | (BigInt(a) << 80n) | BigInt(b)),
);
/** The same address in another text form: canonical, all eight groups zero-padded, or in capitals. */
const addressTextArb = (v: bigint) =>
  fc.constantFrom(
    formatAddress(v),
    v.toString(16).padStart(32, '0').replace(/(.{4})(?!$)/g, '$1:'),
    formatAddress(v).toUpperCase(),
  );
const prefixArb = fc.tuple(valueArb, fc.integer({ min: 0, max: 128 }));

const addressFieldArb: fc.Arbitrary<Field> = fc.oneof(
  // A prefix, host bits possibly set (nft clears them, and so do we).
  prefixArb.chain(([v, len]) => addressTextArb(v).map((t) => ({ text: `${t}/${len}`, canon: `${formatAddress(v & prefixMask(len))}/${len}` }))),
  // A prefix written as its range.
  prefixArb.map(([v, len]) => {
    const net = v & prefixMask(len);
    return { text: `${formatAddress(net)}-${formatAddress(net | (MAX_ADDRESS ^ prefixMask(len)))}`, canon: `${formatAddress(net)}/${len}` };
  }),
  // One address.
  valueArb.chain((v) => addressTextArb(v).map((t) => ({ text: t, canon: `${formatAddress(v)}/128` }))),
  // Any range, usually not a prefix.
  fc.tuple(valueArb, valueArb).map(([x, y]) => {
    const [a, b] = x <= y ? [x, y] : [y, x];
    const canon = isPrefixRange(a, b) ? `${formatAddress(a)}/${129 - (b - a + 1n).toString(2).length}` : `${formatAddress(a)}-${formatAddress(b)}`;
    return { text: `${formatAddress(a)}-${formatAddress(b)}`, canon };
  }),
);

const numberFieldArb = (max: number, names?: ReadonlyMap<string, number>): fc.Arbitrary<Field> => {
  const show = (n: number) => (names === undefined ? String(n) : ([...names].find(([, v]) => v === n)?.[0] ?? String(n)));
  return fc.oneof(
    fc.integer({ min: 0, max }).map((n) => ({ text: String(n), canon: show(n) })),
    fc.tuple(fc.integer({ min: 0, max }), fc.integer({ min: 0, max: 300 })).map(([lo, span]) => {
      const hi = Math.min(max, lo + span);
      return { text: `${lo}-${hi}`, canon: lo === hi ? show(lo) : `${lo}-${hi}` };
    }),
    fc.integer({ min: 0, max }).map((n) => ({ text: `00${n}`, canon: show(n) })),
    ...(names === undefined ? [] : [fc.constantFrom(...names.keys()).map((n) => ({ text: n, canon: n }))]),
  );
};

const ifnameFieldArb: fc.Arbitrary<Field> = fc
  .oneof(fc.stringMatching(/^[a-z][a-z0-9.-]{0,14}$/), fc.string({ unit: fc.constantFrom('é', 'x', 'ü', '0', '€'), minLength: 1, maxLength: 5 }))
  .filter((s) => Buffer.byteLength(s) < 16)
  .map((s) => ({ text: s, canon: s }));

const FIELD_ARBS: Readonly<Record<string, fc.Arbitrary<Field>>> = {
  ifname: ifnameFieldArb,
  ipv6_addr: addressFieldArb,
  inet_proto: numberFieldArb(0xff, PROTOCOLS),
  inet_service: numberFieldArb(0xffff),
};

const keyArb = (set: SetShape): fc.Arbitrary<Field> =>
  fc.tuple(...set.type.map((t) => FIELD_ARBS[t]!)).map((fields) => ({ text: fields.map((f) => f.text).join(' . '), canon: fields.map((f) => f.canon).join(' . ') }));

/** An element as comparable data: which properties it has and their bytes. */
const shown = (e: WireElement) => ({
  key: Buffer.from(e.key).toString('hex'),
  ...('keyEnd' in e ? { keyEnd: e.keyEnd === undefined ? 'undefined' : Buffer.from(e.keyEnd).toString('hex') } : {}),
  ...('flags' in e ? { flags: e.flags } : {}),
  ...('userdata' in e ? { userdata: e.userdata === undefined ? 'undefined' : Buffer.from(e.userdata).toString('hex') } : {}),
});
const shownResult = (r: Result<WireElement[]>) => (r.ok ? { ok: true, elements: r.value.map(shown) } : { ok: false, message: r.error.message, code: r.error.code });

// ---- Properties.

test('property: every key of every shape encodes to the reference bytes and decodes to its canonical text', () => {
  for (const set of SHAPES) {
    fc.assert(fc.property(keyArb(set), ({ text, canon }) => {
      const got = encodeElement(set, text);
      assert.deepEqual(shownResult(got), shownResult(refEncode(set, text)), `${set.name}: ${text}`);
      // A range in a set without intervals is refused (by both, checked above); the rest reads back.
      if (got.ok) assert.deepEqual(decodeElements(set, got.value), [canon], `${set.name}: ${text}`);
      else assert.match(got.error.message, set.interval ? /^$/ : /is a range, but the set has no interval flag/);
    }), { numRuns: 400 });
  }
});

test('property: prefixes of every length 0–128 round-trip, those reaching the top as an open interval', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 128 }), fc.boolean(), (len, top) => {
    const net = top ? prefixMask(len) : (0x2001n << 112n) & prefixMask(len);
    const key = `${formatAddress(net)}/${len}`;
    const elements = unwrap(encodeElement(HOSTS, key));
    assert.deepEqual(elements.map(shown), unwrap(refEncode(HOSTS, key)).map(shown));
    // ::/0 reaches the top whichever way it was made.
    const open = top || len === 0;
    assert.equal(elements.length, open ? 1 : 2);
    assert.equal(elements[0]!.userdata === INTERVAL_OPEN_USERDATA, open);
    assert.deepEqual(decodeElements(HOSTS, elements), [key]);
  }), { numRuns: 300 });
});

test('property: text built from address pieces is accepted or refused exactly as the reference does', () => {
  const piece = fc.constantFrom('2001', 'db8', 'DB8', '::', ':', '0', '00000', 'ffff', 'g', '/', '48', '128', '129', '01', '-', '.', ' ', '1.2.3.4', '%lo', ' . ', 'tcp', '80');
  const textArb = fc.array(piece, { maxLength: 12 }).map((p) => p.join(''));
  for (const set of [HOSTS, ADDRESSES, PUBLISHED, PORTS, PROTOS]) {
    fc.assert(fc.property(textArb, (text) => {
      assert.deepEqual(shownResult(encodeElement(set, text)), shownResult(refEncode(set, text)), `${set.name}: ${JSON.stringify(text)}`);
    }), { numRuns: 500 });
  }
});

test('edge texts: bounds, leading zeros, lengths and address forms are accepted or refused as the reference does', () => {
  const texts = [
    '65535', '65536', '0-65535', '0-65536', '255', '256', '6-17', '17-6', '0080', '', '-', '1-', 'tcp', 'TCP', 'tcp-udp', 'ipv6-icmp',
    '2001:db8::/48', '2001:db8::/048', '2001:db8::/0', '::/00', '::/128', '::/129', '::/ 1', '::/', '/64', '2001:db8::1/64/64',
    '::1-::', '-::1', '::1-', '::2-::1', '::1-::1', '::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '1.2.3.4', '::ffff:1.2.3.4', '::ffff:1.2.3.4/96',
    '::1%lo', 'fe80::1%lo', ' ::1', '::1 ', '::1/64 ', ':::1', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', 'g::',
  ];
  let accepted = 0;
  for (const set of [HOSTS, ADDRESSES, PORTS, PROTOS]) {
    for (const text of texts) {
      const got = shownResult(encodeElement(set, text));
      assert.deepEqual(got, shownResult(refEncode(set, text)), `${set.name}: ${JSON.stringify(text)}`);
      if (got.ok) accepted++;
    }
  }
  assert.ok(accepted >= 20 && accepted <= 100, `${accepted} accepted`);
});

/** Disjoint, sorted ranges of the address space (between unique cut points), some adjacent, the last possibly reaching the top. */
const disjointRangesArb = fc
  .tuple(fc.uniqueArray(valueArb, { minLength: 2, maxLength: 40 }), fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), fc.boolean())
  .map(([points, keep, toTop]) => {
    const cuts = [...points].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (toTop && cuts.at(-1) !== MAX_ADDRESS) cuts.push(MAX_ADDRESS + 1n);
    const ranges: Array<[bigint, bigint]> = [];
    for (let i = 0; i + 1 < cuts.length; i++) if (keep[i] !== false || ranges.length === 0) ranges.push([cuts[i]!, cuts[i + 1]! - 1n]);
    return ranges;
  });

test('property: rbtree dumps in any order, with nft\'s leading end and with lost ends, decode as the reference does', () => {
  fc.assert(fc.property(disjointRangesArb, fc.constantFrom('descending', 'ascending', 'shuffled'), fc.boolean(), fc.array(fc.nat(), { maxLength: 3 }), fc.nat(), (ranges, order, nftEnd, lost, seed) => {
    const keys = ranges.map(([a, b]) => (a === b ? `${formatAddress(a)}/128` : `${formatAddress(a)}-${formatAddress(b)}`));
    const encoded = unwrap(encodeElements(HOSTS, keys));
    assert.deepEqual(encoded.map(shown), keys.flatMap((k) => unwrap(refEncode(HOSTS, k)).map(shown)));
    let dump: WireElement[] = [...(nftEnd ? [{ key: new Uint8Array(16), flags: NFT_SET_ELEM_INTERVAL_END }] : []), ...encoded];
    const intact = lost.length === 0;
    for (const n of lost) {
      const ends = dump.map((e, i) => ((e.flags ?? 0) !== 0 && i > 0 ? i : -1)).filter((i) => i >= 0);
      if (ends.length > 0) dump.splice(ends[n % ends.length]!, 1);
    }
    if (order === 'descending') dump.reverse();
    if (order === 'shuffled') dump = dump.map((e, i) => ({ e, r: (i * 7919 + seed) % 104729 })).sort((a, b) => a.r - b.r).map((x) => x.e);
    const got = decodeElements(HOSTS, dump);
    assert.deepEqual(got, refDecode(HOSTS, dump));
    if (intact) assert.deepEqual(got, ranges.map(([a, b]) => refFieldText('ipv6_addr', a, b)));
  }), { numRuns: 300 });
});

test('property: concatenated and plain elements decode as the reference does, whatever their bytes', () => {
  const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
  for (const [set, width] of [[PUBLISHED, 24], [SOURCES, 32], [IFACES, 16], [PROTOS, 1]] as const) {
    fc.assert(fc.property(bytes(width), fc.option(bytes(width), { nil: undefined }), (key, keyEnd) => {
      const e: WireElement = keyEnd === undefined ? { key } : { key, keyEnd };
      assert.deepEqual(decodeElements(set, [e]), refDecode(set, [e]));
    }), { numRuns: 300 });
  }
});

test('elements read back from a transaction are the elements sent, property for property', () => {
  const keys = ['2001:db8::/48', '::/0', 'ffff::/16', '2001:db8:1::5'];
  for (const [set, ks] of [[HOSTS, keys.slice(0, 1).concat(keys.slice(3))], [HOSTS, ['ffff::/16']], [PUBLISHED, ['2001:db8::/80 . tcp . 80-90', '::/0 . 7 . 1']], [IFACES, ['br0', 'wé']]] as const) {
    const sent = unwrap(encodeElements(set, ks));
    const tx = elementTransaction('v6edge', [{ op: 'add', set: set.name, elements: sent }], ((n) => () => ++n)(0));
    const back = parseMessages(Buffer.from(tx.datagram)).slice(1, -1).flatMap((m) => parseSetElements(m).elements);
    assert.deepEqual(back.map(shown), sent.map(shown));
    assert.deepEqual(decodeElements(set, back), refDecode(set, back));
  }
});

test('a fleet-sized set of each shape round-trips (10,000 keys)', () => {
  const hex = (n: number) => n.toString(16);
  for (const [set, keys] of [
    [HOSTS, Array.from({ length: 10_000 }, (_, i) => `2001:db8:${hex(0x1000 + i)}::/48`)],
    [PUBLISHED, Array.from({ length: 10_000 }, (_, i) => `2001:db8:4000:${hex(i + 1)}::/80 . tcp . 8080`)],
  ] as const) {
    const elements = unwrap(encodeElements(set, keys));
    assert.equal(elements.length, set.type.length === 1 ? 20_000 : 10_000);
    assert.deepEqual(decodeElements(set, set.type.length === 1 ? [...elements].reverse() : elements), keys);
  }
});
