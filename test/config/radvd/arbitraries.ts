// fast-check generators of valid radvd.conf trees (every value within radvd's checks).
import fc from 'fast-check';
import type { RadvdConfig, RadvdInterface } from '../../../src/config/radvd/ast.ts';
import { INFINITY } from '../../../src/config/radvd/ast.ts';
import { addressBytes, formatAddressBytes } from '../../../src/net/address.ts';

const canonical = (a: string): string => formatAddressBytes(addressBytes(a)!);
const address = fc.ipV6().filter((a) => addressBytes(a) !== undefined).map(canonical);
const u32 = fc.integer({ min: 0, max: INFINITY });
const preference = fc.constantFrom('low' as const, 'medium' as const, 'high' as const);
const suffix = fc.constantFrom('lan.example', 'example.net', 'corp-1.example.org', 'a.b.c');

const prefixOptions = fc
  .tuple(
    u32,
    u32,
    fc.record(
      {
        advOnLink: fc.boolean(),
        advAutonomous: fc.boolean(),
        deprecatePrefix: fc.boolean(),
        decrementLifetimes: fc.boolean(),
        base6to4Interface: fc.constantFrom('wan0', 'ppp0'),
      },
      { requiredKeys: [] },
    ),
  )
  .map(([a, b, rest]) => ({ ...rest, advValidLifetime: Math.max(a, b), advPreferredLifetime: Math.min(a, b) }));

// Interval options depend on each other (RFC 4861 §6.2.1), so they are drawn together.
const timing = fc
  .integer({ min: 4, max: 1800 })
  .chain((max) =>
    fc.record(
      {
        maxRtrAdvInterval: fc.constant(max),
        minRtrAdvInterval: fc.integer({ min: 3, max: Math.max(3, Math.floor(0.75 * max)) }),
        minDelayBetweenRAs: fc.integer({ min: 3, max: 100 }),
        advDefaultLifetime: fc.oneof(fc.constant(0), fc.integer({ min: max, max: 9000 })),
      },
      { requiredKeys: ['maxRtrAdvInterval'] },
    ),
  )
  .filter((t) => t.maxRtrAdvInterval >= 4 && (t.minRtrAdvInterval ?? 3) <= 0.75 * t.maxRtrAdvInterval);

const interfaceOptions = fc
  .tuple(
    timing,
    fc.record(
      {
        ignoreIfMissing: fc.boolean(),
        advSendAdvert: fc.boolean(),
        unicastOnly: fc.boolean(),
        advRASolicitedUnicast: fc.boolean(),
        advManagedFlag: fc.boolean(),
        advOtherConfigFlag: fc.boolean(),
        advLinkMTU: fc.oneof(fc.constant(0), fc.integer({ min: 1280, max: 9000 })),
        advRAMTU: fc.integer({ min: 0, max: 70000 }),
        advReachableTime: fc.integer({ min: 0, max: 3_600_000 }),
        advRetransTimer: u32,
        advCurHopLimit: fc.integer({ min: 0, max: 255 }),
        advDefaultPreference: preference,
        advSourceLLAddress: fc.boolean(),
        removeAdvOnExit: fc.boolean(),
        homeAgentPreference: fc.integer({ min: 0, max: 65535 }),
        advCaptivePortalAPI: fc.webUrl(),
      },
      { requiredKeys: [] },
    ),
  )
  .map(([t, rest]) => ({ ...t, ...rest }));

const prefixText = fc.record({ address, length: fc.integer({ min: 0, max: 128 }) });

const iface = (name: string): fc.Arbitrary<RadvdInterface> =>
  fc.record({
    name: fc.constant(name),
    options: interfaceOptions,
    prefixes: fc.array(fc.record({ address, length: fc.integer({ min: 0, max: 128 }), options: prefixOptions }), { maxLength: 3 }),
    routes: fc.array(
      fc.record({
        address,
        length: fc.integer({ min: 0, max: 128 }),
        options: fc.record({ advRoutePreference: preference, advRouteLifetime: u32, removeRoute: fc.boolean() }, { requiredKeys: [] }),
      }),
      { maxLength: 2 },
    ),
    rdnss: fc.array(
      fc.record({
        addresses: fc.array(address, { minLength: 1, maxLength: 4 }),
        options: fc.record(
          {
            advRDNSSLifetime: u32,
            flushRDNSS: fc.boolean(),
            advRDNSSOpen: fc.boolean(),
            advRDNSSPreference: fc.integer({ min: 0, max: 15 }),
          },
          { requiredKeys: [] },
        ),
      }),
      { maxLength: 2 },
    ),
    dnssl: fc.array(
      fc.record({
        suffixes: fc.array(suffix, { minLength: 1, maxLength: 3 }),
        options: fc.record({ advDNSSLLifetime: u32, flushDNSSL: fc.boolean() }, { requiredKeys: [] }),
      }),
      { maxLength: 2 },
    ),
    nat64prefixes: fc.array(
      fc.record({
        address: address.filter((a) => a !== '::'),
        length: fc.constantFrom(32, 40, 48, 56, 64, 96),
        options: fc.record({ advValidLifetime: fc.integer({ min: 0, max: 65528 }) }, { requiredKeys: [] }),
      }),
      { maxLength: 2 },
    ),
    clients: fc.array(fc.record({ address, ignored: fc.boolean() }), { maxLength: 3 }),
    raSourceAddresses: fc.array(address, { maxLength: 2 }),
    autoIgnorePrefixes: fc.array(prefixText, { maxLength: 2 }),
    lowpanContexts: fc.array(
      fc.record({
        options: fc.record(
          {
            advContextLength: fc.integer({ min: 0, max: 128 }),
            advContextCompressionFlag: fc.boolean(),
            advContextID: fc.integer({ min: 0, max: 15 }),
            advLifeTime: fc.integer({ min: 0, max: 65535 }),
          },
          { requiredKeys: [] },
        ),
      }),
      { maxLength: 1 },
    ),
    abros: fc.array(
      fc.record({
        address,
        options: fc.record(
          {
            advVersionLow: fc.integer({ min: 0, max: 65535 }),
            advVersionHigh: fc.integer({ min: 0, max: 65535 }),
            advValidLifeTime: fc.integer({ min: 0, max: 65535 }),
          },
          { requiredKeys: [] },
        ),
      }),
      { maxLength: 1 },
    ),
  });

export const config: fc.Arbitrary<RadvdConfig> = fc
  .uniqueArray(fc.constantFrom('lan0', 'lan1', 'eth0.100', 'br-lan', 'wlan0'), { minLength: 1, maxLength: 3 })
  .chain((names) => fc.tuple(...names.map(iface)))
  .map((interfaces) => ({ interfaces }));

