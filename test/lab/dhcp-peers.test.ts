// The DHCPv6 peers against each other: Kea serves, dhclient, dhcpcd, dhcp6c and perfdhcp ask.
// The parsers are checked without root on output captured from these programs in this lab.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import {
  currentKea6Leases, dhclient6, dhcp6c, dhcp6cConfig, dhcpcd6, dhcpcd6Config, dhcpcd6Lease, duidEscaped, kea6, kea6Config,
  labSkipReason, parseDhclient6Leases, parseDhcp6cLog, parseHookRecords, parseKea6Leases, parsePerfdhcp, perfdhcp6,
  perfdhcp6Args, withLab, type LabSpec,
} from './index.ts';

const skip = labSkipReason();

// Printed by dhclient 4.4.3-P1 (-6 -N -P) into its lease file after a Reply from Kea 2.2.
const DHCLIENT_LEASES = `default-duid "\\000\\001\\000\\0012\\224\\342\\242\\216\\372\\217y\\366\\356";
lease6 {
  interface "eth0";
  ia-na 8f:79:f6:ee {
    starts 1795302947;
    renew 1000;
    rebind 2000;
    iaaddr 2001:db8:1::100 {
      starts 1795302947;
      preferred-life 3000;
      max-life 4000;
    }
  }
  ia-pd 8f:79:f6:ee {
    starts 1795302947;
    renew 1000;
    rebind 2000;
    iaprefix 2001:db8:8000::/56 {
      starts 1795302947;
      preferred-life 3000;
      max-life 4000;
    }
  }
  option dhcp6.client-id 0:1:0:1:32:94:e2:a2:8e:fa:8f:79:f6:ee;
  option dhcp6.server-id 0:1:0:1:32:94:e2:9f:5e:e7:d2:47:d2:ad;
  option dhcp6.name-servers 2001:db8:1::53;
  option dhcp6.domain-search "lab.example.";
}
`;

test('parseDhclient6Leases reads IAs, lifetimes, options and the default DUID', () => {
  const file = parseDhclient6Leases(DHCLIENT_LEASES);
  assert.equal(file.defaultDuid, '\\000\\001\\000\\0012\\224\\342\\242\\216\\372\\217y\\366\\356');
  assert.deepEqual(file.leases, [{
    interface: 'eth0',
    ias: [
      { type: 'na', iaid: '8f:79:f6:ee', starts: 1795302947, renew: 1000, rebind: 2000,
        addresses: [{ address: '2001:db8:1::100', preferredLifetime: 3000, validLifetime: 4000 }], prefixes: [] },
      { type: 'pd', iaid: '8f:79:f6:ee', starts: 1795302947, renew: 1000, rebind: 2000,
        addresses: [], prefixes: [{ prefix: '2001:db8:8000::/56', preferredLifetime: 3000, validLifetime: 4000 }] },
    ],
    options: {
      'client-id': '0:1:0:1:32:94:e2:a2:8e:fa:8f:79:f6:ee',
      'server-id': '0:1:0:1:32:94:e2:9f:5e:e7:d2:47:d2:ad',
      'name-servers': '2001:db8:1::53',
      'domain-search': 'lab.example.',
    },
  }]);
  assert.deepEqual(parseDhclient6Leases(''), { leases: [] });
});

test('duidEscaped writes the octal escapes dhclient reads back, and refuses bad DUIDs', () => {
  assert.equal(duidEscaped('00:03:00:01:02:00:00:00:00:0a'), '\\000\\003\\000\\001\\002\\000\\000\\000\\000\\012');
  assert.equal(duidEscaped('000300010200'), '\\000\\003\\000\\001\\002\\000');
  for (const bad of ['', '0003', '00:03:0', 'zz:00:01', '00'.repeat(131)]) assert.throws(() => duidEscaped(bad), /DUID/);
  fc.assert(fc.property(fc.uint8Array({ minLength: 3, maxLength: 130 }), (bytes) => {
    const escaped = duidEscaped(Buffer.from(bytes).toString('hex'));
    const back = (escaped.match(/\\([0-7]{3})/g) ?? []).map((e) => Number.parseInt(e.slice(1), 8));
    assert.deepEqual(back, [...bytes]);
  }));
});

test('parseHookRecords keeps string variables and skips a half-written line', () => {
  const text = '{"reason":"BOUND6","new_ip6_address":"2001:db8:1::100","x":1}\n{"REASON":"NBI"}\n{"reason":"RENE';
  assert.deepEqual(parseHookRecords(text), [
    { reason: 'BOUND6', env: { reason: 'BOUND6', new_ip6_address: '2001:db8:1::100' } },
    { reason: 'NBI', env: { REASON: 'NBI' } },
  ]);
});

// Rows appended by Kea 2.2's memfile (persist true): a bind, a PD bind, then the release of both.
const KEA_CSV = `address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr,state,user_context,hwtype,hwaddr_source
2001:db8:1::103,00:01:00:01:32:94:e5:7f:8e:fa:8f:79:f6:ee,4000,1795307680,1,3000,0,0,128,0,0,,8e:fa:8f:79:f6:ee,0,,1,2
2001:db8:8000:200::,00:01:00:01:32:94:e5:7f:8e:fa:8f:79:f6:ee,4000,1795307680,1,3000,2,0,56,0,0,,8e:fa:8f:79:f6:ee,0,,1,2
2001:db8:1::104,00:01:00:01:32:94:e5:87:00:0c:01:02:03:04,4000,1795307687,1,3000,0,1,128,0,0,,00:0c:01:02:03:04,0,,1,2
2001:db8:8000:200::,00:01:00:01:32:94:e5:7f:8e:fa:8f:79:f6:ee,0,1795303680,1,0,2,0,56,0,0,,8e:fa:8f:79:f6:ee,0,,1,2
2001:db8:1::103,00:01:00:01:32:94:e5:7f:8e:fa:8f:79:f6:ee,0,1795303680,1,0,0,0,128,0,0,,8e:fa:8f:79:f6:ee,0,,1,2
`;

test('parseKea6Leases reads each row; currentKea6Leases keeps the last row per lease and drops released ones', () => {
  const rows = parseKea6Leases(KEA_CSV);
  assert.equal(rows.length, 5);
  assert.deepEqual(rows[1], {
    type: 'pd', lease: '2001:db8:8000:200::/56', duid: '00:01:00:01:32:94:e5:7f:8e:fa:8f:79:f6:ee', iaid: 0,
    validLifetime: 4000, preferredLifetime: 3000, expire: 1795307680, subnetId: 1, hwaddr: '8e:fa:8f:79:f6:ee',
  });
  assert.deepEqual(currentKea6Leases(rows).map((l) => l.lease), ['2001:db8:1::104']);
  assert.deepEqual(parseKea6Leases(''), []);
  assert.throws(() => parseKea6Leases('address,duid\n::1,00'), /no "valid_lifetime" column/);
});

test('kea6Config turns options into the subnet6 config Kea 2.2 accepts', () => {
  const config = kea6Config({
    ifname: 'lan0', subnet: '2001:db8:1::/64', pools: ['2001:db8:1::100-2001:db8:1::1ff'],
    pdPools: [{ prefix: '2001:db8:8000::/48', delegatedLength: 56 }], persist: true, rapidCommit: true,
    dnsServers: ['2001:db8:1::53'], domainSearch: ['lab.example'], lifetimes: { valid: 600 },
  }, '/tmp/kea');
  const d = config.Dhcp6;
  assert.deepEqual(d['interfaces-config'], { interfaces: ['lan0'] });
  assert.deepEqual(d['lease-database'], { type: 'memfile', persist: true, name: '/tmp/kea/leases6.csv', 'lfc-interval': 0 });
  assert.deepEqual([d['preferred-lifetime'], d['valid-lifetime'], d['renew-timer'], d['rebind-timer']], [3000, 600, 1000, 2000]);
  assert.deepEqual(d.subnet6, [{
    id: 1, subnet: '2001:db8:1::/64', interface: 'lan0', 'rapid-commit': true,
    pools: [{ pool: '2001:db8:1::100-2001:db8:1::1ff' }],
    'pd-pools': [{ prefix: '2001:db8:8000::', 'prefix-len': 48, 'delegated-len': 56 }],
  }]);
  assert.deepEqual(d['option-data'], [{ name: 'dns-servers', data: '2001:db8:1::53' }, { name: 'domain-search', data: 'lab.example' }]);
});

test('dhcpcd6Config asks only for the IAs requested, with no RS', () => {
  assert.equal(dhcpcd6Config('eth0', { ia_na: true, ia_pd: { length: 56 } }),
    '# Written by the v6edge lab (test/lab/peers/dhcpcd.ts).\nipv6only\nnoipv6rs\ninterface eth0\n  ia_na 1\n  ia_pd 2/::/56\n');
  const pdOnly = dhcpcd6Config('wan', { ia_na: false, ia_pd: { length: 60 }, rapidCommit: true });
  assert.match(pdOnly, /^option rapid_commit$/m);
  assert.doesNotMatch(pdOnly, /ia_na/);
});

test('dhcpcd6Lease reads every IA_NA address and IA_PD prefix of a hook call', () => {
  const [record] = parseHookRecords(JSON.stringify({
    reason: 'BOUND6', protocol: 'dhcp6', interface: 'eth0',
    new_dhcp6_ia_na1_ia_addr1: '2001:db8:1::102', new_dhcp6_ia_na1_ia_addr1_pltime: '3000',
    new_dhcp6_ia_pd1_prefix1: '2001:db8:8000:100::', new_dhcp6_ia_pd1_prefix1_length: '56',
    new_dhcp6_server_id: '000100013294e29f5ee7d247d2ad', old_dhcp6_ia_na1_ia_addr1: '2001:db8:1::99',
  }));
  assert.ok(record !== undefined);
  assert.deepEqual(dhcpcd6Lease(record), {
    reason: 'BOUND6', addresses: ['2001:db8:1::102'], prefixes: ['2001:db8:8000:100::/56'], serverId: '000100013294e29f5ee7d247d2ad',
  });
});

test('dhcp6cConfig names the downstream interface only when given', () => {
  const text = dhcp6cConfig('eth0', { ia_pd: { sla_len: 8, downstream: 'down0' }, ia_na: true });
  assert.match(text, /send ia-pd 0;\n {2}send ia-na 0;/);
  assert.match(text, /prefix-interface down0 \{\n {4}sla-id 1;\n {4}sla-len 8;\n {2}\};/);
  const bare = dhcp6cConfig('eth0', { ia_pd: { sla_len: 8 } });
  assert.doesNotMatch(bare, /prefix-interface|ia-na/);
});

// Lines from dhcp6c -D (wide-dhcpv6 20080615) binding, assigning downstream, then releasing on SIGTERM.
const DHCP6C_LOG = `Nov/21/2026 23:28:00: update_prefix: create a prefix 2001:db8:8000:200::/56 pltime=3000, vltime=4000
Nov/21/2026 23:28:00: ifaddrconf: add an address 2001:db8:8000:201:c8b2:21ff:fe2f:1a5e/64 on down0
Nov/21/2026 23:28:00: update_address: create an address 2001:db8:1::103 pltime=3000, vltime=4000
Nov/21/2026 23:28:00: ifaddrconf: add an address 2001:db8:1::103/128 on eth0
Nov/21/2026 23:28:01: update_prefix: update a prefix 2001:db8:8000:200::/56 pltime=infinity, vltime=infinity
`;

test('parseDhcp6cLog replays what dhcp6c created, updated and removed', () => {
  assert.deepEqual(parseDhcp6cLog(DHCP6C_LOG), {
    prefixes: [{ value: '2001:db8:8000:200::/56', preferredLifetime: 0xffffffff, validLifetime: 0xffffffff }],
    addresses: [{ value: '2001:db8:1::103', preferredLifetime: 3000, validLifetime: 4000 }],
    interfaceAddresses: [
      { address: '2001:db8:8000:201:c8b2:21ff:fe2f:1a5e/64', ifname: 'down0' },
      { address: '2001:db8:1::103/128', ifname: 'eth0' },
    ],
  });
  const released = `${DHCP6C_LOG}x: remove_siteprefix: remove a site prefix 2001:db8:8000:200::/56
x: remove_addr: remove an address 2001:db8:1::103
x: ifaddrconf: remove an address 2001:db8:1::103/128 on eth0
`;
  const after = parseDhcp6cLog(released);
  assert.deepEqual([after.prefixes, after.addresses, after.interfaceAddresses.map((a) => a.ifname)], [[], [], ['down0']]);
});

// perfdhcp 2.2 -6 against Kea: a clean 4-way run, then a rapid-commit PD run (-o 14,) whose
// Replies land as REQUEST-REPLY orphans and whose delays print "n/a".
const PERF_4WAY = `Running: perfdhcp -6 -l eth0 -r 10 -R 100000000 -p 2 -W 500000
Scenario: basic.
Multi-thread mode enabled.
***Rate statistics***
Rate: 7.59672 4-way exchanges/second, expected rate: 10

***Malformed Packets***
Malformed packets: 0
***Statistics for: SOLICIT-ADVERTISE***
sent packets: 19
received packets: 19
drops: 0
drops ratio: 0 %
orphans: 0
rejected leases: 0
non unique addresses: 0

min delay: 0.395 ms
avg delay: 0.649 ms
max delay: 0.786 ms
std deviation: 0.122 ms
collected packets: 0

***Statistics for: REQUEST-REPLY***
sent packets: 19
received packets: 18
drops: 1
drops ratio: 5.263 %
orphans: 0
rejected leases: 0
non unique addresses: 0

min delay: 0.239 ms
avg delay: 0.444 ms
max delay: 0.673 ms
std deviation: 0.119 ms
collected packets: 0
`;
const PERF_RAPID = `***Rate statistics***
Rate: 0 4-way exchanges/second, expected rate: 10

***Malformed Packets***
Malformed packets: 2
***Statistics for: SOLICIT-ADVERTISE***
sent packets: 19
received packets: 0
drops: 19
drops ratio: 100 %
orphans: 0
rejected leases: 0
non unique addresses: 0

min delay: inf ms
avg delay: min delay: n/a
avg delay: n/a
max delay: n/a
std deviation: n/a
collected packets: 0

***Statistics for: REQUEST-REPLY***
sent packets: 0
received packets: 0
drops: 0
drops ratio: -nan %
orphans: 19
rejected leases: 0
non unique addresses: 0
`;

test('parsePerfdhcp reads rates, counts and delays of each exchange', () => {
  const s = parsePerfdhcp(PERF_4WAY);
  assert.deepEqual([s.rate, s.expectedRate, s.malformed], [7.59672, 10, 0]);
  assert.deepEqual(s.exchanges['REQUEST-REPLY'], {
    sent: 19, received: 18, drops: 1, dropsRatio: 5.263, orphans: 0, rejectedLeases: 0, nonUniqueAddresses: 0, collected: 0,
    delay: { min: 0.239, avg: 0.444, max: 0.673, stddev: 0.119 },
  });
  assert.equal(s.exchanges['SOLICIT-ADVERTISE']?.received, 19);
});

test('parsePerfdhcp copes with a run where nothing came back for an exchange', () => {
  const s = parsePerfdhcp(PERF_RAPID);
  assert.equal(s.malformed, 2);
  const sa = s.exchanges['SOLICIT-ADVERTISE'];
  assert.deepEqual([sa?.sent, sa?.received, sa?.drops, sa?.dropsRatio, sa?.delay], [19, 0, 19, 100, undefined]);
  const rr = s.exchanges['REQUEST-REPLY'];
  assert.deepEqual([rr?.orphans, Number.isNaN(rr?.dropsRatio)], [19, true]);
});

test('perfdhcp6Args builds the LAB-NOTES command line', () => {
  assert.deepEqual(perfdhcp6Args('eth0', { rate: 50, durationS: 2, mode: 'na' }),
    ['-6', '-l', 'eth0', '-r', '50', '-R', '100000000', '-p', '2', '-W', '500000']);
  assert.deepEqual(perfdhcp6Args('eth0', { rate: 5, durationS: 1, mode: 'pd', rapidCommit: true, numRequests: 20 }).slice(11),
    ['-n', '20', '-e', 'prefix-only', '-o', '14,']);
});

// Router serves lan0; the host asks on eth0 and delegates downstream on down0 to a LAN node.
const spec: LabSpec = {
  nodes: { router: { forwarding: true }, host: { forwarding: true }, lan: {} },
  links: [{ a: ['router', 'lan0'], b: ['host', 'eth0'] }, { a: ['host', 'down0'], b: ['lan', 'eth0'] }],
  addresses: { router: { lan0: ['2001:db8:1::1/64'] } },
};

const POOL = { first: '2001:db8:1::100', last: '2001:db8:1::1ff' };
const within = (address: string, network: string, length: number): boolean =>
  ipaddr.IPv6.isValid(address) && ipaddr.IPv6.parse(address).match(ipaddr.IPv6.parse(network), length);
const inPool = (address: string | undefined): boolean => address !== undefined && within(address, '2001:db8:1::100', 120);
const inPdPool = (prefix: string | undefined): boolean => {
  const [network = '', length] = (prefix ?? '').split('/');
  return length === '56' && within(network, '2001:db8:8000::', 48);
};
/** The /64 numbered `slaId` inside a /56 `prefix`, as the first 8 bytes. */
const subnetOf = (prefix: string, slaId: number): number[] => {
  const bytes = ipaddr.IPv6.parse(prefix.split('/')[0] ?? '').toByteArray().slice(0, 8);
  bytes[7] = slaId;
  return bytes;
};

test('Kea serves dhclient, dhcpcd, dhcp6c and perfdhcp in the lab', { skip }, async (t) => {
  await withLab(spec, async (lab) => {
    const kea = await kea6(lab, 'router', {
      ifname: 'lan0', subnet: '2001:db8:1::/64', pools: [`${POOL.first}-${POOL.last}`],
      pdPools: [{ prefix: '2001:db8:8000::/48', delegatedLength: 56 }], persist: true, rapidCommit: true,
      dnsServers: ['2001:db8:1::53', '2001:db8:1::54'], domainSearch: ['lab.example'],
    });

    await t.test('dhclient6 na binds a pool address, puts it on eth0, and releases it', async () => {
      const c = await dhclient6(lab, 'host', 'eth0', { mode: 'na', once: true, timeoutMs: 10_000, duid: '00:03:00:01:02:00:00:00:00:01' });
      assert.equal(c.bound, true, c.failure);
      const held = c.leases();
      assert.equal(held.addresses.length, 1);
      const [address] = held.addresses;
      assert.ok(inPool(address), `${String(address)} is not from the pool`);
      assert.deepEqual(held.nameServers, ['2001:db8:1::53', '2001:db8:1::54']);
      assert.equal(held.leaseFile.leases.at(-1)?.ias[0]?.addresses[0]?.address, address);
      assert.ok((await lab.addresses('host', 'eth0')).some((a) => a.address === address && a.prefixLength === 128));
      const lease = kea.leases().find((l) => l.lease === address);
      assert.equal(lease?.duid, '00:03:00:01:02:00:00:00:00:01', 'Kea saw the DUID we configured');
      await c.release();
      assert.equal(kea.leases().some((l) => l.lease === address), false, 'Kea still holds the released address');
      assert.equal((await lab.addresses('host', 'eth0')).some((a) => a.address === address), false);
    });

    await t.test('dhclient6 pd gets a /56 from the PD pool', async () => {
      const c = await dhclient6(lab, 'host', 'eth0', { mode: 'pd', once: true, timeoutMs: 10_000 });
      try {
        assert.equal(c.bound, true, c.failure);
        const [prefix] = c.leases().prefixes;
        assert.ok(inPdPool(prefix), `${String(prefix)} is not from the PD pool`);
        assert.ok(kea.leases().some((l) => l.type === 'pd' && l.lease === prefix));
      } finally {
        await c.stop();
      }
    });

    await t.test('dhclient6 na+pd, kept running, holds an address and a prefix from one exchange', async () => {
      const c = await dhclient6(lab, 'host', 'eth0', { mode: 'na+pd', timeoutMs: 10_000 });
      try {
        assert.equal(c.bound, true, c.failure);
        // dhclient calls its script once per IA: wait for the second call.
        const held = await lab.waitFor(() => {
          const now = c.leases();
          return now.addresses.length > 0 && now.prefixes.length > 0 ? now : undefined;
        }, { timeoutMs: 5000, what: 'both IAs in the hook records' });
        assert.ok(inPool(held.addresses[0]) && inPdPool(held.prefixes[0]), JSON.stringify(held));
        assert.equal(c.peer.running, true, 'without once dhclient stays to renew');
      } finally {
        await c.stop();
      }
    });

    await t.test('dhclient6 stateless gets the DNS servers and search list', async () => {
      const c = await dhclient6(lab, 'host', 'eth0', { mode: 'stateless', once: true, timeoutMs: 10_000 });
      try {
        assert.equal(c.bound, true, c.failure);
        const held = c.leases();
        assert.deepEqual([held.nameServers, held.domainSearch, held.addresses], [['2001:db8:1::53', '2001:db8:1::54'], ['lab.example'], []]);
      } finally {
        await c.stop();
      }
    });

    await t.test('dhcpcd6 gets an address and a prefix', async () => {
      const c = await dhcpcd6(lab, 'host', 'eth0', { ia_na: true, ia_pd: { length: 56 }, rapidCommit: true, timeoutMs: 10_000 });
      try {
        assert.equal(c.bound, true, c.failure);
        assert.ok(inPool(c.address), `${String(c.address)} is not from the pool`);
        assert.ok(inPdPool(c.prefix), `${String(c.prefix)} is not from the PD pool`);
        assert.ok((await lab.addresses('host', 'eth0')).some((a) => a.address === c.address));
      } finally {
        await c.stop();
      }
    });

    await t.test('dhcp6c gets a prefix and numbers the downstream link from it', async () => {
      const c = await dhcp6c(lab, 'host', 'eth0', { ia_pd: { sla_len: 8, downstream: 'down0' }, timeoutMs: 10_000 });
      try {
        assert.equal(c.bound, true, c.failure);
        assert.ok(inPdPool(c.prefix), `${String(c.prefix)} is not from the PD pool`);
        const down = (c.downstreamAddress ?? '').split('/')[0] ?? '';
        // sla-id 1 with sla-len 8 under a /56: the downstream /64 is the prefix's 8th byte set to 1.
        assert.deepEqual(ipaddr.IPv6.parse(down).toByteArray().slice(0, 8), subnetOf(c.prefix ?? '', 1));
        assert.ok((await lab.addresses('host', 'down0')).some((a) => a.address === down && a.prefixLength === 64));
      } finally {
        await c.stop();
      }
    });

    await t.test('perfdhcp6 runs 2 s of 4-way exchanges and reports them', async () => {
      const r = await perfdhcp6(lab, 'host', 'eth0', { rate: 20, durationS: 2, mode: 'na' });
      const sa = r.exchanges['SOLICIT-ADVERTISE'];
      assert.ok(sa !== undefined && sa.sent > 0 && sa.received > 0, r.output);
      assert.ok(r.replies > 0, r.output);
      assert.ok(r.rate > 0, r.output);
    });

    await t.test('perfdhcp6 with rapid commit counts the Replies to its Solicits', async () => {
      const r = await perfdhcp6(lab, 'host', 'eth0', { rate: 20, durationS: 1, mode: 'pd', rapidCommit: true });
      assert.ok(r.replies > 0, r.output);
      assert.equal(r.exchanges['SOLICIT-ADVERTISE']?.received, 0, 'Kea answered a Rapid Commit Solicit with an Advertise');
    });
  });
});
