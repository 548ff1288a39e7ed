// The empty config and the embedded demo router that `npm start` builds a lab around.
import { configSchema, type Config, type ConfigInput } from './schema.ts';

/** A router with nothing configured: every section at its defaults. */
export function defaultConfig(): Config {
  return configSchema.parse({ version: 1 });
}

/** The demo router as an operator would write it (defaults left out). */
export const DEMO_CONFIG: ConfigInput = {
  version: 1,
  interfaces: {
    wan0: { kind: 'veth', role: 'wan', ips: ['2001:db8:ffff::2/64'], gateways: ['2001:db8:ffff::1'] },
    lan0: {
      kind: 'veth',
      role: 'lan',
      ips: ['2001:db8:1::1/64'],
      // SLAAC with DNS from the RA (RFC 8106) and from stateless DHCPv6 (O flag).
      ra: {
        otherConfigFlag: true,
        prefixes: [{ prefix: '2001:db8:1::/64' }],
        rdnss: [{ servers: ['2001:db8:1::1'] }],
        dnssl: [{ domains: ['lan.example'] }],
      },
      dhcpv6: { mode: 'stateless', dnsServers: ['2001:db8:1::1'], domainSearch: ['lan.example'] },
    },
    lan1: {
      kind: 'veth',
      role: 'lan',
      ips: ['2001:db8:2::1/64'],
      // Managed: addresses and delegated prefixes from DHCPv6; the prefix stays on-link only.
      ra: { managedFlag: true, otherConfigFlag: true, prefixes: [{ prefix: '2001:db8:2::/64', autonomous: false }] },
      dhcpv6: {
        mode: 'stateful',
        addressPools: [{ start: '2001:db8:2::1000', end: '2001:db8:2::1fff' }],
        prefixDelegationPools: [{ prefix: '2001:db8:100::/40', delegatedLength: 56 }],
        dnsServers: ['2001:db8:2::1'],
      },
    },
    hosts0: { kind: 'veth', role: 'hosts', ips: ['2001:db8:3::1/64'] },
  },
  upstream: { interface: 'wan0', mode: 'static', address: '2001:db8:ffff::2/64', gateway: '2001:db8:ffff::1' },
  ipam: { hostPool: '2001:db8:4000::/34', hostPrefixLength: 48 },
  hosts: {
    ch1: {
      interface: 'hosts0',
      nextHop: '2001:db8:3::10',
      networks: { web: {}, db: {} },
      publishedPorts: [{ protocol: 'tcp', port: 443, network: 'web' }],
    },
  },
  firewall: { management: { interfaces: ['lan0'], sources: ['2001:db8:1::/64'] } },
};

/** The demo router with defaults filled in. */
export function demoConfig(): Config {
  return configSchema.parse(structuredClone(DEMO_CONFIG));
}
