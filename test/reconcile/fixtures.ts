// Configs the reconcile tests share: a router with every link kind, and a container fleet of any size.
import { configSchema, type Config, type ConfigInput } from '../../src/config/schema.ts';
import { FakeKernel } from '../../src/backends/fake/kernel.ts';
import { combineBackends, type Backend } from '../../src/backends/types.ts';

export const parse = (input: ConfigInput): Config => configSchema.parse(structuredClone(input));

export const ROUTER: ConfigInput = {
  version: 1,
  interfaces: {
    eth0: { kind: 'ethernet', role: 'wan', ips: ['2001:db8:ffff::2/64'] },
    eth1: { kind: 'ethernet', role: 'lan', mtu: 9000 },
    eth2: { kind: 'ethernet', role: 'lan' },
    eth3: { kind: 'ethernet', role: 'lan' },
    'eth1.10': { kind: 'vlan', parent: 'eth1', id: 10, role: 'lan', ips: ['2001:db8:10::1/64'] },
    bond0: { kind: 'bond', members: ['eth2', 'eth3'], mode: '802.3ad', role: 'lan', ips: ['2001:db8:20::1/64'] },
    br0: { kind: 'bridge', ports: [], role: 'hosts', ips: ['2001:db8:3::1/64'], mtu: 1400 },
    lo1: { kind: 'dummy', role: 'mgmt', ips: ['2001:db8:99::1/128'] },
  },
  upstream: { interface: 'eth0', mode: 'static', address: '2001:db8:ffff::2/64', gateway: '2001:db8:ffff::1' },
  ndproxy: { rules: [{ mode: 'kernel', upstream: 'eth0', prefix: '2001:db8:ffff::/64', addresses: ['2001:db8:ffff::100'] }] },
  hosts: {
    ch1: {
      interface: 'br0',
      nextHop: '2001:db8:3::10',
      prefix: '2001:db8:1000::/48',
      networks: { web: { prefix: '2001:db8:1000:1::/80' }, db: { prefix: '2001:db8:1000:2::/80' } },
      publishedPorts: [{ protocol: 'tcp', port: 443, network: 'web' }, { protocol: 'udp', port: '8000-8100', network: 'db' }],
    },
  },
  firewall: { management: { interfaces: ['lo1'], sources: ['2001:db8:99::/48'] } },
};

/** The physical links the ROUTER config expects to find. */
export const PHYSICAL = ['eth0', 'eth1', 'eth2', 'eth3'].map((name) => ({ name, kind: 'ethernet' as const, mtu: 1500, up: false }));

export function fakeRouter(): { fake: FakeKernel; backend: Backend } {
  const fake = new FakeKernel(PHYSICAL);
  return { fake, backend: combineBackends([fake]) };
}

/** `n` hosts on br0, each with one /80 network and one published port, their prefixes from IPAM-like allocations. */
export function fleet(n: number, base: ConfigInput = ROUTER): { config: Config; allocations: Array<{ pool: string; owner: string; prefix: string }> } {
  const hosts: Record<string, unknown> = {};
  const allocations: Array<{ pool: string; owner: string; prefix: string }> = [];
  for (let i = 0; i < n; i++) {
    const name = `h${i}`;
    const hex = (0x4000 + i).toString(16);
    hosts[name] = { interface: 'br0', nextHop: `fe80::${(i + 1).toString(16)}`, networks: { app: {} }, publishedPorts: [{ protocol: 'tcp', port: 80, network: 'app' }] };
    allocations.push({ pool: 'hosts', owner: name, prefix: `2001:db8:${hex}::/48` }, { pool: `host:${name}`, owner: `${name}/app`, prefix: `2001:db8:${hex}:1::/80` });
  }
  const config = parse({ ...base, hosts: hosts as ConfigInput['hosts'], ipam: { hostPool: '2001:db8::/32' } });
  return { config, allocations };
}
