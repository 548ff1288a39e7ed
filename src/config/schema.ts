// The config document: the whole desired state of the appliance. One zod schema gives the
// types, the defaults and the field-level checks; rules between fields live in *-rules.ts.
import { z } from 'zod';
import { dhcpv6Schema } from './dhcpv6-schema.ts';
import {
  interfaceAddress,
  interfaceName,
  ipv6Prefix,
  labelName,
  unicastAddress,
  wholeSeconds,
} from './primitives.ts';
import { raSchema } from './ra-schema.ts';

/** `ips` tokens: take an address by SLAAC (RFC 4862) or by DHCPv6 IA_NA (RFC 8415). */
export const IP_TOKENS = ['slaac', 'dhcpv6'] as const;

const ipEntry = z.union([z.enum(IP_TOKENS), interfaceAddress], {
  error: 'Expected an address with its prefix length (2001:db8::1/64), "slaac" or "dhcpv6".',
});

const interfaceCommon = {
  /** IPv6 needs at least 1280 on every link (RFC 8200 §5). */
  mtu: z.number().int().min(1280).max(65535).default(1500),
  /** wan faces the upstream; lan serves hosts with RA/DHCPv6; hosts reaches container hosts; mgmt is for management only. */
  role: z.enum(['wan', 'lan', 'hosts', 'mgmt']),
  ips: z.array(ipEntry).max(32).default([]),
  /** Next hops for default routes on this link. */
  gateways: z.array(unicastAddress).max(8).default([]),
  ra: raSchema.optional(),
  dhcpv6: dhcpv6Schema.optional(),
  enabled: z.boolean().default(true),
};

export const BOND_MODES = [
  'balance-rr',
  'active-backup',
  'balance-xor',
  'broadcast',
  '802.3ad',
  'balance-tlb',
  'balance-alb',
] as const;

export const interfaceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('ethernet'), ...interfaceCommon }),
  /** IEEE 802.1Q: VLAN IDs 0 and 4095 are reserved. */
  z.strictObject({ kind: z.literal('vlan'), parent: interfaceName, id: z.number().int().min(1).max(4094), ...interfaceCommon }),
  z.strictObject({ kind: z.literal('bridge'), ports: z.array(interfaceName).max(64).default([]), ...interfaceCommon }),
  z.strictObject({
    kind: z.literal('bond'),
    members: z.array(interfaceName).min(1).max(16),
    mode: z.enum(BOND_MODES).default('active-backup'),
    ...interfaceCommon,
  }),
  z.strictObject({ kind: z.literal('dummy'), ...interfaceCommon }),
  z.strictObject({ kind: z.literal('veth'), peer: interfaceName.optional(), ...interfaceCommon }),
]);

/** How the router gets its own upstream address. */
export const upstreamSchema = z.discriminatedUnion('mode', [
  z.strictObject({ interface: interfaceName, mode: z.literal('static'), address: interfaceAddress, gateway: unicastAddress }),
  z.strictObject({ interface: interfaceName, mode: z.literal('slaac') }),
  z.strictObject({
    interface: interfaceName,
    mode: z.literal('dhcpv6'),
    /** IA_PD hint (RFC 8415 §18.2.1): a length such as 56, or a prefix such as 2001:db8::/56. */
    prefixDelegationHint: z.union([z.number().int().min(1).max(128), ipv6Prefix()], {
      error: 'Expected a prefix length (e.g. 56) or a prefix (e.g. 2001:db8::/56).',
    }).optional(),
  }),
]);

/** Proxy NDP for `prefix` seen on `upstream` (ndppd `proxy`/`rule`). */
const ndproxyCommon = {
  upstream: interfaceName,
  prefix: ipv6Prefix(),
  /** Seconds a learned answer is kept (ndppd ttl, default 30 s). */
  ttl: wholeSeconds(1, 3600).default(30),
};

export const ndproxyRuleSchema = z.discriminatedUnion('mode', [
  /** Answer for every address in the prefix. */
  z.strictObject({ mode: z.literal('static'), ...ndproxyCommon }),
  /** Answer when the routing table says the target is reached through another interface. */
  z.strictObject({ mode: z.literal('auto'), ...ndproxyCommon }),
  /** Answer when a neighbour solicitation on `interface` finds the target. */
  z.strictObject({ mode: z.literal('iface'), interface: interfaceName, ...ndproxyCommon }),
  /** Install kernel proxy entries (`ip -6 neigh add proxy`) for exactly these addresses. */
  z.strictObject({ mode: z.literal('kernel'), addresses: z.array(unicastAddress).min(1).max(1024), ...ndproxyCommon }),
]);

export const ndproxySchema = z.strictObject({
  rules: z.array(ndproxyRuleSchema).max(256).default([]),
});

/** Per-host prefixes handed out from one pool. */
export const ipamSchema = z.strictObject({
  hostPool: ipv6Prefix(),
  hostPrefixLength: z.number().int().min(40).max(80).default(48),
  containerNetworkLength: z.number().int().min(48).max(120).default(80),
  /** A released prefix is not reused for this long, so stale routes and caches age out. */
  quarantineSeconds: wholeSeconds(0, 31_536_000).default(86_400),
});

/** `80` or `8000-8100`. */
export const portSchema = z.union([
  z.number().int().min(1).max(65535),
  z.string().regex(/^\d{1,5}-\d{1,5}$/),
], { error: 'Expected a port (1–65535) or a range such as 8000-8100.' });

export const publishedPortSchema = z.strictObject({
  protocol: z.enum(['tcp', 'udp']),
  port: portSchema,
  /** Destination: a container network of this host (by name) or one address. */
  network: labelName.optional(),
  address: unicastAddress.optional(),
});

export const hostNetworkSchema = z.strictObject({
  /** A fixed container network prefix; absent: allocated by IPAM. */
  prefix: ipv6Prefix().optional(),
});

export const hostSchema = z.strictObject({
  interface: interfaceName,
  /** The host's address on that link: link-local, or global inside the link's prefix. */
  nextHop: unicastAddress,
  /** Override of ipam.hostPrefixLength for this host. */
  prefixLength: z.number().int().min(16).max(128).optional(),
  /** A fixed prefix instead of an IPAM allocation. */
  prefix: ipv6Prefix().optional(),
  networks: z.record(labelName, hostNetworkSchema).default({}),
  publishedPorts: z.array(publishedPortSchema).max(1024).default([]),
});

export const firewallSchema = z.strictObject({
  management: z
    .strictObject({
      interfaces: z.array(interfaceName).max(64).default([]),
      sources: z.array(ipv6Prefix()).max(256).default([]),
    })
    .prefault({}),
  allowSsh: z.boolean().default(true),
  allowApi: z.boolean().default(false),
  logDrops: z.boolean().default(false),
  /** ICMPv6 Redirect (type 137) is a policy choice (RFC 4890 §4.3.3). */
  redirects: z.enum(['allow', 'drop']).default('drop'),
});

export const apiSchema = z.strictObject({
  socket: z.string().startsWith('/').max(107).default('/run/v6edge/api.sock'),
  group: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/).default('v6edge'),
});

export const tuiSchema = z.strictObject({
  refreshMs: z.number().int().min(100).max(60_000).default(1000),
  color: z.boolean().optional(),
});

export const configSchema = z.strictObject({
  version: z.literal(1),
  interfaces: z.record(interfaceName, interfaceSchema).default({}),
  upstream: upstreamSchema.optional(),
  ndproxy: ndproxySchema.prefault({}),
  ipam: ipamSchema.optional(),
  hosts: z.record(labelName, hostSchema).default({}),
  firewall: firewallSchema.prefault({}),
  api: apiSchema.prefault({}),
  tui: tuiSchema.prefault({}),
});

export type InterfaceConfig = z.infer<typeof interfaceSchema>;
export type InterfaceKind = InterfaceConfig['kind'];
export type InterfaceRole = InterfaceConfig['role'];
export type UpstreamConfig = z.infer<typeof upstreamSchema>;
export type NdproxyRule = z.infer<typeof ndproxyRuleSchema>;
export type NdproxyConfig = z.infer<typeof ndproxySchema>;
export type IpamConfig = z.infer<typeof ipamSchema>;
export type PublishedPort = z.infer<typeof publishedPortSchema>;
export type HostNetwork = z.infer<typeof hostNetworkSchema>;
export type HostConfig = z.infer<typeof hostSchema>;
export type FirewallConfig = z.infer<typeof firewallSchema>;
export type ApiConfig = z.infer<typeof apiSchema>;
export type TuiConfig = z.infer<typeof tuiSchema>;
/** A validated config with every default filled in. */
export type Config = z.infer<typeof configSchema>;
/** What an operator may write: defaults omitted. */
export type ConfigInput = z.input<typeof configSchema>;
