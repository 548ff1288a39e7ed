// The radvd.conf syntax tree: what the operator wrote, option by option, with nothing filled in.
// An absent option means "radvd's default applies"; lists keep file order within each kind, the
// order radvd advertises them in. Addresses are RFC 5952 text.

export type Preference = 'low' | 'medium' | 'high';

/** Value used by radvd for the keyword `infinity` (all one bits, RFC 4861 §4.6.2). */
export const INFINITY = 0xffffffff;

export interface InterfaceOptions {
  readonly ignoreIfMissing?: boolean;
  readonly advSendAdvert?: boolean;
  readonly unicastOnly?: boolean;
  readonly unrestrictedUnicast?: boolean;
  readonly advRASolicitedUnicast?: boolean;
  /** Seconds; decimals are allowed for the three interval options (Mobile IPv6, RFC 6275 §7.5). */
  readonly maxRtrAdvInterval?: number;
  readonly minRtrAdvInterval?: number;
  readonly minDelayBetweenRAs?: number;
  readonly advManagedFlag?: boolean;
  readonly advOtherConfigFlag?: boolean;
  readonly advLinkMTU?: number;
  readonly advRAMTU?: number;
  readonly advReachableTime?: number;
  readonly advRetransTimer?: number;
  readonly advCurHopLimit?: number;
  readonly advDefaultLifetime?: number;
  readonly advDefaultPreference?: Preference;
  readonly advSourceLLAddress?: boolean;
  readonly removeAdvOnExit?: boolean;
  readonly advHomeAgentFlag?: boolean;
  readonly advHomeAgentInfo?: boolean;
  readonly homeAgentLifetime?: number;
  readonly homeAgentPreference?: number;
  readonly advMobRtrSupportFlag?: boolean;
  readonly advIntervalOpt?: boolean;
  /** RFC 8910 captive portal API URI, without the quotes. */
  readonly advCaptivePortalAPI?: string;
}

export interface PrefixOptions {
  readonly advOnLink?: boolean;
  readonly advAutonomous?: boolean;
  readonly advRouterAddr?: boolean;
  /** Seconds, INFINITY for `infinity`. */
  readonly advValidLifetime?: number;
  readonly advPreferredLifetime?: number;
  readonly deprecatePrefix?: boolean;
  readonly decrementLifetimes?: boolean;
  readonly base6Interface?: string;
  readonly base6to4Interface?: string;
}

export interface RouteOptions {
  readonly advRoutePreference?: Preference;
  readonly advRouteLifetime?: number;
  readonly removeRoute?: boolean;
}

export interface RdnssOptions {
  /** Accepted and ignored by radvd (deprecated draft field); kept so a rewrite loses nothing. */
  readonly advRDNSSPreference?: number;
  readonly advRDNSSOpen?: boolean;
  readonly advRDNSSLifetime?: number;
  readonly flushRDNSS?: boolean;
}

export interface DnsslOptions {
  readonly advDNSSLLifetime?: number;
  readonly flushDNSSL?: boolean;
}

export interface Nat64PrefixOptions {
  readonly advValidLifetime?: number;
}

export interface LowpanContextOptions {
  readonly advContextLength?: number;
  readonly advContextCompressionFlag?: boolean;
  readonly advContextID?: number;
  readonly advLifeTime?: number;
}

export interface AbroOptions {
  readonly advVersionLow?: number;
  readonly advVersionHigh?: number;
  readonly advValidLifeTime?: number;
}

/** `prefix`, `route`, `nat64prefix` and `autoignoreprefixes` entries name a prefix this way. */
export interface PrefixText {
  readonly address: string;
  readonly length: number;
}

export interface RadvdPrefix extends PrefixText {
  readonly options: PrefixOptions;
}

export interface RadvdRoute extends PrefixText {
  readonly options: RouteOptions;
}

export interface RadvdRdnss {
  readonly addresses: readonly string[];
  readonly options: RdnssOptions;
}

export interface RadvdDnssl {
  readonly suffixes: readonly string[];
  readonly options: DnsslOptions;
}

export interface RadvdNat64Prefix extends PrefixText {
  readonly options: Nat64PrefixOptions;
}

export interface RadvdLowpanContext {
  readonly options: LowpanContextOptions;
}

export interface RadvdAbro {
  readonly address: string;
  readonly options: AbroOptions;
}

/** One `clients` entry; `!addr` (newer radvd) lists a client that must not be answered. */
export interface RadvdClient {
  readonly address: string;
  readonly ignored: boolean;
}

export interface RadvdInterface {
  readonly name: string;
  readonly options: InterfaceOptions;
  readonly prefixes: readonly RadvdPrefix[];
  readonly routes: readonly RadvdRoute[];
  readonly rdnss: readonly RadvdRdnss[];
  readonly dnssl: readonly RadvdDnssl[];
  readonly nat64prefixes: readonly RadvdNat64Prefix[];
  /** All `clients` blocks of the interface, merged as radvd merges them. */
  readonly clients: readonly RadvdClient[];
  /** All `AdvRASrcAddress` blocks, merged. */
  readonly raSourceAddresses: readonly string[];
  /** All `autoignoreprefixes` blocks, merged: prefixes `::/64` must not pick up. */
  readonly autoIgnorePrefixes: readonly PrefixText[];
  readonly lowpanContexts: readonly RadvdLowpanContext[];
  readonly abros: readonly RadvdAbro[];
}

export interface RadvdConfig {
  readonly interfaces: readonly RadvdInterface[];
}
