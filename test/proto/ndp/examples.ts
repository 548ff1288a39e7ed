// One realistic message of each type with several options: fuzz seeds and the tshark check.
import type { NdpMessage } from '../../../src/proto/ndp/types.ts';

export const RS: NdpMessage = {
  type: 'rs',
  options: [{ type: 'source-lla', address: '02:00:00:00:00:01' }, { type: 'nonce', nonce: Uint8Array.of(1, 2, 3, 4, 5, 6) }],
};

export const RA: NdpMessage = {
  type: 'ra',
  curHopLimit: 64,
  managed: true,
  other: true,
  homeAgent: false,
  routerPreference: 'high',
  proxy: false,
  routerLifetime: 1800,
  reachableTime: 30000,
  retransTimer: 1000,
  options: [
    { type: 'source-lla', address: '02:00:00:00:00:01' },
    { type: 'mtu', mtu: 1480 },
    {
      type: 'prefix-information',
      prefixLength: 64,
      onLink: true,
      autonomous: true,
      routerAddress: false,
      validLifetime: 2592000,
      preferredLifetime: 604800,
      prefix: '2001:db8:1::',
    },
    { type: 'route-information', prefixLength: 48, preference: 'low', routeLifetime: 3600, prefix: '2001:db8:100::' },
    { type: 'rdnss', lifetime: 1200, servers: ['2001:db8::53', '2001:db8::54'] },
    { type: 'dnssl', lifetime: 1200, domains: ['example.com', 'lab.example.net'] },
    { type: 'advertisement-interval', interval: 600000 },
    { type: 'home-agent-information', preference: -5, lifetime: 1800 },
    { type: 'pref64', lifetime: 1800, prefixLength: 96, prefix: '64:ff9b::' },
    { type: 'captive-portal', uri: 'https://portal.example.com/api' },
    { type: 'raw', code: 253, bytes: Uint8Array.of(0xde, 0xad, 0xbe, 0xef, 0, 0) },
  ],
};

export const NS: NdpMessage = {
  type: 'ns',
  target: '2001:db8:1::2',
  options: [{ type: 'source-lla', address: '02:00:00:00:00:01' }, { type: 'nonce', nonce: Uint8Array.of(9, 8, 7, 6, 5, 4) }],
};

export const NA: NdpMessage = {
  type: 'na',
  router: true,
  solicited: true,
  override: false,
  target: '2001:db8:1::1',
  options: [{ type: 'target-lla', address: '02:00:00:00:00:02' }],
};

export const REDIRECT: NdpMessage = {
  type: 'redirect',
  target: 'fe80::2',
  destination: '2001:db8:2::9',
  options: [
    { type: 'target-lla', address: '02:00:00:00:00:02' },
    // Six reserved bytes, then the packet that caused the Redirect (RFC 4861 §4.6.3): an IPv6
    // header (payload 8, ICMPv6, hop limit 64, :: to ::) and an Echo Request header.
    {
      type: 'redirected-header',
      bytes: Uint8Array.from([0, 0, 0, 0, 0, 0, 0x60, 0, 0, 0, 0, 8, 58, 64, ...new Array<number>(32).fill(0), 128, 0, 0, 0, 0, 0, 0, 0]),
    },
  ],
};

export const EXAMPLES: readonly NdpMessage[] = [RS, RA, NS, NA, REDIRECT];
