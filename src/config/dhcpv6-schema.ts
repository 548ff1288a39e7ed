// DHCPv6 server settings for one interface (RFC 8415). Pool placement and lifetime ordering
// are cross-field rules in dhcpv6-rules.ts.
import { z } from 'zod';
import { domainName, duidHex, ipv6Prefix, lifetime, unicastAddress, labelName } from './primitives.ts';

/** An IA_NA pool: a range of addresses, or every address of a prefix. */
export const addressPoolSchema = z.union(
  [
    z.strictObject({ start: unicastAddress, end: unicastAddress }),
    z.strictObject({ prefix: ipv6Prefix() }),
  ],
  { error: 'An address pool is either { start, end } or { prefix }.' },
);

/** An IA_PD pool: `prefix` carved into prefixes of `delegatedLength` (RFC 8415 §6.3). */
export const prefixDelegationPoolSchema = z.strictObject({
  prefix: ipv6Prefix(),
  delegatedLength: z.number().int().min(1).max(128),
});

/** A fixed binding for one client DUID. */
export const reservationSchema = z
  .strictObject({
    duid: duidHex,
    address: unicastAddress.optional(),
    prefix: ipv6Prefix().optional(),
    hostname: labelName.optional(),
  });

export const dhcpv6Schema = z.strictObject({
  /** off; stateless = Information-request only (RFC 8415 §6.1); stateful = IA_NA / IA_PD. */
  mode: z.enum(['off', 'stateless', 'stateful']).default('off'),
  addressPools: z.array(addressPoolSchema).max(64).default([]),
  prefixDelegationPools: z.array(prefixDelegationPoolSchema).max(64).default([]),
  reservations: z.array(reservationSchema).max(4096).default([]),
  /** OPTION_DNS_SERVERS (RFC 3646 §3). */
  dnsServers: z.array(unicastAddress).max(16).default([]),
  /** OPTION_DOMAIN_LIST (RFC 3646 §4). */
  domainSearch: z.array(domainName).max(32).default([]),
  /** IAADDR / IAPREFIX lifetimes (RFC 8415 §21.6, §21.22). */
  preferredLifetime: lifetime.default(3600),
  validLifetime: lifetime.default(7200),
  /** T1 and T2 (RFC 8415 §21.4); absent: 0.5 and 0.8 × the shortest preferred lifetime. */
  renewTime: lifetime.optional(),
  rebindTime: lifetime.optional(),
  /** Rapid Commit (RFC 8415 §21.14): two-message exchange when the client asks. */
  rapidCommit: z.boolean().default(false),
  /** Preference option (RFC 8415 §21.8); 255 makes clients stop collecting Advertises. */
  preference: z.number().int().min(0).max(255).default(0),
  /** Bindings cap per client (RFC 8415 §22 asks for one) and per interface (dnsmasq caps 1000). */
  limits: z
    .strictObject({
      leasesPerClient: z.number().int().min(1).max(1024).default(4),
      leasesPerInterface: z.number().int().min(1).max(1_000_000).default(1000),
    })
    .prefault({}),
  /** Information Refresh Time (RFC 8415 §21.23): at least IRT_MINIMUM 600 s. */
  informationRefreshTime: z.union([z.number().int().min(600).max(0xfffffffe), z.literal('infinity')], {
    error: 'Expected at least 600 seconds (IRT_MINIMUM) or "infinity".',
  }).optional(),
});

export type AddressPool = z.infer<typeof addressPoolSchema>;
export type PrefixDelegationPool = z.infer<typeof prefixDelegationPoolSchema>;
export type Reservation = z.infer<typeof reservationSchema>;
export type Dhcpv6Config = z.infer<typeof dhcpv6Schema>;
