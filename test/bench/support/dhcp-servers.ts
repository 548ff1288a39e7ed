// The two DHCPv6 servers under load, configured alike: our server (src/services/dhcpv6/main.ts in
// the router namespace, a fresh store per start) and Kea 2.2 (memfile, persist true). Same subnet,
// same address range and delegation pool, same lifetimes, DNS options and Rapid Commit.
import { join } from 'node:path';
import { kea6, type Lab, type LabSpec } from '../../lab/index.ts';
import { serverStatus } from '../../services/dhcpv6/lab.ts';

export const ROUTER_IF = 'lan0';
export const HOST_IF = 'eth0';
const SUBNET = '2001:db8:1::/64';
const ROUTER_IP = '2001:db8:1::1/64';
/** 2^32 addresses and 2^24 delegated /64s: no probe comes near exhausting either. */
const RANGE = { start: '2001:db8:1::1:0', end: '2001:db8:1::ffff:ffff' };
const PD_POOL = { prefix: '2001:db8:8000::/40', delegatedLength: 64 };
const LIFE = { preferred: 3600, valid: 7200, renew: 1800, rebind: 2880 };
const DNS = ['2001:db8:1::53'];
const SEARCH = ['lan.example'];

export const LAB_SPEC: LabSpec = {
  nodes: { router: { forwarding: true }, host: {} },
  links: [{ a: ['router', ROUTER_IF], b: ['host', HOST_IF] }],
  addresses: { router: { [ROUTER_IF]: [ROUTER_IP] } },
};

export type ServerKind = 'v6edge' | 'kea';

export interface RunningServer {
  readonly kind: ServerKind;
  readonly pid: number;
  /** Active leases the server holds now (ours: its status; Kea: its lease file). */
  leaseCount(): Promise<number>;
  stop(): Promise<void>;
}

const MAIN = new URL('../../../src/services/dhcpv6/main.ts', import.meta.url).pathname;

/** Our config file: one LAN interface serving stateful DHCPv6 with the shared pools. */
export function ourConfig(): string {
  // JSON is YAML.
  return JSON.stringify({
    version: 1,
    interfaces: {
      [ROUTER_IF]: {
        kind: 'ethernet',
        role: 'lan',
        ips: [ROUTER_IP],
        dhcpv6: {
          mode: 'stateful',
          addressPools: [RANGE],
          prefixDelegationPools: [PD_POOL],
          dnsServers: DNS,
          domainSearch: SEARCH,
          preferredLifetime: LIFE.preferred,
          validLifetime: LIFE.valid,
          renewTime: LIFE.renew,
          rebindTime: LIFE.rebind,
          rapidCommit: true,
          // The default cap (1,000 per interface, like dnsmasq) would end the 100,000-lease probe.
          limits: { leasesPerInterface: 1_000_000 },
        },
      },
    },
  });
}

let serial = 0;

export interface StartOptions {
  /** Write a V8 CPU profile of our server into this directory when it exits. */
  readonly cpuProfileDir?: string;
}

/** Starts a fresh server of `kind` in the router namespace and waits until it listens. */
export async function startServer(lab: Lab, kind: ServerKind, options: StartOptions = {}): Promise<RunningServer> {
  const tag = `${kind}-${serial++}`;
  if (kind === 'kea') {
    const kea = await kea6(lab, 'router', {
      name: tag,
      ifname: ROUTER_IF,
      subnet: SUBNET,
      pools: [`${RANGE.start}-${RANGE.end}`],
      pdPools: [PD_POOL],
      persist: true,
      rapidCommit: true,
      dnsServers: DNS,
      domainSearch: SEARCH,
      lifetimes: LIFE,
    });
    return { kind, pid: kea.peer.pid, leaseCount: async () => kea.leases().length, stop: () => kea.stop() };
  }
  const config = lab.file(`${tag}.yaml`, ourConfig());
  const profile = options.cpuProfileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`];
  const argv = [process.execPath, '--disable-warning=ExperimentalWarning', ...profile, MAIN, '--store', join(lab.dir, `${tag}.db`), '--config', config];
  const peer = lab.spawn('router', argv, { name: tag });
  await peer.waitForOutput(/^ready/m, 10_000);
  return {
    kind,
    pid: peer.pid,
    leaseCount: async () => {
      const s = await serverStatus(lab, peer);
      return Object.values(s.leases).reduce((n, l) => n + l.na + l.pd, 0);
    },
    // The profile is written while the process exits: give it time before any SIGKILL.
    stop: async () => void (await peer.stop({ graceMs: 10_000 })),
  };
}
