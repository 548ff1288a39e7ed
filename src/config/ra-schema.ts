// Router Advertisement settings for one interface: every radvd.conf(5) interface-level option,
// named after its RFC 4861 §6.2.1 conceptual variable in camelCase. Ranges that depend on other
// fields (Min ≤ 0.75 × Max, router lifetime ≥ Max, preferred ≤ valid) are in ra-rules.ts.
import { z } from 'zod';
import {
  domainName,
  ipv6Prefix,
  lifetime,
  linkLocalAddress,
  preference,
  unicastAddress,
  wholeSeconds,
} from './primitives.ts';

/** 30 days and 7 days: AdvValidLifetime and AdvPreferredLifetime defaults, RFC 4861 §6.2.1. */
export const DEFAULT_VALID_LIFETIME = 2_592_000;
export const DEFAULT_PREFERRED_LIFETIME = 604_800;

/** Prefix Information option (RFC 4861 §4.6.2). `::/64` means every global /64 on the link. */
export const raPrefixSchema = z.strictObject({
  prefix: ipv6Prefix(),
  onLink: z.boolean().default(true),
  autonomous: z.boolean().default(true),
  /** The R flag (RFC 6275 §7.2): the prefix field carries the router's full address. */
  routerAddress: z.boolean().default(false),
  validLifetime: lifetime.default(DEFAULT_VALID_LIFETIME),
  preferredLifetime: lifetime.default(DEFAULT_PREFERRED_LIFETIME),
  /** radvd DecrementLifetimes: count lifetimes down in real time (RFC 4861 §6.2.1). */
  decrementLifetimes: z.boolean().default(false),
  /** radvd DeprecatePrefix: advertise lifetime 0 on shutdown (RFC 9096 §3.5). */
  deprecatePrefix: z.boolean().default(false),
});

/** Route Information option (RFC 4191 §2.3). Lifetime absent: 3 × MaxRtrAdvInterval. */
export const raRouteSchema = z.strictObject({
  prefix: ipv6Prefix(),
  preference: preference.default('medium'),
  lifetime: lifetime.optional(),
  /** radvd RemoveRoute: advertise lifetime 0 when advertising stops. */
  removeRoute: z.boolean().default(true),
});

/** Recursive DNS Server option (RFC 8106 §5.1). Lifetime absent: 3 × MaxRtrAdvInterval. */
export const raRdnssSchema = z.strictObject({
  servers: z.array(unicastAddress).min(1).max(16),
  lifetime: lifetime.optional(),
  /** radvd FlushRDNSS: advertise lifetime 0 when advertising stops. */
  flush: z.boolean().default(true),
});

/** DNS Search List option (RFC 8106 §5.2). Lifetime absent: 3 × MaxRtrAdvInterval. */
export const raDnsslSchema = z.strictObject({
  domains: z.array(domainName).min(1).max(32),
  lifetime: lifetime.optional(),
  flush: z.boolean().default(true),
});

/**
 * PREF64 option (RFC 8781 §4): the NAT64 prefix, one of six lengths; the lifetime travels in
 * units of 8 s in 13 bits, so at most 65528 s. Absent: 3 × MaxRtrAdvInterval.
 */
export const raPref64Schema = z.strictObject({
  prefix: ipv6Prefix({ lengths: [32, 40, 48, 56, 64, 96] }),
  lifetime: wholeSeconds(0, 65528).optional(),
});

/** Home Agent Information option (RFC 6275 §7.4): signed 16-bit preference, lifetime 1–65535. */
export const raHomeAgentInfoSchema = z.strictObject({
  preference: z.number().int().min(-32768).max(32767).default(0),
  lifetime: wholeSeconds(1, 65535).optional(),
});

/** radvd `clients`: send unicast RAs only to these; `exclude` is radvd's `!` prefix. */
export const raClientSchema = z.strictObject({
  address: linkLocalAddress,
  exclude: z.boolean().default(false),
});

export const raSchema = z.strictObject({
  /** AdvSendAdvert. */
  enabled: z.boolean().default(true),
  /** MaxRtrAdvInterval: 4–1800 s in RFC 4861 §6.2.1, up to 65535 s since RFC 8319 §4. */
  maxRtrAdvInterval: z.number().min(4).max(65535).default(600),
  /** MinRtrAdvInterval: ≥ 3 s and ≤ 0.75 × Max; absent means 0.33 × Max (Max ≥ 9) else Max. */
  minRtrAdvInterval: z.number().min(3).max(65535).optional(),
  /** MIN_DELAY_BETWEEN_RAS (RFC 4861 §10); Mobile IPv6 lowers it to 0.03 s (RFC 6275 §7.5). */
  minDelayBetweenRas: z.number().min(0.03).max(3600).default(3),
  /** AdvManagedFlag (M): addresses from DHCPv6. */
  managedFlag: z.boolean().default(false),
  /** AdvOtherConfigFlag (O): other configuration from DHCPv6. */
  otherConfigFlag: z.boolean().default(false),
  /** AdvHomeAgentFlag (H, RFC 6275 §7.1). */
  homeAgentFlag: z.boolean().default(false),
  /** AdvDefaultLifetime: 0 or Max..9000 s (RFC 8319: 65535); absent means 3 × Max. */
  defaultLifetime: wholeSeconds(0, 65535).optional(),
  /** AdvDefaultPreference (Prf, RFC 4191 §2.2). */
  defaultPreference: preference.default('medium'),
  /** AdvReachableTime in ms, at most one hour (RFC 4861 §6.2.1); 0 = unspecified. */
  reachableTimeMs: z.number().int().min(0).max(3_600_000).default(0),
  /** AdvRetransTimer in ms; 0 = unspecified. */
  retransTimerMs: z.number().int().min(0).max(0xffffffff).default(0),
  /** AdvCurHopLimit; 0 = unspecified. */
  curHopLimit: z.number().int().min(0).max(255).default(64),
  /** AdvLinkMTU: 0 (no MTU option) or at least the IPv6 minimum 1280 (RFC 8200 §5). */
  linkMtu: z.union([z.literal(0), z.number().int().min(1280).max(0xffffffff)], {
    error: 'Expected 0 (no MTU option) or an MTU of at least 1280.',
  }).default(0),
  /** AdvSourceLLAddress: include the Source Link-Layer Address option. */
  sourceLinkLayerAddress: z.boolean().default(true),
  /** AdvIntervalOpt: Advertisement Interval option (RFC 6275 §7.3). */
  advertisementInterval: z.boolean().default(false),
  /** AdvHomeAgentInfo with HomeAgentPreference / HomeAgentLifetime (RFC 6275 §7.4). */
  homeAgentInfo: raHomeAgentInfoSchema.optional(),
  /** AdvMobRtrSupportFlag: Home Agent Information R bit for mobile routers (RFC 3963, NEMO). */
  mobileRouterSupportFlag: z.boolean().default(false),
  /** UnicastOnly: never multicast RAs (links without multicast). */
  unicastOnly: z.boolean().default(false),
  /** AdvRASolicitedUnicast: answer an RS with a unicast RA (RFC 7772 §5.1). */
  unicastResponse: z.boolean().default(true),
  clients: z.array(raClientSchema).max(1024).default([]),
  /** RemoveAdvOnExit: send final RAs with router lifetime 0 (RFC 4861 §6.2.5). */
  removeAdvOnExit: z.boolean().default(true),
  /** AdvRASrcAddress: link-local sources to send from, in order of preference. */
  raSourceAddresses: z.array(linkLocalAddress).max(16).default([]),
  prefixes: z.array(raPrefixSchema).max(64).default([]),
  routes: z.array(raRouteSchema).max(64).default([]),
  rdnss: z.array(raRdnssSchema).max(16).default([]),
  dnssl: z.array(raDnsslSchema).max(16).default([]),
  pref64: z.array(raPref64Schema).max(8).default([]),
  /** Captive-Portal API URI (RFC 8910 §2.3). */
  captivePortal: z.url({ error: 'Expected an absolute URI such as https://portal.example/api.' }).optional(),
});

export type RaPrefix = z.infer<typeof raPrefixSchema>;
export type RaRoute = z.infer<typeof raRouteSchema>;
export type RaRdnss = z.infer<typeof raRdnssSchema>;
export type RaDnssl = z.infer<typeof raDnsslSchema>;
export type RaPref64 = z.infer<typeof raPref64Schema>;
export type RaHomeAgentInfo = z.infer<typeof raHomeAgentInfoSchema>;
export type RaClient = z.infer<typeof raClientSchema>;
export type RaConfig = z.infer<typeof raSchema>;
