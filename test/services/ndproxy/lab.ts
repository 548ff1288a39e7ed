// The OPNFV "IPv6-only containers and NDP proxying" topology: an upstream host on 2001:db8::/64,
// a router on that link (2001:db8::c001) with the containers' 2001:db8::c008/125 behind it on
// lan0, and a container at 2001:db8::c009. The upstream host has no route to the /125: it
// believes every 2001:db8::/64 address is on its link, so only NDP proxying makes them reachable.
import { withLab, type Lab, type LabSpec } from '../../lab/index.ts';
import { ndproxySchema, type NdproxyConfig } from '../../../src/config/schema.ts';
import { openPacketSocket, type PacketSocket } from '../../../src/io/raw.ts';
import { ret } from '../../../src/io/bpf.ts';
import { NdProxy, type NdProxyOptions } from '../../../src/services/ndproxy/index.ts';

export const CONTAINER = '2001:db8::c009';
export const PREFIX = '2001:db8::c008/125';

export const SPEC: LabSpec = {
  nodes: { up: {}, router: { forwarding: true }, ctr: {} },
  links: [
    { a: ['up', 'up0'], b: ['router', 'wan0'] },
    { a: ['router', 'lan0'], b: ['ctr', 'eth0'] },
  ],
  addresses: {
    up: { up0: ['2001:db8::1/64'] },
    router: { wan0: ['2001:db8::c001/64'], lan0: ['2001:db8::c008/125'] },
    ctr: { eth0: [`${CONTAINER}/125`] },
  },
  routes: { ctr: ['default via 2001:db8::c008'] },
};

export const rules = (mode: 'static' | 'auto', extra: Record<string, unknown> = {}): NdproxyConfig =>
  ndproxySchema.parse({ rules: [{ mode, upstream: 'wan0', prefix: PREFIX, ...extra }] });

/** Waits until every interface has a usable link-local address (the proxy answers from wan0's). */
export async function linkLocalsReady(lab: Lab): Promise<void> {
  for (const [node, ifname] of [['up', 'up0'], ['router', 'wan0'], ['router', 'lan0'], ['ctr', 'eth0']] as const) {
    await lab.waitFor(async () => (await lab.addresses(node, ifname)).find((a) => a.scope === 'link' && !a.tentative), {
      timeoutMs: 5000,
      what: `a link-local address on ${node}/${ifname}`,
    });
  }
}

export async function withProxyLab(
  options: Omit<NdProxyOptions, 'netns'>,
  body: (lab: Lab, proxy: NdProxy) => Promise<void>,
): Promise<void> {
  await withLab(SPEC, async (lab) => {
    await linkLocalsReady(lab);
    const proxy = await NdProxy.start({ ...options, netns: lab.ns('router') });
    try {
      await lab.waitFor(() => (proxy.status().listening.includes('wan0') ? true : undefined), { timeoutMs: 5000, what: 'the proxy listening on wan0' });
      await body(lab, proxy);
    } finally {
      await proxy.stop();
    }
  });
}

/** `ping -6` from the upstream host, after forgetting any cached neighbour so an NS must go out. */
export async function pingFromUpstream(lab: Lab, address: string, seconds = 2): Promise<boolean> {
  await lab.exec('up', ['ip', '-6', 'neigh', 'flush', 'to', address, 'dev', 'up0'], { check: false });
  const r = await lab.exec('up', ['ping', '-6', '-n', '-c', '1', '-W', String(seconds), address], { check: false, timeoutMs: seconds * 1000 + 5000 });
  return r.code === 0;
}

/** A packet socket in the upstream namespace that only sends (its filter accepts nothing). */
export function upstreamSender(lab: Lab): PacketSocket {
  return openPacketSocket({ ifname: 'up0', netns: lab.ns('up'), filter: [ret(0)], allMulticast: false });
}
