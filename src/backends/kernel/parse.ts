// `ip -json` output into the reconcile object shapes. Pure, so tests feed it captured output.
import { canonicalAddress, canonicalInterfaceAddress, canonicalPrefix } from '../../reconcile/canonical.ts';
import { OWNER_ALIAS } from '../../reconcile/types.ts';
import type { Address, LinkKind, ObservedLink, ProxyNeighbor, Route } from '../../reconcile/types.ts';

interface JsonLink {
  ifname?: string;
  mtu?: number;
  flags?: string[];
  link?: string;
  master?: string;
  ifalias?: string;
  linkinfo?: { info_kind?: string; info_data?: { id?: number; mode?: string } };
}

const KINDS: Record<string, LinkKind> = { vlan: 'vlan', bridge: 'bridge', bond: 'bond', dummy: 'dummy', veth: 'veth' };

/** `ip -d -json link show`; loopback is never ours to manage and is left out. */
export function parseLinks(json: unknown): ObservedLink[] {
  return (json as JsonLink[]).flatMap((l): ObservedLink[] => {
    if (l.ifname === undefined || l.ifname === 'lo') return [];
    const kind = KINDS[l.linkinfo?.info_kind ?? ''] ?? 'ethernet';
    const data = l.linkinfo?.info_data;
    return [{
      name: l.ifname,
      kind,
      mtu: l.mtu ?? 0,
      up: (l.flags ?? []).includes('UP'),
      owned: l.ifalias === OWNER_ALIAS,
      ...(kind === 'vlan' && l.link !== undefined ? { parent: l.link } : {}),
      ...(kind === 'vlan' && data?.id !== undefined ? { vlanId: data.id } : {}),
      ...(kind === 'bond' && data?.mode !== undefined ? { bondMode: data.mode } : {}),
      ...(l.master === undefined ? {} : { master: l.master }),
    }];
  });
}

interface JsonAddr {
  ifname?: string;
  addr_info?: Array<{ family?: string; local?: string; prefixlen?: number; scope?: string }>;
}

/** `ip -json -6 addr show`: global and site addresses (link-locals belong to the kernel). */
export function parseAddresses(json: unknown): Address[] {
  return (json as JsonAddr[]).flatMap((i) =>
    (i.addr_info ?? [])
      .filter((a) => a.family === 'inet6' && a.scope !== 'link' && a.scope !== 'host' && a.local !== undefined)
      .map((a) => ({ dev: i.ifname ?? '', cidr: canonicalInterfaceAddress(`${a.local}/${a.prefixlen}`) })),
  );
}

/** `ip -json -6 neigh show proxy`. */
export function parseProxyNeighbors(json: unknown): ProxyNeighbor[] {
  return (json as Array<{ dst?: string; dev?: string }>).flatMap((n) =>
    n.dst === undefined || n.dev === undefined ? [] : [{ address: canonicalAddress(n.dst), dev: n.dev }],
  );
}

/** Failed lines of `ip -force -batch -` (1-based), each with the messages printed before it. */
export function parseBatchErrors(stderr: string): Map<number, string> {
  const out = new Map<number, string>();
  let said: string[] = [];
  for (const line of stderr.split('\n')) {
    const m = /^Command failed -:(\d+)/.exec(line);
    if (m !== null) {
      out.set(Number(m[1]), said.join(' ').replace(/^Error:\s*/, '') || 'the command failed');
      said = [];
    } else if (line.trim() !== '') {
      said.push(line.trim());
    }
  }
  return out;
}
