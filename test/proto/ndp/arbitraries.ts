// fast-check generators for every ND message and option, producing only values serializeNdp
// accepts and parseNdp reproduces (canonical addresses, reserved fields absent or non-zero).
import fc from 'fast-check';
import { formatAddressBytes } from '../../../src/net/address.ts';
import type { NdpMessage, NdpOption, RoutePreference } from '../../../src/proto/ndp/types.ts';

/** fc.record without null prototypes, so generated values deep-equal parsed ones. */
function record<T extends Record<string, unknown>>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  return fc.record(model, { noNullPrototype: true }) as fc.Arbitrary<T>;
}

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });

/** An optional reserved field: absent, or a non-zero value of `max` at most. */
function reserved<K extends string>(key: K, max: number): fc.Arbitrary<Partial<Record<K, number>>> {
  return fc.option(fc.integer({ min: 1, max }), { nil: undefined }).map((v) =>
    v === undefined ? {} : ({ [key]: v } as Record<K, number>),
  );
}

/** Canonical text of an address whose bytes past `keep` are zero. */
function address(keep = 16): fc.Arbitrary<string> {
  return fc.uint8Array({ minLength: keep, maxLength: keep }).map((b) => {
    const full = new Uint8Array(16);
    full.set(b);
    return formatAddressBytes(full);
  });
}

const preference = fc.constantFrom<RoutePreference>('low', 'medium', 'high', 'reserved');
const label = fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/);
const domain = fc.array(label, { minLength: 1, maxLength: 4 }).map((ls) => ls.join('.'));
const KNOWN = new Set([1, 2, 3, 4, 5, 7, 8, 14, 24, 25, 31, 37, 38]);

/** A body of 8n − 2 bytes, the size a framed option needs. */
const framedBody = (minUnits = 1) =>
  fc.integer({ min: minUnits, max: 4 }).chain((n) => fc.uint8Array({ minLength: 8 * n - 2, maxLength: 8 * n - 2 }));

const routeInformation = fc.integer({ min: 0, max: 128 }).chain((prefixLength) => {
  const needed = prefixLength === 0 ? 1 : prefixLength <= 64 ? 2 : 3;
  return record({
    units: fc.integer({ min: needed, max: 3 }),
    preference,
    routeLifetime: u32,
    reservedBits: fc.integer({ min: 0, max: 0xff }).map((b) => b & 0xe7),
  }).chain(({ units, preference, routeLifetime, reservedBits }) =>
    address((units - 1) * 8).map(
      (prefix): NdpOption => ({
        type: 'route-information',
        prefixLength,
        preference,
        routeLifetime,
        prefix,
        ...(units === needed ? {} : { length: units as 2 | 3 }),
        ...(reservedBits === 0 ? {} : { reservedBits }),
      }),
    ),
  );
});

export const option: fc.Arbitrary<NdpOption> = fc.oneof(
  record({
    type: fc.constantFrom('source-lla' as const, 'target-lla' as const),
    address: framedBody().map((b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':')),
  }),
  fc
    .tuple(
      record({
        type: fc.constant('prefix-information' as const),
        prefixLength: fc.integer({ min: 0, max: 128 }),
        onLink: fc.boolean(),
        autonomous: fc.boolean(),
        routerAddress: fc.boolean(),
        validLifetime: u32,
        preferredLifetime: u32,
        prefix: address(),
      }),
      reserved('reserved1', 0x1f),
      reserved('reserved2', 0xffffffff),
    )
    .map(([o, r1, r2]) => ({ ...o, ...r1, ...r2 })),
  record({ type: fc.constant('redirected-header' as const), bytes: framedBody() }),
  fc.tuple(record({ type: fc.constant('mtu' as const), mtu: u32 }), reserved('reserved', 0xffff)).map(([o, r]) => ({ ...o, ...r })),
  fc
    .tuple(record({ type: fc.constant('advertisement-interval' as const), interval: u32 }), reserved('reserved', 0xffff))
    .map(([o, r]) => ({ ...o, ...r })),
  fc
    .tuple(
      record({
        type: fc.constant('home-agent-information' as const),
        preference: fc.integer({ min: -32768, max: 32767 }),
        lifetime: u16,
      }),
      reserved('reserved', 0xffff),
    )
    .map(([o, r]) => ({ ...o, ...r })),
  record({ type: fc.constant('nonce' as const), nonce: framedBody() }),
  routeInformation,
  fc
    .tuple(
      record({ type: fc.constant('rdnss' as const), lifetime: u32, servers: fc.array(address(), { minLength: 1, maxLength: 4 }) }),
      reserved('reserved', 0xffff),
    )
    .map(([o, r]) => ({ ...o, ...r })),
  fc
    .tuple(
      record({ type: fc.constant('dnssl' as const), lifetime: u32, domains: fc.array(domain, { minLength: 1, maxLength: 3 }) }),
      reserved('reserved', 0xffff),
    )
    .map(([o, r]) => ({ ...o, ...r })),
  record({ type: fc.constant('captive-portal' as const), uri: fc.stringMatching(/^[\x21-\x7e]{0,40}$/) }),
  record({
    type: fc.constant('pref64' as const),
    lifetime: fc.integer({ min: 0, max: 8191 }).map((n) => n * 8),
    prefixLength: fc.constantFrom(96, 64, 56, 48, 40, 32),
    prefix: address(12),
  }),
  record({
    type: fc.constant('raw' as const),
    code: u8.filter((c) => !KNOWN.has(c)),
    bytes: framedBody(),
  }),
);

const options = fc.array(option, { maxLength: 6 });
const code = reserved('code', 0xff);

export const message: fc.Arbitrary<NdpMessage> = fc.oneof(
  fc.tuple(options, code, reserved('reserved', 0xffffffff)).map(([o, c, r]): NdpMessage => ({ type: 'rs', ...c, ...r, options: o })),
  fc
    .tuple(
      record({
        curHopLimit: u8,
        managed: fc.boolean(),
        other: fc.boolean(),
        homeAgent: fc.boolean(),
        routerPreference: preference,
        proxy: fc.boolean(),
        routerLifetime: u16,
        reachableTime: u32,
        retransTimer: u32,
      }),
      reserved('reservedFlags', 3),
      options,
      code,
    )
    .map(([h, r, o, c]): NdpMessage => ({ type: 'ra', ...h, ...r, ...c, options: o })),
  fc
    .tuple(address(), options, code, reserved('reserved', 0xffffffff))
    .map(([target, o, c, r]): NdpMessage => ({ type: 'ns', target, ...r, ...c, options: o })),
  fc
    .tuple(
      record({ router: fc.boolean(), solicited: fc.boolean(), override: fc.boolean(), target: address() }),
      reserved('reserved', 0x1fffffff),
      options,
      code,
    )
    .map(([h, r, o, c]): NdpMessage => ({ type: 'na', ...h, ...r, ...c, options: o })),
  fc
    .tuple(address(), address(), options, code, reserved('reserved', 0xffffffff))
    .map(([target, destination, o, c, r]): NdpMessage => ({ type: 'redirect', target, destination, ...r, ...c, options: o })),
);
