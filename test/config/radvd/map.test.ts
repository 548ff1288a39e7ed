// radvd.conf ↔ config mapping: what each fixture becomes, where unmapped items are reported,
// how a base config is kept, and that config → radvd → config loses nothing it did not name.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { demoConfig } from '../../../src/config/defaults.ts';
import { configToRadvd, importRadvdText, radvdToConfig, type RadvdImport } from '../../../src/config/radvd/map.ts';
import { parseRadvdConf } from '../../../src/config/radvd/parser.ts';
import { writeRadvdConf } from '../../../src/config/radvd/writer.ts';
import type { RaConfig } from '../../../src/config/ra-schema.ts';
import type { Config } from '../../../src/config/schema.ts';
import { describe as describeProblem, unwrap, type Problem } from '../../../src/lib/result.ts';
import { config as radvdTree } from './arbitraries.ts';
import { loadFixtures } from './fixtures.ts';

const fixtures = loadFixtures();
const fixture = (prefix: string): string => {
  const f = fixtures.find((x) => x.name.startsWith(prefix));
  assert.ok(f, `fixture ${prefix}`);
  return f.text;
};

function imported(text: string, base?: Config): RadvdImport {
  const r = importRadvdText(text, base);
  if (!r.ok) assert.fail(r.error.map(describeProblem).join('\n'));
  return r.value;
}
const raOf = (text: string): RaConfig => {
  const ra = imported(text).config.interfaces['lan0']?.ra;
  assert.ok(ra);
  return ra;
};
const placed = (ps: readonly Problem[]): string[] => ps.map((p) => `${p.code} ${describeProblem(p).replace(/:.*/, '')}`);

test('every fixture maps onto a valid config', () => {
  for (const f of fixtures) assert.ok(importRadvdText(f.text).ok, f.name);
});

test('unmapped items are named with their radvd line and column', () => {
  const cases: ReadonlyArray<readonly [string, readonly string[]]> = [
    ['01', []],
    ['07', ['unsupported line 9, column 2']],
    ['08', ['interval-raised line 5, column 2']],
    ['11', ['unsupported line 4, column 2']],
    ['15', ['unsupported line 7, column 3', 'unsupported line 11, column 3']],
    ['16', ['no-effect line 10, column 3', 'no-effect line 11, column 3']],
    ['17', ['unsupported line 13, column 2', 'unsupported line 20, column 2']],
    ['21', ['unsupported line 8, column 2']],
    ['23', ['unsupported line 6, column 2']],
  ];
  for (const [name, expected] of cases) assert.deepEqual(placed(imported(fixture(name)).unmapped), expected, name);
  assert.match(imported(fixture('17')).unmapped[0]!.message, /lowpanco .*RFC 6775/);
  assert.match(imported(fixture('15')).unmapped[1]!.message, /Base6to4Interface wan0/);
});

test('without the source text, unmapped items carry a readable path', () => {
  const mapped = radvdToConfig(unwrap(parseRadvdConf(fixture('17'))));
  assert.ok(mapped.ok);
  assert.deepEqual(mapped.value.unmapped.map((p) => p.where), [{ path: 'interface lan0.lowpanco[0]' }, { path: 'interface lan0.abro[0]' }]);
});

test("radvd's own defaults are written out where the config's differ", () => {
  const ra = raOf(fixture('01'));
  assert.equal(ra.enabled, true);
  // radvd.conf(5): 86400 / 14400 s, not RFC 4861's 30 d / 7 d.
  assert.deepEqual(ra.prefixes.map((p) => [p.prefix, p.validLifetime, p.preferredLifetime]), [['2001:db8:10::/64', 86400, 14400]]);
  // AdvSendAdvert is off unless written (radvd.conf(5)).
  assert.equal(raOf('interface lan0 { prefix 2001:db8::/64 {}; };').enabled, false);
});

test('each radvd setting lands on its config field', () => {
  const table: ReadonlyArray<readonly [string, (ra: RaConfig) => unknown, unknown]> = [
    ['02', (ra) => [ra.managedFlag, ra.otherConfigFlag, ra.prefixes[0]?.autonomous], [true, true, false]],
    ['04', (ra) => [ra.prefixes[0]?.validLifetime, ra.prefixes[0]?.preferredLifetime], ['infinity', 'infinity']],
    ['05', (ra) => [ra.defaultPreference, ra.defaultLifetime, ra.routes], ['high', 1800, [
      { prefix: '2001:db8:5000::/48', preference: 'high', lifetime: 1800, removeRoute: true },
      { prefix: '2001:db8:5100::/56', preference: 'low', lifetime: 'infinity', removeRoute: false },
      { prefix: '64:ff9b::/96', preference: 'medium', removeRoute: true },
    ]]],
    ['06', (ra) => [ra.rdnss, ra.dnssl], [[
      { servers: ['2001:db8:60::53', '2001:db8:60::54', '2001:db8:60::55'], lifetime: 600, flush: false },
      { servers: ['fd12:3456:789a:6::53'], lifetime: 300, flush: true },
    ], [{ domains: ['lan.example.net', 'example.net'], lifetime: 600, flush: false }]]],
    ['07', (ra) => [ra.maxRtrAdvInterval, ra.minRtrAdvInterval, ra.minDelayBetweenRas, ra.linkMtu, ra.reachableTimeMs, ra.retransTimerMs, ra.curHopLimit, ra.defaultLifetime], [120, 40, 5, 1480, 30000, 1000, 64, 360]],
    ['08', (ra) => [ra.maxRtrAdvInterval, ra.minRtrAdvInterval, ra.homeAgentFlag, ra.homeAgentInfo, ra.mobileRouterSupportFlag, ra.advertisementInterval, ra.prefixes[0]?.prefix, ra.prefixes[0]?.routerAddress], [4, 3, true, { preference: 10, lifetime: 1800 }, true, true, '2001:db8:80::/64', true]],
    ['09', (ra) => ra.clients, [{ address: 'fe80::21f:16ff:fe06:3aab', exclude: false }, { address: 'fe80::21d:72ff:fe96:aaff', exclude: false }]],
    ['10', (ra) => [ra.unicastOnly, ra.sourceLinkLayerAddress], [true, false]],
    ['11', (ra) => ra.unicastResponse, false],
    ['12', (ra) => [ra.prefixes[0]?.decrementLifetimes, ra.prefixes[0]?.deprecatePrefix], [true, true]],
    ['13', (ra) => ra.raSourceAddresses, ['fe80::1', 'fe80::2']],
    ['14', (ra) => ra.prefixes.map((p) => p.prefix), ['::/64']],
    ['15', (ra) => ra.prefixes, []],
    ['19', (ra) => ra.pref64, [{ prefix: '64:ff9b::/96', lifetime: 1800 }]],
    ['20', (ra) => ra.captivePortal, 'https://portal.example.net/api/v1/capport'],
    ['22', (ra) => ra.clients.map((c) => [c.address, c.exclude]), [['fe80::21f:16ff:fe06:3aab', false], ['fe80::bad:1', true]]],
    ['23', (ra) => ra.removeAdvOnExit, false],
  ];
  for (const [name, pick, expected] of table) assert.deepEqual(pick(raOf(fixture(name))), expected, name);
});

test('HomeAgentPreference is read as the signed 16-bit field it is (RFC 6275 §7.4)', () => {
  const text = 'interface lan0 { AdvSendAdvert on; AdvHomeAgentFlag on; AdvHomeAgentInfo on; HomeAgentPreference 65535; };';
  assert.equal(raOf(text).homeAgentInfo?.preference, -1);
});

test('a non-link-local client or RA source is left out and named', () => {
  const r = imported('interface lan0 {\n AdvSendAdvert on;\n clients { 2001:db8::5; fe80::5; };\n AdvRASrcAddress { 2001:db8::1; };\n};');
  assert.deepEqual(r.config.interfaces['lan0']?.ra?.clients, [{ address: 'fe80::5', exclude: false }]);
  assert.deepEqual(r.config.interfaces['lan0']?.ra?.raSourceAddresses, []);
  assert.deepEqual(placed(r.unmapped), ['not-link-local line 3, column 12', 'not-link-local line 4, column 20']);
});

test('a base config keeps everything but the ra blocks the file names; new interfaces are LAN links', () => {
  const base = demoConfig();
  const r = imported(`${fixture('01')}\ninterface lan9 { AdvSendAdvert on; AdvLinkMTU 9000; };`, base);
  const lan0 = r.config.interfaces['lan0'];
  assert.deepEqual(lan0?.ips, base.interfaces['lan0']?.ips);
  assert.deepEqual(lan0?.dhcpv6, base.interfaces['lan0']?.dhcpv6);
  assert.deepEqual(lan0?.ra?.prefixes.map((p) => p.prefix), ['2001:db8:10::/64']);
  assert.equal(lan0?.ra?.otherConfigFlag, false, 'the ra block is replaced, not merged');
  assert.deepEqual(r.config.interfaces['lan1'], base.interfaces['lan1']);
  assert.deepEqual(r.config.hosts, base.hosts);
  const lan9 = r.config.interfaces['lan9'];
  assert.deepEqual([lan9?.kind, lan9?.role, lan9?.mtu, lan9?.ra?.linkMtu], ['ethernet', 'lan', 9000, 9000]);
});

test('a mapping the config refuses fails with the config path', () => {
  const base = imported('interface lan0 { AdvSendAdvert on; };').config;
  const small = { ...base, interfaces: { lan0: { ...base.interfaces['lan0']!, mtu: 1280 } } };
  const r = importRadvdText('interface lan0 { AdvSendAdvert on; AdvLinkMTU 1480; };', small);
  assert.ok(!r.ok);
  assert.deepEqual(r.error.map((p) => p.where), [{ path: 'interfaces.lan0.ra.linkMtu' }]);
});

test('export writes only what differs from radvd defaults, plus prefix lifetimes, and radvd 2.19 syntax', () => {
  const out = unwrap(configToRadvd(demoConfig(), 'lan1'));
  assert.equal(
    writeRadvdConf(out.radvd),
    [
      'interface lan1', '{', '\tAdvSendAdvert on;', '\tAdvManagedFlag on;', '\tAdvOtherConfigFlag on;', '',
      '\tprefix 2001:db8:2::/64', '\t{', '\t\tAdvAutonomous off;', '\t\tAdvValidLifetime 2592000;', '\t\tAdvPreferredLifetime 604800;', '\t};',
      '};', '',
    ].join('\n'),
  );
  assert.deepEqual(out.unexpressed, []);
  assert.deepEqual(unwrap(configToRadvd(demoConfig())).radvd.interfaces.map((i) => i.name), ['lan0', 'lan1']);
});

test('export names what radvd 2.19 cannot say, and says it with newer syntax', () => {
  const cfg = imported([fixture('19'), fixture('20').replace('lan0', 'lan1'), fixture('22').replace('lan0', 'lan2'), fixture('23').replace('lan0', 'lan3')].join('\n')).config;
  const old = unwrap(configToRadvd(cfg));
  assert.deepEqual(old.unexpressed.map((p) => describeProblem(p).replace(/:.*/, '')), [
    'interfaces.lan0.ra.pref64',
    'interfaces.lan1.ra.captivePortal',
    'interfaces.lan2.ra.clients[1]',
    'interfaces.lan3.ra.removeAdvOnExit',
  ]);
  assert.ok(unwrap(parseRadvdConf(writeRadvdConf(old.radvd))).interfaces.every((i) => i.nat64prefixes.length === 0 && i.options.advCaptivePortalAPI === undefined));
  const newer = unwrap(configToRadvd(cfg, undefined, { newerSyntax: true }));
  assert.deepEqual(newer.unexpressed, []);
  const back = imported(writeRadvdConf(newer.radvd)).config;
  for (const name of ['lan0', 'lan1', 'lan2', 'lan3']) assert.deepEqual(back.interfaces[name]?.ra, cfg.interfaces[name]?.ra, name);
});

test('radvd 2.19 export splits RDNSS blocks of more than three servers', () => {
  const base = imported('interface lan0 { AdvSendAdvert on; };').config;
  const ra = { ...base.interfaces['lan0']!.ra!, rdnss: [{ servers: ['2001:db8::1', '2001:db8::2', '2001:db8::3', '2001:db8::4'], flush: true }] };
  const cfg = { ...base, interfaces: { lan0: { ...base.interfaces['lan0']!, ra } } };
  assert.deepEqual(unwrap(configToRadvd(cfg)).radvd.interfaces[0]?.rdnss.map((r) => r.addresses.length), [3, 1]);
});

test('export of an interface without ra is refused with its path', () => {
  const r = configToRadvd(demoConfig(), 'wan0');
  assert.ok(!r.ok);
  assert.equal(describeProblem(r.error), 'interfaces.wan0: Interface wan0 has no ra block; there is nothing to export.');
});

test('every fixture: config → radvd.conf → config gives the same ra block', () => {
  for (const f of fixtures) {
    const cfg = imported(f.text).config;
    const exported = unwrap(configToRadvd(cfg, undefined, { newerSyntax: true }));
    assert.deepEqual(exported.unexpressed, [], f.name);
    assert.deepEqual(imported(writeRadvdConf(exported.radvd)).config.interfaces, cfg.interfaces, f.name);
  }
});

test('any radvd tree: import never throws; a valid import survives export and re-import', () => {
  fc.assert(
    fc.property(radvdTree, (tree) => {
      const first = radvdToConfig(tree);
      if (!first.ok) return;
      const exported = unwrap(configToRadvd(first.value.config, undefined, { newerSyntax: true }));
      if (exported.unexpressed.length > 0) return;
      const again = radvdToConfig(unwrap(parseRadvdConf(writeRadvdConf(exported.radvd), { limits: 'rfc8319' })));
      assert.ok(again.ok);
      assert.deepEqual(again.value.config, first.value.config);
    }),
    { numRuns: 300 },
  );
});
