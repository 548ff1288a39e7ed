// What a lab looks like, and the checks that catch a wrong spec before any namespace exists.
import { problem, type Problem } from '../../src/lib/result.ts';

export interface NodeSpec {
  /** Sets net.ipv6.conf.{all,default}.forwarding=1 (a router). */
  readonly forwarding?: boolean;
  /** net.ipv6.conf.{all,default}.accept_ra; 2 accepts RAs even with forwarding on. Kernel default if absent. */
  readonly acceptRa?: 0 | 1 | 2;
  /** Extra sysctls, applied after the interfaces exist and before they come up. */
  readonly sysctls?: Readonly<Record<string, string | number>>;
}

/** One end of a link: the node and the interface name inside that node's namespace. */
export type Endpoint = readonly [node: string, ifname: string];

export interface LinkSpec {
  readonly a: Endpoint;
  readonly b: Endpoint;
  readonly macA?: string;
  readonly macB?: string;
  readonly mtu?: number;
}

export interface BridgeSpec {
  readonly node: string;
  readonly name: string;
  /** Interfaces of `node` (link ends) enslaved to the bridge. */
  readonly ports: readonly string[];
  readonly mac?: string;
}

export interface LabSpec {
  readonly nodes: Readonly<Record<string, NodeSpec>>;
  readonly links?: readonly LinkSpec[];
  readonly bridges?: readonly BridgeSpec[];
  /** node → interface → addresses with prefix length, e.g. `2001:db8:1::1/64`. */
  readonly addresses?: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
  /** node → `ip -6 route add` arguments, e.g. `default via 2001:db8:1::1`. */
  readonly routes?: Readonly<Record<string, readonly string[]>>;
}

// Linux limits interface names to IFNAMSIZ - 1 = 15 bytes.
const IFNAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/;
const NODE = /^[a-z][a-z0-9_]{0,23}$/;
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

/** Every mistake in `spec`, each with the spec path it concerns; empty when the spec can be built. */
export function specProblems(spec: LabSpec): Problem[] {
  const out: Problem[] = [];
  const ifaces = new Map<string, Set<string>>();
  const nodeNames = Object.keys(spec.nodes);
  if (nodeNames.length === 0) out.push(problem('no-nodes', 'A lab needs at least one node.', { path: 'nodes' }));
  for (const name of nodeNames) {
    if (!NODE.test(name)) {
      out.push(problem('bad-node-name', `Node name "${name}" must be lower-case letters, digits or _ (at most 24, starting with a letter).`, { path: `nodes.${name}` }));
    }
    ifaces.set(name, new Set(['lo']));
  }
  const addIface = (node: string, ifname: string, path: string): void => {
    const set = ifaces.get(node);
    if (set === undefined) {
      out.push(problem('unknown-node', `Node "${node}" is not declared in nodes.`, { path }));
      return;
    }
    if (!IFNAME.test(ifname)) {
      out.push(problem('bad-ifname', `Interface name "${ifname}" must be 1–15 characters of letters, digits, _ . or -.`, { path }));
    }
    if (set.has(ifname)) out.push(problem('duplicate-ifname', `Node "${node}" already has an interface "${ifname}".`, { path }));
    set.add(ifname);
  };
  (spec.links ?? []).forEach((link, i) => {
    addIface(link.a[0], link.a[1], `links[${i}].a`);
    addIface(link.b[0], link.b[1], `links[${i}].b`);
    for (const [key, mac] of [['macA', link.macA], ['macB', link.macB]] as const) {
      if (mac !== undefined && !MAC.test(mac)) out.push(problem('bad-mac', `"${mac}" is not a MAC address like 02:00:00:00:00:01.`, { path: `links[${i}].${key}` }));
    }
  });
  (spec.bridges ?? []).forEach((bridge, i) => {
    addIface(bridge.node, bridge.name, `bridges[${i}].name`);
    const set = ifaces.get(bridge.node);
    bridge.ports.forEach((port, j) => {
      if (set !== undefined && !set.has(port)) {
        out.push(problem('unknown-port', `Bridge "${bridge.name}" port "${port}" is not a link end in node "${bridge.node}".`, { path: `bridges[${i}].ports[${j}]` }));
      }
    });
    if (bridge.mac !== undefined && !MAC.test(bridge.mac)) out.push(problem('bad-mac', `"${bridge.mac}" is not a MAC address like 02:00:00:00:00:01.`, { path: `bridges[${i}].mac` }));
  });
  for (const [node, byIface] of Object.entries(spec.addresses ?? {})) {
    for (const [ifname, list] of Object.entries(byIface)) {
      const path = `addresses.${node}.${ifname}`;
      if (!ifaces.has(node)) out.push(problem('unknown-node', `Node "${node}" is not declared in nodes.`, { path }));
      else if (!ifaces.get(node)?.has(ifname)) out.push(problem('unknown-interface', `Node "${node}" has no interface "${ifname}".`, { path }));
      list.forEach((address, k) => {
        if (!/^[0-9a-fA-F:.]+\/\d{1,3}$/.test(address)) {
          out.push(problem('bad-address', `"${address}" needs a prefix length, e.g. 2001:db8::1/64.`, { path: `${path}[${k}]` }));
        }
      });
    }
  }
  for (const node of Object.keys(spec.routes ?? {})) {
    if (!ifaces.has(node)) out.push(problem('unknown-node', `Node "${node}" is not declared in nodes.`, { path: `routes.${node}` }));
  }
  return out;
}

/** Every interface the spec creates, per node, in creation order (links, then bridges). */
export function specInterfaces(spec: LabSpec): Map<string, string[]> {
  const out = new Map<string, string[]>(Object.keys(spec.nodes).map((n) => [n, []]));
  for (const link of spec.links ?? []) {
    out.get(link.a[0])?.push(link.a[1]);
    out.get(link.b[0])?.push(link.b[1]);
  }
  for (const bridge of spec.bridges ?? []) out.get(bridge.node)?.push(bridge.name);
  return out;
}

/** The sysctls a node gets before any of its links exist (RFC 4862 §5.4: DAD off saves 1–2 s per address). */
export function baseSysctls(node: NodeSpec): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const scope of ['all', 'default']) out.push([`net.ipv6.conf.${scope}.accept_dad`, '0']);
  for (const scope of ['all', 'default']) out.push([`net.ipv6.conf.${scope}.forwarding`, node.forwarding === true ? '1' : '0']);
  if (node.acceptRa !== undefined) {
    for (const scope of ['all', 'default']) out.push([`net.ipv6.conf.${scope}.accept_ra`, String(node.acceptRa)]);
  }
  return out;
}
