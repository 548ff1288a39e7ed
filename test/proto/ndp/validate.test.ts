import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unwrap } from '../../../src/lib/result.ts';
import { addressBytes } from '../../../src/net/address.ts';
import { NEXT_HEADER_ICMPV6, pseudoHeaderChecksum } from '../../../src/proto/checksum.ts';
import { serializeNdp } from '../../../src/proto/ndp/messages.ts';
import type { NdpMessage } from '../../../src/proto/ndp/types.ts';
import { validateReceived } from '../../../src/proto/ndp/validate.ts';
import type { DropReason, ReceiveMeta } from '../../../src/proto/ndp/validate.ts';

const SLLAO = { type: 'source-lla', address: '02:00:00:00:00:01' } as const;
const RA: NdpMessage = {
  type: 'ra', curHopLimit: 64, managed: false, other: false, homeAgent: false, routerPreference: 'medium', proxy: false,
  routerLifetime: 1800, reachableTime: 0, retransTimer: 0, options: [SLLAO],
};
const RS: NdpMessage = { type: 'rs', options: [SLLAO] };
const NS: NdpMessage = { type: 'ns', target: '2001:db8::2', options: [SLLAO] };
const NA: NdpMessage = { type: 'na', router: false, solicited: true, override: true, target: '2001:db8::2', options: [] };
const REDIRECT: NdpMessage = { type: 'redirect', target: 'fe80::2', destination: '2001:db8:9::1', options: [] };

const meta = (source: string, destination: string, extra: Partial<ReceiveMeta> = {}): ReceiveMeta => ({
  hopLimit: 255, source, destination, ifindex: 3, ...extra,
});

// RFC 4861 §6.1.1, §6.1.2, §7.1.1, §7.1.2, §8.1 and RFC 6980 §5, one row per rule, plus rows
// that must pass so a rule cannot drop everything.
const CASES: readonly { name: string; msg: NdpMessage; meta: ReceiveMeta; want: DropReason | undefined }[] = [
  { name: 'an RS from a link-local address', msg: RS, meta: meta('fe80::1', 'ff02::2'), want: undefined },
  { name: 'an RS from :: without SLLAO', msg: { type: 'rs', options: [] }, meta: meta('::', 'ff02::2'), want: undefined },
  { name: 'an RS from :: with SLLAO', msg: RS, meta: meta('::', 'ff02::2'), want: 'rs-unspecified-with-sllao' },
  { name: 'a forwarded RS (hop limit 254)', msg: RS, meta: meta('fe80::1', 'ff02::2', { hopLimit: 254 }), want: 'hop-limit' },
  { name: 'a fragmented RA', msg: RA, meta: meta('fe80::1', 'ff02::1', { hasFragmentHeader: true }), want: 'fragmented' },
  { name: 'an RA with code 1', msg: { ...RA, code: 1 }, meta: meta('fe80::1', 'ff02::1'), want: 'bad-code' },
  { name: 'an RA from a link-local router', msg: RA, meta: meta('fe80::1', 'ff02::1'), want: undefined },
  { name: 'an RA from a global address', msg: RA, meta: meta('2001:db8::1', 'ff02::1'), want: 'ra-source-not-link-local' },
  { name: 'an NS for a unicast target', msg: NS, meta: meta('fe80::1', 'ff02::1:ff00:2'), want: undefined },
  { name: 'an NS for a multicast target', msg: { ...NS, target: 'ff02::1' }, meta: meta('fe80::1', 'ff02::1:ff00:2'), want: 'ns-multicast-target' },
  { name: 'a DAD NS from :: to the solicited-node group', msg: { ...NS, options: [] }, meta: meta('::', 'ff02::1:ff00:2'), want: undefined },
  { name: 'a DAD NS from :: to all-nodes', msg: { ...NS, options: [] }, meta: meta('::', 'ff02::1'), want: 'ns-unspecified-bad-destination' },
  { name: 'a DAD NS from :: with SLLAO', msg: NS, meta: meta('::', 'ff02::1:ff00:2'), want: 'ns-unspecified-with-sllao' },
  { name: 'a solicited unicast NA', msg: NA, meta: meta('fe80::2', 'fe80::1'), want: undefined },
  { name: 'an NA for a multicast target', msg: { ...NA, target: 'ff02::1' }, meta: meta('fe80::2', 'fe80::1'), want: 'na-multicast-target' },
  { name: 'a solicited NA to all-nodes', msg: NA, meta: meta('fe80::2', 'ff02::1'), want: 'na-solicited-to-multicast' },
  { name: 'an unsolicited NA to all-nodes', msg: { ...NA, solicited: false }, meta: meta('fe80::2', 'ff02::1'), want: undefined },
  { name: 'a Redirect to a link-local router', msg: REDIRECT, meta: meta('fe80::1', '2001:db8::5'), want: undefined },
  { name: 'a Redirect whose target is the destination', msg: { ...REDIRECT, target: '2001:db8:9::1' }, meta: meta('fe80::1', '2001:db8::5'), want: undefined },
  { name: 'a Redirect from a global address', msg: REDIRECT, meta: meta('2001:db8::1', '2001:db8::5'), want: 'redirect-source-not-link-local' },
  { name: 'a Redirect about a multicast destination', msg: { ...REDIRECT, destination: 'ff05::1' }, meta: meta('fe80::1', '2001:db8::5'), want: 'redirect-multicast-destination' },
  { name: 'a Redirect to a global router', msg: { ...REDIRECT, target: '2001:db8::7' }, meta: meta('fe80::1', '2001:db8::5'), want: 'redirect-bad-target' },
  { name: 'a meta source that is not an address', msg: RS, meta: meta('fe80::1%eth0', 'ff02::2'), want: 'bad-address' },
];

for (const c of CASES) {
  test(`validate ${c.name} → ${c.want ?? 'accept'}`, () => {
    assert.equal(validateReceived(c.msg, c.meta), c.want);
    // The same verdict from the wire form with a correct checksum.
    const bytes = serializeNdp(c.msg, { source: c.meta.source, destination: c.meta.destination });
    if (bytes.ok) assert.equal(validateReceived(bytes.value, c.meta), c.want);
  });
}

const goodNs = (): Uint8Array => unwrap(serializeNdp(NS, { source: 'fe80::1', destination: 'ff02::1:ff00:2' }));
const nsMeta = meta('fe80::1', 'ff02::1:ff00:2');

test('validate bytes: a wrong checksum is dropped', () => {
  const bytes = goodNs();
  bytes[3] = bytes[3]! ^ 1;
  assert.equal(validateReceived(bytes, nsMeta), 'bad-checksum');
});

test('validate bytes: the checksum covers the addresses', () => {
  assert.equal(validateReceived(goodNs(), meta('fe80::9', 'ff02::1:ff00:2')), 'bad-checksum');
});

test('validate bytes: a non-zero code is dropped before the checksum is looked at', () => {
  const bytes = goodNs();
  bytes[1] = 3;
  assert.equal(validateReceived(bytes, nsMeta), 'bad-code');
});

/** Bytes with a correct checksum for nsMeta, so only the framing is wrong. */
function framed(hexText: string): Uint8Array {
  const bytes = Uint8Array.from(Buffer.from(hexText, 'hex'));
  const sum = pseudoHeaderChecksum(addressBytes(nsMeta.source)!, addressBytes(nsMeta.destination)!, NEXT_HEADER_ICMPV6, bytes);
  new DataView(bytes.buffer).setUint16(2, sum);
  return bytes;
}

test('validate bytes: framing failures map to their drop reasons', () => {
  const target = '20010db8000000000000000000000002';
  assert.equal(validateReceived(framed(`87000000000000002001`), nsMeta), 'too-short');
  assert.equal(validateReceived(framed(`8700000000000000${target}0100000000000000`), nsMeta), 'option-length-zero');
  assert.equal(validateReceived(framed(`8700000000000000${target}0102020000000001`), nsMeta), 'option-overrun');
  assert.equal(validateReceived(framed(`8700000000000000${target}1904000000000000`), nsMeta), 'option-overrun');
  assert.equal(validateReceived(framed(`8700000000000000${target}0501000000000000`), nsMeta), undefined);
  assert.equal(validateReceived(framed(`8700000000000000${target}0502${'00'.repeat(14)}`), nsMeta), 'malformed-option');
  assert.equal(validateReceived(framed('8000000000010001'), nsMeta), 'not-ndp');
});
