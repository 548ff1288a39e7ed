// The DHCPv6 lab: a router namespace running our server (main.ts) and a host namespace where the
// tests run real clients through the shared lab peers (dhclient6, dhcpcd6, dhcp6c), joined by one veth.
import { join } from 'node:path';
import type { Lab, LabSpec, Peer } from '../../lab/index.ts';

export const SPEC: LabSpec = {
  nodes: { router: { forwarding: true }, host: {} },
  links: [{ a: ['router', 'lan0'], b: ['host', 'eth0'] }],
  addresses: { router: { lan0: ['2001:db8:1::1/64'] } },
};

const MAIN = new URL('../../../src/services/dhcpv6/main.ts', import.meta.url).pathname;
export const SEND_RAW = new URL('./send-raw.ts', import.meta.url).pathname;

export function configYaml(dhcpv6: object): string {
  // JSON is YAML.
  return JSON.stringify({
    version: 1,
    interfaces: {
      lan0: { kind: 'ethernet', role: 'lan', ips: ['2001:db8:1::1/64'], dhcpv6: { dnsServers: ['2001:db8:1::53'], domainSearch: ['lan.example'], ...dhcpv6 } },
    },
  });
}

let serial = 0;

/**
 * Starts the server in the router namespace and waits until its sockets are open and the host's
 * eth0 has its link-local address (clients refuse to start without one; multicast needs it).
 */
export async function startServer(lab: Lab, config: string): Promise<Peer> {
  const path = lab.file('config.yaml', config);
  const peer = lab.spawn('router', [process.execPath, MAIN, '--store', join(lab.dir, 'state.db'), '--config', path], { name: `server${serial++}` });
  await peer.waitForOutput(/^ready/m, 10_000);
  await lab.waitFor(() => lab.linkLocal('host', 'eth0'), { timeoutMs: 5000, what: 'host eth0 link-local' });
  return peer;
}

/** Asks the server for its counters (SIGUSR1 prints one `status` line) and returns the newest. */
export async function serverStatus(lab: Lab, peer: Peer): Promise<{ drops: Record<string, number>; messages: Record<string, number>; leases: Record<string, { na: number; pd: number }> }> {
  const before = (peer.output().match(/^status /gm) ?? []).length;
  process.kill(peer.pid, 'SIGUSR1');
  const text = await lab.waitFor(() => {
    const lines = peer.output().split('\n').filter((l) => l.startsWith('status '));
    return lines.length > before ? lines.at(-1) : undefined;
  }, { timeoutMs: 5000, what: 'a status line' });
  return JSON.parse(text.slice('status '.length));
}
