// fast-check generators for DHCPv6 values the serializer accepts, in the canonical form the
// parser produces (RFC 5952 addresses, lowercase UUIDs, names without a trailing dot).
import fc from 'fast-check';
import { formatAddressBytes } from '../../../src/net/address.ts';
import { optionKind, type Dhcp6Message, type Dhcp6Option, type Duid } from '../../../src/proto/dhcpv6/index.ts';

/** Records with Object.prototype, as the parser builds them (fast-check defaults to null prototypes). */
function rec<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  return fc.record(model, { noNullPrototype: true }) as fc.Arbitrary<T>;
}

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.constant(0xffffffff));
const bytes = (max: number, min = 0) => fc.uint8Array({ minLength: min, maxLength: max });
const address = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => formatAddressBytes(b));

export const duid: fc.Arbitrary<Duid> = fc.oneof(
  rec({ type: fc.constant('llt' as const), hardwareType: u16, time: u32, linkLayerAddress: bytes(122) }),
  rec({ type: fc.constant('en' as const), enterpriseNumber: u32, identifier: bytes(124) }),
  rec({ type: fc.constant('ll' as const), hardwareType: u16, linkLayerAddress: bytes(126) }),
  rec({ type: fc.constant('uuid' as const), uuid: fc.uuid() }),
  rec({ type: fc.constant('raw' as const), duidType: fc.oneof(fc.constant(0), fc.integer({ min: 5, max: 0xffff })), data: bytes(128, 1) }),
);

const label = fc
  .array(fc.integer({ min: 0x21, max: 0x7e }).filter((c) => c !== 0x2e), { minLength: 1, maxLength: 12 })
  .map((cs) => String.fromCharCode(...cs));
const domain = fc.oneof(fc.array(label, { minLength: 1, maxLength: 4 }).map((ls) => ls.join('.')), fc.constant('.'));
const text = fc.string({ unit: 'binary', maxLength: 20 }).filter((s) => s.isWellFormed());

const leaves: fc.Arbitrary<Dhcp6Option>[] = [
  rec({ kind: fc.constant('client-id' as const), duid }),
  rec({ kind: fc.constant('server-id' as const), duid }),
  rec({ kind: fc.constant('oro' as const), codes: fc.array(u16, { maxLength: 6 }) }),
  rec({ kind: fc.constant('preference' as const), value: u8 }),
  rec({ kind: fc.constant('elapsed-time' as const), centiseconds: u16 }),
  rec({ kind: fc.constant('auth' as const), protocol: u8, algorithm: u8, rdm: u8, replayDetection: bytes(8, 8), info: bytes(20) }),
  rec({ kind: fc.constant('server-unicast' as const), address }),
  rec({ kind: fc.constant('status-code' as const), status: u16, message: text }),
  fc.constant({ kind: 'rapid-commit' as const }),
  rec({ kind: fc.constant('user-class' as const), classes: fc.array(bytes(8), { maxLength: 3 }) }),
  rec({ kind: fc.constant('vendor-class' as const), enterpriseNumber: u32, classes: fc.array(bytes(8), { maxLength: 3 }) }),
  rec({ kind: fc.constant('vendor-opts' as const), enterpriseNumber: u32, options: fc.array(rec({ code: u16, data: bytes(8) }), { maxLength: 3 }) }),
  rec({ kind: fc.constant('interface-id' as const), id: bytes(12) }),
  rec({ kind: fc.constant('reconfigure-message' as const), messageType: u8 }),
  fc.constant({ kind: 'reconfigure-accept' as const }),
  rec({ kind: fc.constant('dns-servers' as const), servers: fc.array(address, { minLength: 1, maxLength: 3 }) }),
  rec({ kind: fc.constant('domain-list' as const), domains: fc.array(domain, { minLength: 1, maxLength: 3 }) }),
  rec({ kind: fc.constant('information-refresh-time' as const), seconds: u32 }),
  rec({ kind: fc.constant('sol-max-rt' as const), seconds: u32 }),
  rec({ kind: fc.constant('inf-max-rt' as const), seconds: u32 }),
  rec({ kind: fc.constant('raw' as const), code: u16.filter((c) => optionKind(c) === undefined), data: bytes(16) }),
];

const optionsByDepth = new Map<number, fc.Arbitrary<Dhcp6Option>>();

/** Options with IAs, addresses and prefixes nested up to `depth` levels. */
export function option(depth: number): fc.Arbitrary<Dhcp6Option> {
  const cached = optionsByDepth.get(depth);
  if (cached) return cached;
  if (depth === 0) return fc.oneof(...leaves);
  const inner = fc.array(option(depth - 1), { maxLength: 3 });
  const arb: fc.Arbitrary<Dhcp6Option> = fc.oneof(
    { weight: 4, arbitrary: fc.oneof(...leaves) },
    { weight: 1, arbitrary: rec({ kind: fc.constant('ia-na' as const), iaid: u32, t1: u32, t2: u32, options: inner }) },
    { weight: 1, arbitrary: rec({ kind: fc.constant('ia-pd' as const), iaid: u32, t1: u32, t2: u32, options: inner }) },
    { weight: 1, arbitrary: rec({ kind: fc.constant('ia-ta' as const), iaid: u32, options: inner }) },
    { weight: 1, arbitrary: rec({ kind: fc.constant('iaaddr' as const), address, preferredLifetime: u32, validLifetime: u32, options: inner }) },
    {
      weight: 1,
      arbitrary: rec({
        kind: fc.constant('iaprefix' as const),
        preferredLifetime: u32,
        validLifetime: u32,
        prefixLength: fc.integer({ min: 0, max: 128 }),
        prefix: address,
        options: inner,
      }),
    },
  );
  optionsByDepth.set(depth, arb);
  return arb;
}

const CLIENT_SERVER_TYPES = ['solicit', 'advertise', 'request', 'confirm', 'renew', 'rebind', 'reply', 'release', 'decline', 'reconfigure', 'information-request'] as const;

/** Messages of every type, with relays nested up to `relays` deep around them. */
export function message(relays: number): fc.Arbitrary<Dhcp6Message> {
  const clientServer = rec({
    type: fc.constantFrom(...CLIENT_SERVER_TYPES),
    transactionId: fc.integer({ min: 0, max: 0xffffff }),
    options: fc.array(option(3), { maxLength: 6 }),
  });
  if (relays === 0) return clientServer;
  const relayOptions = fc
    .tuple(fc.array(option(1), { maxLength: 2 }), message(relays - 1), fc.nat({ max: 2 }))
    .map(([others, inner, at]): Dhcp6Option[] => [...others.slice(0, at), { kind: 'relay-message', message: inner }, ...others.slice(at)]);
  const relay = rec({
    type: fc.constantFrom('relay-forward' as const, 'relay-reply' as const),
    hopCount: u8,
    linkAddress: address,
    peerAddress: address,
    options: relayOptions,
  });
  return fc.oneof(clientServer, relay);
}
