// The demo's namespace lab, derived from the demo config so the two cannot drift: an upstream
// ISP router on wan0, one host per LAN, and for each configured host a container host on its
// link with one container namespace per container network behind a bridge. Pure.
import type { HostDto } from '../api/types.ts';
import type { Config } from '../config/schema.ts';
import { err, ok, problem, type Result } from '../lib/result.ts';
import { formatAddress } from '../net/address.ts';
import { parsePrefix } from '../net/prefix.ts';
import type { LabSpec, LinkSpec } from '../../test/lab/spec.ts';

/** The upstream router's side of the WAN link; the demo config's gateway. */
export const UPSTREAM_NODE = 'upstream';
export const ROUTER_NODE = 'router';
/** On lan0: takes its address by SLAAC (accept_ra=2) from the daemon's RA. */
export const SLAAC_NODE = 'slaac';
/** On lan1: takes its address from the daemon's DHCPv6 server with dhclient -6. */
export const DHCP_NODE = 'dhcp';
/** The container host's bridge, holding one gateway address per container network. */
export const BRIDGE = 'br0';

export interface ContainerHost {
  /** The config's host name (`ch1`) and the lab node that plays it. */
  readonly host: string;
  readonly node: string;
  readonly interface: string;
  readonly nextHop: string;
  readonly containers: readonly { readonly network: string; readonly node: string; readonly port: string }[];
}

export interface DemoTopology {
  readonly spec: LabSpec;
  readonly hosts: readonly ContainerHost[];
  /** Router interface → the node on its other end. */
  readonly lans: Readonly<Record<string, string>>;
}

/** A lab node name for a config name: lower case, only what `ip netns` names and the lab allow. */
function nodeName(prefix: string, name: string): string {
  return `${prefix}${name.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`.slice(0, 24);
}

/** The interface address (with length) a config lists first on `ifname`, if any. */
function firstIp(config: Config, ifname: string): string | undefined {
  return config.interfaces[ifname]?.ips[0];
}

/**
 * The lab for `config`: needs a static upstream with a gateway on its WAN link, and exactly one
 * LAN of each kind the demo shows (SLAAC and managed DHCPv6).
 */
export function demoTopology(config: Config): Result<DemoTopology> {
  const up = config.upstream;
  if (up === undefined || up.mode !== 'static') {
    return err(problem('demo-no-gateway', 'The demo needs a static upstream with a gateway, played by the upstream namespace.', { path: 'upstream' }));
  }
  const [upstreamAddress, wanLength] = up.address.split('/');
  const lanNames = Object.entries(config.interfaces).filter(([, i]) => i.role === 'lan').map(([n]) => n);
  const managed = lanNames.find((n) => config.interfaces[n]?.dhcpv6?.mode === 'stateful');
  const slaac = lanNames.find((n) => n !== managed);
  if (managed === undefined || slaac === undefined) {
    return err(problem('demo-lans', 'The demo needs two LAN interfaces: one with stateful DHCPv6, one with SLAAC.', { path: 'interfaces' }));
  }
  const links: LinkSpec[] = [
    { a: [UPSTREAM_NODE, 'eth0'], b: [ROUTER_NODE, up.interface] },
    { a: [ROUTER_NODE, slaac], b: [SLAAC_NODE, 'eth0'] },
    { a: [ROUTER_NODE, managed], b: [DHCP_NODE, 'eth0'] },
  ];
  const nodes: Record<string, { forwarding?: boolean; acceptRa?: 0 | 1 | 2 }> = {
    [UPSTREAM_NODE]: { forwarding: false },
    // The daemon sets the router's sysctls itself; the lab leaves them at their defaults.
    [ROUTER_NODE]: {},
    [SLAAC_NODE]: { acceptRa: 2 },
    [DHCP_NODE]: { acceptRa: 2 },
  };
  const addresses: Record<string, Record<string, string[]>> = { [UPSTREAM_NODE]: { eth0: [`${up.gateway}/${wanLength ?? '64'}`] } };
  const routes: Record<string, string[]> = { [UPSTREAM_NODE]: [`default via ${upstreamAddress ?? ''}`] };
  const bridges: { node: string; name: string; ports: string[] }[] = [];
  const hosts: ContainerHost[] = [];
  for (const [host, h] of Object.entries(config.hosts)) {
    const node = nodeName('h_', host);
    const routerIp = firstIp(config, h.interface)?.split('/');
    if (routerIp === undefined) {
      return err(problem('demo-host-link', `Host ${host} is on ${h.interface}, which has no address for its default route.`, { path: `hosts.${host}.interface` }));
    }
    nodes[node] = { forwarding: true };
    links.push({ a: [ROUTER_NODE, h.interface], b: [node, 'eth0'] });
    addresses[node] = { eth0: [`${h.nextHop}/${routerIp[1] ?? '64'}`] };
    routes[node] = [`default via ${routerIp[0]}`];
    const containers = Object.keys(h.networks).map((network, i) => ({ network, node: nodeName('c_', `${host}_${network}`), port: `veth${i}` }));
    for (const c of containers) {
      nodes[c.node] = {};
      links.push({ a: [node, c.port], b: [c.node, 'eth0'] });
    }
    if (containers.length > 0) bridges.push({ node, name: BRIDGE, ports: containers.map((c) => c.port) });
    hosts.push({ host, node, interface: h.interface, nextHop: h.nextHop, containers });
  }
  return ok({
    spec: { nodes, links, bridges, addresses, routes },
    hosts,
    lans: { [slaac]: SLAAC_NODE, [managed]: DHCP_NODE },
  });
}

/** Addresses one container network gets in the lab: the bridge's gateway and the container's own. */
export interface ContainerAddressing {
  readonly host: string;
  readonly hostNode: string;
  readonly network: string;
  readonly node: string;
  readonly prefix: string;
  /** `<prefix>::1/<len>` on the container host's bridge. */
  readonly gateway: string;
  /** `<prefix>::2/<len>` on the container's eth0. */
  readonly address: string;
}

/**
 * Where each container goes, from the prefixes IPAM gave the host's networks (the API's
 * `hosts`). A network still without a prefix is a problem: the daemon has not allocated yet.
 */
export function containerAddressing(topology: DemoTopology, hosts: readonly HostDto[]): Result<ContainerAddressing[]> {
  const out: ContainerAddressing[] = [];
  for (const ch of topology.hosts) {
    const dto = hosts.find((x) => x.name === ch.host);
    for (const c of ch.containers) {
      const text = dto?.networks.find((n) => n.name === c.network)?.prefix;
      const parsed = text === undefined ? undefined : parsePrefix(text);
      if (parsed === undefined || !parsed.ok) {
        return err(problem('demo-no-prefix', `The daemon reports no prefix for ${ch.host}/${c.network} yet.`, { path: `hosts.${ch.host}.networks.${c.network}` }));
      }
      const p = parsed.value;
      out.push({
        host: ch.host,
        hostNode: ch.node,
        network: c.network,
        node: c.node,
        prefix: text ?? '',
        gateway: `${formatAddress(p.network + 1n)}/${p.length}`,
        address: `${formatAddress(p.network + 2n)}/${p.length}`,
      });
    }
  }
  return ok(out);
}
