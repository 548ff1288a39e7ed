// What the proxy reads from the kernel, in pure form: interfaces (index, MAC, link-local address)
// from `ip -json addr show`, and the IPv6 main routing table from `ip -json -6 route show`, looked
// up by longest prefix the way `ip -6 route get` answers for the main table. Reading the table
// once per change (kernel events) instead of running `ip route get` per probe keeps a flood of
// solicitations from becoming a flood of processes.
import { parseAddress } from '../../net/address.ts';
import { isLinkLocalUnicast } from '../../net/kind.ts';
import { contains, parsePrefix } from '../../net/prefix.ts';
import type { Prefix } from '../../net/prefix.ts';

export interface InterfaceView {
  readonly name: string;
  readonly ifindex: number;
  readonly mac: string | undefined;
  /** A usable (not tentative) link-local address: the source of our NAs (RFC 4861 §7.2.2). */
  readonly linkLocal: bigint | undefined;
  readonly up: boolean;
}

export interface RouteView {
  readonly prefix: Prefix;
  readonly dev: string | undefined;
  readonly metric: number;
  /** unreachable, blackhole and prohibit routes send nothing anywhere. */
  readonly reject: boolean;
}

interface IpAddrJson {
  readonly ifindex?: number;
  readonly ifname?: string;
  readonly address?: string;
  readonly flags?: readonly string[];
  readonly operstate?: string;
  readonly addr_info?: readonly { family?: string; local?: string; tentative?: boolean; dadfailed?: boolean }[];
}

interface IpRouteJson {
  readonly dst?: string;
  readonly dev?: string;
  readonly type?: string;
  readonly metric?: number;
}

export function interfacesFromIp(json: unknown): Map<string, InterfaceView> {
  const out = new Map<string, InterfaceView>();
  if (!Array.isArray(json)) return out;
  for (const l of json as IpAddrJson[]) {
    if (typeof l.ifname !== 'string' || typeof l.ifindex !== 'number') continue;
    const ll = (l.addr_info ?? []).find((a) => {
      if (a.family !== 'inet6' || a.local === undefined || a.tentative === true || a.dadfailed === true) return false;
      const p = parseAddress(a.local);
      return p.ok && isLinkLocalUnicast(p.value);
    });
    const llValue = ll?.local === undefined ? undefined : parseAddress(ll.local);
    out.set(l.ifname, {
      name: l.ifname,
      ifindex: l.ifindex,
      mac: l.address === undefined || l.address === '' ? undefined : l.address,
      linkLocal: llValue?.ok === true ? llValue.value.value : undefined,
      up: (l.flags ?? []).includes('UP'),
    });
  }
  return out;
}

export function routesFromIp(json: unknown): RouteView[] {
  if (!Array.isArray(json)) return [];
  const out: RouteView[] = [];
  for (const r of json as IpRouteJson[]) {
    if (r.dst === undefined) continue;
    const text = r.dst === 'default' ? '::/0' : r.dst.includes('/') ? r.dst : `${r.dst}/128`;
    const p = parsePrefix(text);
    if (!p.ok) continue;
    const type = r.type ?? 'unicast';
    out.push({ prefix: p.value, dev: r.dev, metric: r.metric ?? 0, reject: type === 'unreachable' || type === 'blackhole' || type === 'prohibit' });
  }
  return out;
}

/** The interface the main table sends `target` out of (longest prefix, then lowest metric). */
export function routeDevice(routes: readonly RouteView[], target: bigint): string | undefined {
  let best: RouteView | undefined;
  for (const r of routes) {
    if (!contains(r.prefix, target)) continue;
    if (best === undefined || r.prefix.length > best.prefix.length || (r.prefix.length === best.prefix.length && r.metric < best.metric)) best = r;
  }
  return best === undefined || best.reject ? undefined : best.dev;
}
