// Real peers decide: tshark must dissect what serializeNdp writes with the values we meant and
// without a malformed-packet or error-level expert note.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unwrap } from '../../../src/lib/result.ts';
import { addressBytes } from '../../../src/net/address.ts';
import { NEXT_HEADER_ICMPV6 } from '../../../src/proto/checksum.ts';
import { serializeNdp } from '../../../src/proto/ndp/messages.ts';
import { ipv6Packet, writePcap } from '../../support/pcap.ts';
import { dissect, fieldValues as values, PI_ERROR, tsharkSkipReason } from '../../support/tshark.ts';
import { NA, NS, RA, REDIRECT, RS } from './examples.ts';

const SENT = [
  { msg: RS, destination: 'ff02::2' },
  { msg: RA, destination: 'ff02::1' },
  { msg: NS, destination: 'ff02::1:ff00:2' },
  { msg: NA, destination: 'fe80::2' },
  { msg: REDIRECT, destination: 'fe80::9' },
];

test('tshark dissects every message and option as meant', { skip: tsharkSkipReason() }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'v6t-ndp-tshark-'));
  try {
    const file = join(dir, 'nd.pcap');
    const source = addressBytes('fe80::1')!;
    writePcap(
      file,
      SENT.map(({ msg, destination }) =>
        ipv6Packet({
          source,
          destination: addressBytes(destination)!,
          nextHeader: NEXT_HEADER_ICMPV6,
          hopLimit: 255,
          payload: unwrap(serializeNdp(msg, { source: 'fe80::1', destination })),
        }),
      ),
    );
    const dissected = dissect(file);
    assert.equal(dissected.length, 5);
    for (const [i, { layers, malformed, expert }] of dissected.entries()) {
      assert.deepEqual(malformed, [], `packet ${i + 1} malformed`);
      assert.deepEqual(expert.filter((e) => e.severity >= PI_ERROR), [], `packet ${i + 1} has an error note`);
      // The outer ICMPv6 checksum is good (1); the redirected packet inside the Redirect is a fragment.
      assert.equal(values(layers, 'icmpv6.checksum.status')[0], '1', `packet ${i + 1} checksum`);
    }
    const [rs, ra, ns, na, rd] = dissected.map((p) => p.layers.icmpv6);

    assert.deepEqual(values(rs, 'icmpv6.type'), ['133']);
    assert.deepEqual(values(rs, 'icmpv6.opt.src_linkaddr'), ['02:00:00:00:00:01']);
    assert.deepEqual(values(rs, 'icmpv6.opt.nonce'), ['01:02:03:04:05:06']);

    const one = (key: string): string[] => values(ra, key);
    assert.deepEqual(one('icmpv6.nd.ra.cur_hop_limit'), ['64']);
    assert.deepEqual(one('icmpv6.nd.ra.flag.m'), ['1']);
    assert.deepEqual(one('icmpv6.nd.ra.flag.o'), ['1']);
    assert.deepEqual(one('icmpv6.nd.ra.flag.prf'), ['1']); // high
    assert.deepEqual(one('icmpv6.nd.ra.router_lifetime'), ['1800']);
    assert.deepEqual(one('icmpv6.nd.ra.reachable_time'), ['30000']);
    assert.deepEqual(one('icmpv6.nd.ra.retrans_timer'), ['1000']);
    assert.deepEqual(one('icmpv6.opt.type'), ['1', '5', '3', '24', '25', '31', '7', '8', '38', '37', '253']);
    assert.deepEqual(one('icmpv6.opt.mtu'), ['1480']);
    assert.deepEqual(one('icmpv6.opt.prefix'), ['2001:db8:1::', '2001:db8:100::']);
    assert.deepEqual(one('icmpv6.opt.prefix.length'), ['64', '48']);
    assert.deepEqual(one('icmpv6.opt.prefix.valid_lifetime'), ['2592000']);
    assert.deepEqual(one('icmpv6.opt.prefix.preferred_lifetime'), ['604800']);
    assert.deepEqual(one('icmpv6.opt.prefix.flag.l'), ['1']);
    assert.deepEqual(one('icmpv6.opt.prefix.flag.a'), ['1']);
    assert.deepEqual(one('icmpv6.opt.route_info.flag.route_preference'), ['3']); // low
    assert.deepEqual(one('icmpv6.opt.route_lifetime'), ['3600']);
    assert.deepEqual(one('icmpv6.opt.rdnss'), ['2001:db8::53', '2001:db8::54']);
    assert.deepEqual(one('icmpv6.opt.rdnss.lifetime'), ['1200']);
    assert.deepEqual(one('icmpv6.opt.dnssl'), ['example.com', 'lab.example.net']);
    assert.deepEqual(one('icmpv6.opt.advertisement_interval'), ['600000']);
    // Wireshark shows the Home Agent preference unsigned; RFC 6275 §7.4 makes it signed (-5).
    assert.deepEqual(one('icmpv6.opt.home_agent_preference'), ['65531']);
    assert.deepEqual(one('icmpv6.opt.pref64.scaled_lifetime'), ['225']);
    assert.deepEqual(one('icmpv6.opt.pref64.prefix'), ['64:ff9b::']);
    assert.deepEqual(one('icmpv6.opt.captive_portal'), ['https://portal.example.com/api']);

    assert.deepEqual(values(ns, 'icmpv6.nd.ns.target_address'), ['2001:db8:1::2']);
    assert.deepEqual(values(na, 'icmpv6.nd.na.target_address'), ['2001:db8:1::1']);
    assert.deepEqual(values(na, 'icmpv6.nd.na.flag.r'), ['1']);
    assert.deepEqual(values(na, 'icmpv6.nd.na.flag.s'), ['1']);
    assert.deepEqual(values(na, 'icmpv6.nd.na.flag.o'), ['0']);
    assert.deepEqual(values(na, 'icmpv6.opt.target_linkaddr'), ['02:00:00:00:00:02']);
    assert.deepEqual(values(rd, 'icmpv6.nd.rd.target_address'), ['fe80::2']);
    assert.deepEqual(values(rd, 'icmpv6.rd.na.destination_address'), ['2001:db8:2::9']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
