// Every option radvd.conf knows, per block: its spelling, where it lands in the AST and what kind
// of value it takes. The parser reads by these tables and the writer writes by them, so a new
// option is one row. Keywords match case-insensitively (radvd ≥ 2.20's scanner is caseless;
// 2.19's is not, so the writer always uses the spelling below).
import type {
  AbroOptions,
  DnsslOptions,
  InterfaceOptions,
  LowpanContextOptions,
  Nat64PrefixOptions,
  PrefixOptions,
  RdnssOptions,
  RouteOptions,
} from './ast.ts';

/**
 * switch: on|off. number: unsigned 32-bit decimal. lifetime: number or `infinity`.
 * interval: number or decimal seconds. preference: low|medium|high. uri: word or quoted text.
 * ifname: an interface name.
 */
export type ValueKind = 'switch' | 'number' | 'lifetime' | 'interval' | 'preference' | 'uri' | 'ifname';

export interface OptionSpec<F extends string> {
  readonly keyword: string;
  readonly field: F;
  readonly kind: ValueKind;
  /** For numeric kinds: why a value is out of range, or undefined when it is fine. */
  readonly check?: (value: number) => string | undefined;
}

const atMost =
  (max: number, why: string) =>
  (v: number): string | undefined =>
    v > max ? `must be at most ${max} (${why})` : undefined;

export const INTERFACE_OPTIONS: readonly OptionSpec<keyof InterfaceOptions>[] = [
  { keyword: 'IgnoreIfMissing', field: 'ignoreIfMissing', kind: 'switch' },
  { keyword: 'AdvSendAdvert', field: 'advSendAdvert', kind: 'switch' },
  { keyword: 'UnicastOnly', field: 'unicastOnly', kind: 'switch' },
  { keyword: 'UnrestrictedUnicast', field: 'unrestrictedUnicast', kind: 'switch' },
  { keyword: 'AdvRASolicitedUnicast', field: 'advRASolicitedUnicast', kind: 'switch' },
  { keyword: 'MaxRtrAdvInterval', field: 'maxRtrAdvInterval', kind: 'interval' },
  { keyword: 'MinRtrAdvInterval', field: 'minRtrAdvInterval', kind: 'interval' },
  { keyword: 'MinDelayBetweenRAs', field: 'minDelayBetweenRAs', kind: 'interval' },
  { keyword: 'AdvManagedFlag', field: 'advManagedFlag', kind: 'switch' },
  { keyword: 'AdvOtherConfigFlag', field: 'advOtherConfigFlag', kind: 'switch' },
  {
    keyword: 'AdvLinkMTU',
    field: 'advLinkMTU',
    kind: 'number',
    // radvd: zero (no MTU option) or at least the IPv6 minimum link MTU (RFC 8200 §5).
    check: (v) => (v !== 0 && (v < 1280 || v > 131072) ? 'must be 0 or between 1280 and 131072' : undefined),
  },
  // radvd clamps AdvRAMTU into 1280..131072 instead of refusing it, so any number is accepted.
  { keyword: 'AdvRAMTU', field: 'advRAMTU', kind: 'number' },
  {
    keyword: 'AdvReachableTime',
    field: 'advReachableTime',
    kind: 'number',
    check: atMost(3_600_000, 'MAX_REACHABLE_TIME, RFC 4861 §6.2.1'),
  },
  { keyword: 'AdvRetransTimer', field: 'advRetransTimer', kind: 'number' },
  {
    keyword: 'AdvCurHopLimit',
    field: 'advCurHopLimit',
    kind: 'number',
    check: atMost(255, 'the Cur Hop Limit field is 8 bits, RFC 4861 §4.2'),
  },
  { keyword: 'AdvDefaultLifetime', field: 'advDefaultLifetime', kind: 'number' },
  { keyword: 'AdvDefaultPreference', field: 'advDefaultPreference', kind: 'preference' },
  { keyword: 'AdvSourceLLAddress', field: 'advSourceLLAddress', kind: 'switch' },
  { keyword: 'RemoveAdvOnExit', field: 'removeAdvOnExit', kind: 'switch' },
  { keyword: 'AdvHomeAgentFlag', field: 'advHomeAgentFlag', kind: 'switch' },
  { keyword: 'AdvHomeAgentInfo', field: 'advHomeAgentInfo', kind: 'switch' },
  { keyword: 'HomeAgentLifetime', field: 'homeAgentLifetime', kind: 'number' },
  {
    keyword: 'HomeAgentPreference',
    field: 'homeAgentPreference',
    kind: 'number',
    check: atMost(65535, 'the Home Agent Preference field is 16 bits, RFC 6275 §7.4'),
  },
  { keyword: 'AdvMobRtrSupportFlag', field: 'advMobRtrSupportFlag', kind: 'switch' },
  { keyword: 'AdvIntervalOpt', field: 'advIntervalOpt', kind: 'switch' },
  { keyword: 'AdvCaptivePortalAPI', field: 'advCaptivePortalAPI', kind: 'uri' },
];

export const PREFIX_OPTIONS: readonly OptionSpec<keyof PrefixOptions>[] = [
  { keyword: 'AdvOnLink', field: 'advOnLink', kind: 'switch' },
  { keyword: 'AdvAutonomous', field: 'advAutonomous', kind: 'switch' },
  { keyword: 'AdvRouterAddr', field: 'advRouterAddr', kind: 'switch' },
  { keyword: 'AdvValidLifetime', field: 'advValidLifetime', kind: 'lifetime' },
  { keyword: 'AdvPreferredLifetime', field: 'advPreferredLifetime', kind: 'lifetime' },
  { keyword: 'DeprecatePrefix', field: 'deprecatePrefix', kind: 'switch' },
  { keyword: 'DecrementLifetimes', field: 'decrementLifetimes', kind: 'switch' },
  { keyword: 'Base6Interface', field: 'base6Interface', kind: 'ifname' },
  { keyword: 'Base6to4Interface', field: 'base6to4Interface', kind: 'ifname' },
];

export const ROUTE_OPTIONS: readonly OptionSpec<keyof RouteOptions>[] = [
  { keyword: 'AdvRoutePreference', field: 'advRoutePreference', kind: 'preference' },
  { keyword: 'AdvRouteLifetime', field: 'advRouteLifetime', kind: 'lifetime' },
  { keyword: 'RemoveRoute', field: 'removeRoute', kind: 'switch' },
];

export const RDNSS_OPTIONS: readonly OptionSpec<keyof RdnssOptions>[] = [
  { keyword: 'AdvRDNSSPreference', field: 'advRDNSSPreference', kind: 'number' },
  { keyword: 'AdvRDNSSOpen', field: 'advRDNSSOpen', kind: 'switch' },
  { keyword: 'AdvRDNSSLifetime', field: 'advRDNSSLifetime', kind: 'lifetime' },
  { keyword: 'FlushRDNSS', field: 'flushRDNSS', kind: 'switch' },
];

export const DNSSL_OPTIONS: readonly OptionSpec<keyof DnsslOptions>[] = [
  { keyword: 'AdvDNSSLLifetime', field: 'advDNSSLLifetime', kind: 'lifetime' },
  { keyword: 'FlushDNSSL', field: 'flushDNSSL', kind: 'switch' },
];

export const NAT64_OPTIONS: readonly OptionSpec<keyof Nat64PrefixOptions>[] = [
  {
    keyword: 'AdvValidLifetime',
    field: 'advValidLifetime',
    kind: 'number',
    // The PREF64 option carries the lifetime in units of 8 s in 13 bits (RFC 8781 §4).
    check: atMost(65528, 'the PREF64 scaled lifetime is 13 bits of 8 s, RFC 8781 §4'),
  },
];

export const LOWPANCO_OPTIONS: readonly OptionSpec<keyof LowpanContextOptions>[] = [
  {
    keyword: 'AdvContextLength',
    field: 'advContextLength',
    kind: 'number',
    check: atMost(128, 'a context prefix has at most 128 bits, RFC 6775 §4.2'),
  },
  { keyword: 'AdvContextCompressionFlag', field: 'advContextCompressionFlag', kind: 'switch' },
  {
    keyword: 'AdvContextID',
    field: 'advContextID',
    kind: 'number',
    check: atMost(15, 'the CID field is 4 bits, RFC 6775 §4.2'),
  },
  {
    keyword: 'AdvLifeTime',
    field: 'advLifeTime',
    kind: 'number',
    check: atMost(65535, 'the Valid Lifetime field is 16 bits, RFC 6775 §4.2'),
  },
];

export const ABRO_OPTIONS: readonly OptionSpec<keyof AbroOptions>[] = [
  {
    keyword: 'AdvVersionLow',
    field: 'advVersionLow',
    kind: 'number',
    check: atMost(65535, 'each version half is 16 bits, RFC 6775 §4.3'),
  },
  {
    keyword: 'AdvVersionHigh',
    field: 'advVersionHigh',
    kind: 'number',
    check: atMost(65535, 'each version half is 16 bits, RFC 6775 §4.3'),
  },
  // radvd 2.19 knows only this spelling; newer radvd matches it to AdvValidLifetime caselessly.
  {
    keyword: 'AdvValidLifeTime',
    field: 'advValidLifeTime',
    kind: 'number',
    check: atMost(65535, 'the Valid Lifetime field is 16 bits, RFC 6775 §4.3'),
  },
];

/** Words that open a block inside an interface (or the interface itself). */
export const BLOCK_KEYWORDS = [
  'interface',
  'prefix',
  'route',
  'RDNSS',
  'DNSSL',
  'clients',
  'lowpanco',
  'abro',
  'nat64prefix',
  'AdvRASrcAddress',
  'autoignoreprefixes',
] as const;

export type BlockKeyword = (typeof BLOCK_KEYWORDS)[number];

/** The option tables by the block they belong to, for "X is a prefix option" messages. */
export const TABLES_BY_BLOCK: ReadonlyArray<readonly [string, readonly OptionSpec<string>[]]> = [
  ['interface', INTERFACE_OPTIONS],
  ['prefix', PREFIX_OPTIONS],
  ['route', ROUTE_OPTIONS],
  ['RDNSS', RDNSS_OPTIONS],
  ['DNSSL', DNSSL_OPTIONS],
  ['nat64prefix', NAT64_OPTIONS],
  ['lowpanco', LOWPANCO_OPTIONS],
  ['abro', ABRO_OPTIONS],
];

// Value words, plus two tokens radvd's scanner reserves without using them in its grammar.
const OTHER_RESERVED = ['on', 'off', 'infinity', 'low', 'medium', 'high', 'advcontextprefix', 'adv6lbraddress'];

/** Words radvd's scanner turns into something other than a plain string. */
export function isReservedWord(word: string): boolean {
  const w = word.toLowerCase();
  if (OTHER_RESERVED.includes(w)) return true;
  if (BLOCK_KEYWORDS.some((k) => k.toLowerCase() === w)) return true;
  return TABLES_BY_BLOCK.some(([, table]) => table.some((o) => o.keyword.toLowerCase() === w));
}

/** The spec for `word` in `table`, matched without regard to case. */
export function findOption<F extends string>(
  table: readonly OptionSpec<F>[],
  word: string,
): OptionSpec<F> | undefined {
  const w = word.toLowerCase();
  return table.find((o) => o.keyword.toLowerCase() === w);
}
