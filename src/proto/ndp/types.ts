// The closed set of Neighbor Discovery messages and options (RFC 4861 §4 and its extensions).
// Reserved fields are optional: parse sets them only when a sender put non-zero bits there, so a
// value built by hand stays short while a parsed packet still re-serializes bit for bit.

/** RFC 4191 §2.1: the two-bit preference; 'reserved' is the value 10 (binary), kept as seen. */
export type RoutePreference = 'low' | 'medium' | 'high' | 'reserved';

/** RFC 4861 §4.6.1: Source (1) or Target (2) Link-Layer Address. */
export interface LinkLayerAddressOption {
  readonly type: 'source-lla' | 'target-lla';
  /** Lowercase colon hex of the whole option body, e.g. `aa:bb:cc:dd:ee:ff`. */
  readonly address: string;
}

/** RFC 4861 §4.6.2 (L, A), RFC 6275 §7.2 (R): Prefix Information (3). */
export interface PrefixInformationOption {
  readonly type: 'prefix-information';
  readonly prefixLength: number;
  readonly onLink: boolean;
  readonly autonomous: boolean;
  readonly routerAddress: boolean;
  readonly validLifetime: number;
  readonly preferredLifetime: number;
  /** Canonical text of the 16-byte prefix field, bits past prefixLength kept as sent. */
  readonly prefix: string;
  /** The five low flag bits (Reserved1), present only when non-zero. */
  readonly reserved1?: number;
  /** The 32-bit Reserved2 field, present only when non-zero. */
  readonly reserved2?: number;
}

/** RFC 4861 §4.6.3: Redirected Header (4); `bytes` is the body after type and length. */
export interface RedirectedHeaderOption {
  readonly type: 'redirected-header';
  readonly bytes: Uint8Array;
}

/** RFC 4861 §4.6.4: MTU (5). */
export interface MtuOption {
  readonly type: 'mtu';
  readonly mtu: number;
  readonly reserved?: number;
}

/** RFC 6275 §7.3: Advertisement Interval (7), in milliseconds. */
export interface AdvertisementIntervalOption {
  readonly type: 'advertisement-interval';
  readonly interval: number;
  readonly reserved?: number;
}

/** RFC 6275 §7.4: Home Agent Information (8). The preference is a signed 16-bit integer. */
export interface HomeAgentInformationOption {
  readonly type: 'home-agent-information';
  readonly preference: number;
  readonly lifetime: number;
  readonly reserved?: number;
}

/** RFC 3971 §5.3.2: Nonce (14); the body after type and length, at least 6 bytes. */
export interface NonceOption {
  readonly type: 'nonce';
  readonly nonce: Uint8Array;
}

/** RFC 4191 §2.3: Route Information (24). */
export interface RouteInformationOption {
  readonly type: 'route-information';
  readonly prefixLength: number;
  readonly preference: RoutePreference;
  readonly routeLifetime: number;
  /** Canonical text; bytes the option did not carry read as zero. */
  readonly prefix: string;
  /** Option length in 8-byte units, present only when longer than prefixLength needs. */
  readonly length?: 2 | 3;
  /** The six reserved bits around Prf (mask 0xe7), present only when non-zero. */
  readonly reservedBits?: number;
}

/** RFC 8106 §5.1: Recursive DNS Server (25). */
export interface RdnssOption {
  readonly type: 'rdnss';
  readonly lifetime: number;
  readonly servers: readonly string[];
  readonly reserved?: number;
}

/** RFC 8106 §5.2: DNS Search List (31); names without the trailing dot. */
export interface DnsslOption {
  readonly type: 'dnssl';
  readonly lifetime: number;
  readonly domains: readonly string[];
  readonly reserved?: number;
}

/** RFC 8910 §2.3: Captive Portal (37). */
export interface CaptivePortalOption {
  readonly type: 'captive-portal';
  readonly uri: string;
}

/** RFC 8781 §4: PREF64 (38). */
export interface Pref64Option {
  readonly type: 'pref64';
  /** Seconds, a multiple of 8 up to 65528 (the wire carries lifetime / 8 in 13 bits). */
  readonly lifetime: number;
  /** 96, 64, 56, 48, 40 or 32 (Prefix Length Code 0–5). */
  readonly prefixLength: number;
  /** Canonical text; the wire carries only the first 96 bits. */
  readonly prefix: string;
}

/** Any other option, kept whole so a round trip loses nothing (RFC 4861 §4.6: ignore unknowns). */
export interface RawOption {
  readonly type: 'raw';
  readonly code: number;
  /** The body after type and length. */
  readonly bytes: Uint8Array;
}

export type NdpOption =
  | LinkLayerAddressOption
  | PrefixInformationOption
  | RedirectedHeaderOption
  | MtuOption
  | AdvertisementIntervalOption
  | HomeAgentInformationOption
  | NonceOption
  | RouteInformationOption
  | RdnssOption
  | DnsslOption
  | CaptivePortalOption
  | Pref64Option
  | RawOption;

interface MessageBase {
  /** ICMPv6 code; receivers drop non-zero (RFC 4861 §6.1, §7.1), present only when non-zero. */
  readonly code?: number;
  readonly options: readonly NdpOption[];
}

/** RFC 4861 §4.1: Router Solicitation (133). */
export interface RouterSolicitation extends MessageBase {
  readonly type: 'rs';
  readonly reserved?: number;
}

/** RFC 4861 §4.2, RFC 4191 §2.2 (Prf), RFC 3775 (H), RFC 4389 (P): Router Advertisement (134). */
export interface RouterAdvertisement extends MessageBase {
  readonly type: 'ra';
  readonly curHopLimit: number;
  readonly managed: boolean;
  readonly other: boolean;
  readonly homeAgent: boolean;
  readonly routerPreference: RoutePreference;
  readonly proxy: boolean;
  /** The two low flag bits, present only when non-zero. */
  readonly reservedFlags?: number;
  readonly routerLifetime: number;
  readonly reachableTime: number;
  readonly retransTimer: number;
}

/** RFC 4861 §4.3: Neighbor Solicitation (135). */
export interface NeighborSolicitation extends MessageBase {
  readonly type: 'ns';
  readonly target: string;
  readonly reserved?: number;
}

/** RFC 4861 §4.4: Neighbor Advertisement (136). */
export interface NeighborAdvertisement extends MessageBase {
  readonly type: 'na';
  readonly router: boolean;
  readonly solicited: boolean;
  readonly override: boolean;
  /** The 29 bits after R, S and O, present only when non-zero. */
  readonly reserved?: number;
  readonly target: string;
}

/** RFC 4861 §4.5: Redirect (137). */
export interface Redirect extends MessageBase {
  readonly type: 'redirect';
  readonly target: string;
  readonly destination: string;
  readonly reserved?: number;
}

export type NdpMessage =
  | RouterSolicitation
  | RouterAdvertisement
  | NeighborSolicitation
  | NeighborAdvertisement
  | Redirect;

/** ICMPv6 type numbers (RFC 4861 §4). */
export const ICMPV6_TYPE = { rs: 133, ra: 134, ns: 135, na: 136, redirect: 137 } as const;

/** Option type numbers, from the IANA IPv6 Neighbor Discovery Option Formats registry. */
export const OPTION_CODE = {
  'source-lla': 1,
  'target-lla': 2,
  'prefix-information': 3,
  'redirected-header': 4,
  mtu: 5,
  'advertisement-interval': 7,
  'home-agent-information': 8,
  nonce: 14,
  'route-information': 24,
  rdnss: 25,
  dnssl: 31,
  'captive-portal': 37,
  pref64: 38,
} as const;
