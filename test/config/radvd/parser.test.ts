// What the parser makes of radvd.conf text: the tree for each construct, and corpus coverage.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RadvdInterface } from '../../../src/config/radvd/ast.ts';
import { INFINITY } from '../../../src/config/radvd/ast.ts';
import { tokenize } from '../../../src/config/radvd/lexer.ts';
import {
  ABRO_OPTIONS,
  BLOCK_KEYWORDS,
  DNSSL_OPTIONS,
  INTERFACE_OPTIONS,
  LOWPANCO_OPTIONS,
  NAT64_OPTIONS,
  PREFIX_OPTIONS,
  RDNSS_OPTIONS,
  ROUTE_OPTIONS,
} from '../../../src/config/radvd/options.ts';
import { parseRadvdConf } from '../../../src/config/radvd/parser.ts';
import { describe as describeProblem } from '../../../src/lib/result.ts';
import { loadFixtures } from './fixtures.ts';

function lan0(body: string): RadvdInterface {
  const r = parseRadvdConf(`interface lan0 {\n${body}\n};\n`);
  if (!r.ok) assert.fail(describeProblem(r.error));
  assert.equal(r.value.interfaces.length, 1);
  return r.value.interfaces[0]!;
}

test('tokens carry 1-based line and column; comments start only at a token', () => {
  const r = tokenize('# c\ninterface lan#0 {\n  AdvCaptivePortalAPI "a;b" ; # tail\n}');
  assert.ok(r.ok);
  assert.deepEqual(
    r.value.map((t) => [t.kind, t.text, t.line, t.column]),
    [
      ['word', 'interface', 2, 1],
      ['word', 'lan#0', 2, 11],
      ['{', '{', 2, 17],
      ['word', 'AdvCaptivePortalAPI', 3, 3],
      ['quoted', 'a;b', 3, 23],
      [';', ';', 3, 29],
      ['}', '}', 4, 1],
      ['eof', '', 4, 2],
    ],
  );
});

const CASES: ReadonlyArray<{ name: string; body: string; expect: (i: RadvdInterface) => void }> = [
  {
    name: 'keywords and switch words match without regard to case (radvd ≥ 2.20)',
    body: 'advsendadvert ON; ADVMANAGEDFLAG Off; prefix 2001:db8::/64 { advvalidlifetime INFINITY; };',
    expect: (i) => {
      assert.deepEqual(i.options, { advSendAdvert: true, advManagedFlag: false });
      assert.equal(i.prefixes[0]!.options.advValidLifetime, INFINITY);
    },
  },
  {
    name: 'infinity and 4294967295 are the same lifetime',
    body: 'prefix 2001:db8::/64 { AdvValidLifetime 4294967295; AdvPreferredLifetime infinity; };',
    expect: (i) => assert.deepEqual(i.prefixes[0]!.options, { advValidLifetime: INFINITY, advPreferredLifetime: INFINITY }),
  },
  {
    name: 'decimal intervals for Mobile IPv6',
    body: 'AdvHomeAgentFlag on; MaxRtrAdvInterval 0.5; MinRtrAdvInterval 0.05; MinDelayBetweenRAs 0.03;',
    expect: (i) =>
      assert.deepEqual(i.options, { advHomeAgentFlag: true, maxRtrAdvInterval: 0.5, minRtrAdvInterval: 0.05, minDelayBetweenRAs: 0.03 }),
  },
  {
    name: 'prefix and nat64prefix without braces (radvd ≥ 2.20 grammar)',
    body: 'prefix 2001:db8::/64; nat64prefix 64:ff9b::/96;',
    expect: (i) => {
      assert.deepEqual(i.prefixes, [{ address: '2001:db8::', length: 64, options: {} }]);
      assert.deepEqual(i.nat64prefixes, [{ address: '64:ff9b::', length: 96, options: {} }]);
    },
  },
  {
    name: 'addresses are stored in RFC 5952 form',
    body: 'RDNSS 2001:0DB8:0000:0000:0000:0000:0000:0053 0::1 { };',
    expect: (i) => assert.deepEqual(i.rdnss[0]!.addresses, ['2001:db8::53', '::1']),
  },
  {
    name: 'clients blocks merge, `!addr` marks an ignored client',
    body: 'clients { fe80::1; !fe80::2; }; clients { fe80::3; };',
    expect: (i) =>
      assert.deepEqual(i.clients, [
        { address: 'fe80::1', ignored: false },
        { address: 'fe80::2', ignored: true },
        { address: 'fe80::3', ignored: false },
      ]),
  },
  {
    name: 'a repeated option keeps the last value, as radvd does',
    body: 'AdvSendAdvert on; AdvSendAdvert off;',
    expect: (i) => assert.deepEqual(i.options, { advSendAdvert: false }),
  },
  {
    name: 'quoted and bare captive portal URIs',
    body: 'AdvCaptivePortalAPI urn:ietf:params:capport:unrestricted;',
    expect: (i) => assert.equal(i.options.advCaptivePortalAPI, 'urn:ietf:params:capport:unrestricted'),
  },
  {
    name: 'abro with the deprecated /length form, either spelling of its lifetime',
    body: 'abro fe80::1/64 { AdvValidLifetime 5; AdvVersionHigh 2; };',
    expect: (i) => assert.deepEqual(i.abros, [{ address: 'fe80::1', options: { advValidLifeTime: 5, advVersionHigh: 2 } }]),
  },
  {
    name: 'DNSSL with several suffixes, RDNSS with several servers, autoignoreprefixes',
    body: 'DNSSL a.example b.example { AdvDNSSLLifetime 1200; }; autoignoreprefixes { fd00::/8; fc00::/8; };',
    expect: (i) => {
      assert.deepEqual(i.dnssl, [{ suffixes: ['a.example', 'b.example'], options: { advDNSSLLifetime: 1200 } }]);
      assert.deepEqual(i.autoIgnorePrefixes, [
        { address: 'fd00::', length: 8 },
        { address: 'fc00::', length: 8 },
      ]);
    },
  },
  {
    name: 'blocks in any order, comments anywhere',
    body: 'route 2001:db8:1::/48 { }; # a route first\nAdvSendAdvert on; # then an option\nprefix 2001:db8::/64 { };',
    expect: (i) => {
      assert.equal(i.routes.length, 1);
      assert.equal(i.prefixes.length, 1);
      assert.equal(i.options.advSendAdvert, true);
    },
  },
];

for (const c of CASES) test(c.name, () => c.expect(lan0(c.body)));

test('the corpus uses every option and block radvd.conf has', () => {
  const corpus = loadFixtures()
    .map((f) => f.text.replace(/#.*$/gm, ''))
    .join('\n')
    .toLowerCase();
  const tables = [INTERFACE_OPTIONS, PREFIX_OPTIONS, ROUTE_OPTIONS, RDNSS_OPTIONS, DNSSL_OPTIONS, NAT64_OPTIONS, LOWPANCO_OPTIONS, ABRO_OPTIONS];
  const words = [...tables.flatMap((t) => t.map((o) => o.keyword)), ...BLOCK_KEYWORDS, 'infinity', '::/64', '!fe80'];
  const unused = words.filter((w) => !new RegExp(`(^|[\\s!])${w.toLowerCase().replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`, 'm').test(corpus));
  assert.deepEqual(unused, []);
  assert.ok(loadFixtures().length >= 15);
});
