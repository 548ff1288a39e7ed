import assert from 'node:assert/strict';
import { test } from 'node:test';
import { raSchema, type RaConfig } from '../../../src/config/ra-schema.ts';
import { parseNdp, serializeNdp, type NdpOption, type RouterAdvertisement } from '../../../src/proto/ndp/index.ts';
import { unwrap } from '../../../src/lib/result.ts';
import { buildFinalAdvertisement, buildRouterAdvertisement, INFINITE_LIFETIME, type RaFacts } from '../../../src/services/ra/advertisement.ts';

const NOW = 1_700_000_000_000;
const FACTS: RaFacts = { mac: '02:00:00:00:00:01', globalPrefixes: ['2001:db8:1::/64'], withdrawn: [], now: NOW };
const ra = (input: Record<string, unknown>): RaConfig => raSchema.parse(input);
const opt = <T extends NdpOption['type']>(m: RouterAdvertisement, type: T): Array<Extract<NdpOption, { type: T }>> =>
  m.options.filter((o): o is Extract<NdpOption, { type: T }> => o.type === type);

test('header fields follow the config', () => {
  const cases: Array<[Record<string, unknown>, Partial<RouterAdvertisement>]> = [
    [{}, { curHopLimit: 64, managed: false, other: false, homeAgent: false, routerPreference: 'medium', routerLifetime: 1800, reachableTime: 0, retransTimer: 0 }],
    [{ managedFlag: true, otherConfigFlag: true }, { managed: true, other: true }],
    [{ curHopLimit: 0, reachableTimeMs: 30000, retransTimerMs: 1000 }, { curHopLimit: 0, reachableTime: 30000, retransTimer: 1000 }],
    [{ defaultPreference: 'high', defaultLifetime: 9000 }, { routerPreference: 'high', routerLifetime: 9000 }],
    [{ maxRtrAdvInterval: 10 }, { routerLifetime: 30 }],
    // RFC 4191 §2.2: lifetime 0 (not a default router) goes with medium preference.
    [{ defaultPreference: 'low', defaultLifetime: 0 }, { routerPreference: 'medium', routerLifetime: 0 }],
    [{ homeAgentFlag: true }, { homeAgent: true }],
  ];
  for (const [input, expected] of cases) {
    const { message } = buildRouterAdvertisement(ra(input), FACTS);
    for (const [k, v] of Object.entries(expected)) assert.deepEqual(message[k as keyof RouterAdvertisement], v, `${JSON.stringify(input)} ${k}`);
  }
});

test('prefix options: flags, lifetimes, automatic ::/64, R flag', () => {
  const { message, problems } = buildRouterAdvertisement(
    ra({
      prefixes: [
        { prefix: '2001:db8:9::/64', onLink: false, autonomous: false, validLifetime: 'infinity', preferredLifetime: 3600 },
        { prefix: '::/64', validLifetime: 7200, preferredLifetime: 1800 },
        { prefix: '2001:db8:7::/64', routerAddress: true },
      ],
    }),
    { ...FACTS, globalPrefixes: ['2001:db8:1::/64', '2001:db8:2::/64'], globalAddresses: ['2001:db8:7::1'] },
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(opt(message, 'prefix-information'), [
    { type: 'prefix-information', prefixLength: 64, onLink: false, autonomous: false, routerAddress: false, validLifetime: INFINITE_LIFETIME, preferredLifetime: 3600, prefix: '2001:db8:9::' },
    { type: 'prefix-information', prefixLength: 64, onLink: true, autonomous: true, routerAddress: false, validLifetime: 7200, preferredLifetime: 1800, prefix: '2001:db8:1::' },
    { type: 'prefix-information', prefixLength: 64, onLink: true, autonomous: true, routerAddress: false, validLifetime: 7200, preferredLifetime: 1800, prefix: '2001:db8:2::' },
    { type: 'prefix-information', prefixLength: 64, onLink: true, autonomous: true, routerAddress: true, validLifetime: 2592000, preferredLifetime: 604800, prefix: '2001:db8:7::1' },
  ]);
});

test('problems: no global prefix, no MAC, R flag without an address, short RDNSS lifetime', () => {
  const { message, problems } = buildRouterAdvertisement(
    ra({ prefixes: [{ prefix: '::/64' }, { prefix: '2001:db8:7::/64', routerAddress: true }], rdnss: [{ servers: ['2001:db8::53'], lifetime: 10 }] }),
    { globalPrefixes: [], withdrawn: [], now: NOW },
  );
  assert.deepEqual(problems.map((p) => [p.code, p.where]), [
    ['no-mac', { path: 'sourceLinkLayerAddress' }],
    ['no-global-prefix', { path: 'prefixes[0]' }],
    ['no-router-address', { path: 'prefixes[1].routerAddress' }],
    ['lifetime-below-interval', { path: 'rdnss[0].lifetime' }],
  ]);
  assert.equal(opt(message, 'source-lla').length, 0);
  assert.equal(opt(message, 'prefix-information')[0]?.prefix, '2001:db8:7::');
});

test('DecrementLifetimes counts down in real time and never below 0', () => {
  const config = ra({ prefixes: [{ prefix: '2001:db8:1::/64', validLifetime: 100, preferredLifetime: 50, decrementLifetimes: true }] });
  const first = new Map([['2001:db8:1::/64', NOW]]);
  const at = (seconds: number) => buildRouterAdvertisement(config, { ...FACTS, firstAdvertised: first, now: NOW + seconds * 1000 });
  assert.deepEqual(opt(at(0).message, 'prefix-information').map((p) => [p.validLifetime, p.preferredLifetime]), [[100, 50]]);
  assert.deepEqual(opt(at(30.9).message, 'prefix-information').map((p) => [p.validLifetime, p.preferredLifetime]), [[70, 20]]);
  assert.deepEqual(opt(at(60).message, 'prefix-information').map((p) => [p.validLifetime, p.preferredLifetime]), [[40, 0]]);
  const late = at(500);
  assert.deepEqual(opt(late.message, 'prefix-information').map((p) => [p.validLifetime, p.preferredLifetime]), [[0, 0]]);
  assert.deepEqual(late.problems.map((p) => p.code), ['prefix-expired']);
});

test('every other option', () => {
  const { message } = buildRouterAdvertisement(
    ra({
      maxRtrAdvInterval: 100,
      linkMtu: 1480,
      advertisementInterval: true,
      homeAgentFlag: true,
      homeAgentInfo: { preference: -5 },
      mobileRouterSupportFlag: true,
      routes: [{ prefix: '2001:db8:100::/48', preference: 'high' }, { prefix: '::/0', lifetime: 'infinity' }],
      rdnss: [{ servers: ['2001:db8::53', '2001:db8::54'] }],
      dnssl: [{ domains: ['lan.example.', 'example.org'], lifetime: 600 }],
      pref64: [{ prefix: '64:ff9b::/96' }, { prefix: '2001:db8:64::/48', lifetime: 601 }],
      captivePortal: 'https://portal.example/api',
    }),
    FACTS,
  );
  assert.deepEqual(message.options, [
    { type: 'source-lla', address: '02:00:00:00:00:01' },
    { type: 'mtu', mtu: 1480 },
    { type: 'advertisement-interval', interval: 100000 },
    { type: 'home-agent-information', preference: -5, lifetime: 300, reserved: 0x8000 },
    { type: 'route-information', prefixLength: 48, preference: 'high', routeLifetime: 300, prefix: '2001:db8:100::' },
    { type: 'route-information', prefixLength: 0, preference: 'medium', routeLifetime: INFINITE_LIFETIME, prefix: '::' },
    { type: 'rdnss', lifetime: 300, servers: ['2001:db8::53', '2001:db8::54'] },
    { type: 'dnssl', lifetime: 600, domains: ['lan.example', 'example.org'] },
    { type: 'pref64', lifetime: 304, prefixLength: 96, prefix: '64:ff9b::' },
    { type: 'pref64', lifetime: 608, prefixLength: 48, prefix: '2001:db8:64::' },
    { type: 'captive-portal', uri: 'https://portal.example/api' },
  ]);
  // The codec accepts it, and a round trip keeps it.
  const bytes = unwrap(serializeNdp(message));
  assert.deepEqual(unwrap(parseNdp(bytes)), message);
});

test('withdrawn prefixes go out with both lifetimes 0 until their time is up, A/L kept', () => {
  const withdrawn = [
    { prefix: '2001:db8:5::', prefixLength: 64, onLink: true, autonomous: false, until: NOW + 1000 },
    { prefix: '2001:db8:1::', prefixLength: 64, onLink: true, autonomous: true, until: NOW + 1000 },
    { prefix: '2001:db8:6::', prefixLength: 64, onLink: true, autonomous: true, until: NOW },
  ];
  const { message } = buildRouterAdvertisement(ra({ prefixes: [{ prefix: '2001:db8:1::/64' }] }), { ...FACTS, withdrawn });
  assert.deepEqual(opt(message, 'prefix-information').map((p) => [p.prefix, p.validLifetime, p.preferredLifetime, p.autonomous]), [
    ['2001:db8:1::', 2592000, 604800, true],
    ['2001:db8:5::', 0, 0, false],
  ]);
});

test('the final RA: router lifetime 0, DeprecatePrefix, RemoveRoute, FlushRDNSS/DNSSL', () => {
  const config = ra({
    defaultPreference: 'high',
    prefixes: [{ prefix: '2001:db8:1::/64', deprecatePrefix: true }, { prefix: '2001:db8:2::/64', validLifetime: 600, preferredLifetime: 300, deprecatePrefix: true }, { prefix: '2001:db8:3::/64' }],
    routes: [{ prefix: '2001:db8:100::/48' }, { prefix: '2001:db8:200::/48', removeRoute: false, lifetime: 900 }],
    rdnss: [{ servers: ['2001:db8::53'] }, { servers: ['2001:db8::54'], flush: false, lifetime: 1800 }],
    dnssl: [{ domains: ['lan.example'] }],
  });
  const { message } = buildFinalAdvertisement(config, FACTS);
  assert.equal(message.routerLifetime, 0);
  assert.equal(message.routerPreference, 'medium');
  assert.deepEqual(opt(message, 'prefix-information').map((p) => [p.prefix, p.validLifetime, p.preferredLifetime]), [
    ['2001:db8:1::', 7200, 0],
    ['2001:db8:2::', 600, 0],
    ['2001:db8:3::', 2592000, 604800],
  ]);
  assert.deepEqual(opt(message, 'route-information').map((r) => r.routeLifetime), [0, 900]);
  assert.deepEqual(opt(message, 'rdnss').map((r) => r.lifetime), [0, 1800]);
  assert.deepEqual(opt(message, 'dnssl').map((r) => r.lifetime), [0]);
  // The ordinary RA of the same config keeps its router lifetime.
  assert.equal(buildRouterAdvertisement(config, FACTS).message.routerLifetime, 1800);
});
