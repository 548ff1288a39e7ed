// The plan: a pure, minimal diff between desired and observed, per subsystem. Only our objects
// appear in it: routes of protocol v6edge, links carrying our alias, table inet v6edge, and the
// addresses and proxy entries an earlier pass recorded as ours. Planning again after the
// changes are applied yields nothing; that is also how a pass verifies itself.
import { planFilter } from './plan-nft.ts';
import { CREATED_KINDS, ROUTE_PROTOCOL, ROUTE_PROTOCOL_NUMBER } from './types.ts';
import type {
  Address, Change, ChangeOf, DesiredState, Link, ObservedLink, ObservedState, ProxyNeighbor, Route,
} from './types.ts';

/** What earlier passes installed and so may remove: the objects the kernel cannot mark as ours. */
export interface Recorded {
  readonly addresses: readonly Address[];
  readonly proxyNeighbors: readonly ProxyNeighbor[];
}

export const NOTHING_RECORDED: Recorded = { addresses: [], proxyNeighbors: [] };

const PROTOCOL_NUMBER_TEXT = String(ROUTE_PROTOCOL_NUMBER);

export const isOurRoute = (r: Route): boolean => r.protocol === ROUTE_PROTOCOL || r.protocol === PROTOCOL_NUMBER_TEXT;

const sameLinkSettings = (a: Link, b: Link): boolean => a.mtu === b.mtu && a.up === b.up && a.master === b.master;

/** Created kinds in dependency order: a VLAN needs its parent, a member its bond or bridge. */
const kindRank = (l: Link): number => (l.kind === 'vlan' ? 1 : 0);

export function planLinks(desired: readonly Link[], observed: readonly ObservedLink[]): ChangeOf<'links'>[] {
  const seen = new Map(observed.map((l) => [l.name, l]));
  const wanted = new Set(desired.map((l) => l.name));
  const deletes = observed
    .filter((o) => o.owned && !wanted.has(o.name))
    .sort((a, b) => kindRank(b) - kindRank(a))
    .map((link): ChangeOf<'links'> => ({ subsystem: 'links', op: 'delete', link: strip(link) }));
  const adds: ChangeOf<'links'>[] = [];
  const sets: ChangeOf<'links'>[] = [];
  for (const d of [...desired].sort((a, b) => kindRank(a) - kindRank(b))) {
    const o = seen.get(d.name);
    // Ethernet and veth links come from hardware or their creator; we only tune them.
    if (o === undefined) {
      if (CREATED_KINDS.includes(d.kind)) adds.push({ subsystem: 'links', op: 'add', link: d });
    } else if (!sameLinkSettings(d, o)) {
      sets.push({ subsystem: 'links', op: 'set', link: d, before: strip(o) });
    }
  }
  return [...deletes, ...adds, ...sets];
}

function strip(o: ObservedLink): Link {
  const { owned: _owned, ...link } = o;
  return link;
}

export function planSysctls(desired: DesiredState['sysctls'], observed: ObservedState['sysctls']): ChangeOf<'sysctls'>[] {
  const now = new Map(observed.map((s) => [s.key, s.value]));
  return desired
    .filter((s) => now.get(s.key) !== s.value)
    .map((sysctl) => {
      const before = now.get(sysctl.key);
      return before === undefined ? { subsystem: 'sysctls', op: 'set', sysctl } : { subsystem: 'sysctls', op: 'set', sysctl, before };
    });
}

const addressKey = (a: Address): string => `${a.dev} ${a.cidr}`;

export function planAddresses(desired: readonly Address[], observed: readonly Address[], recorded: readonly Address[]): ChangeOf<'addresses'>[] {
  const have = new Set(observed.map(addressKey));
  const want = new Set(desired.map(addressKey));
  const out: ChangeOf<'addresses'>[] = [];
  for (const a of recorded) if (!want.has(addressKey(a)) && have.has(addressKey(a))) out.push({ subsystem: 'addresses', op: 'delete', address: a });
  for (const a of desired) if (!have.has(addressKey(a))) out.push({ subsystem: 'addresses', op: 'add', address: a });
  return out;
}

const sameRoute = (a: Route, b: Route): boolean => a.via === b.via && a.dev === b.dev;

/**
 * Each desired route list's destinations by position, made once per list: a pass plans the same
 * desired routes twice (the plan, then the read-back that verifies it), and at 110,000 routes
 * indexing the desired side once is cheaper than indexing each fresh observation.
 */
const desiredIndexes = new WeakMap<readonly Route[], ReadonlyMap<string, number>>();

function indexOf(desired: readonly Route[]): ReadonlyMap<string, number> {
  let index = desiredIndexes.get(desired);
  if (index === undefined) {
    const made = new Map<string, number>();
    // The first of two routes to one destination is the one matched; the second is an add.
    for (let i = desired.length - 1; i >= 0; i--) made.set(desired[i]!.dst, i);
    desiredIndexes.set(desired, made);
    index = made;
  }
  return index;
}

/**
 * Indexes the desired routes for the plans to come, ahead of time: the loop does it while its
 * route batch is in the kernel, so the verifying plan finds it made.
 */
export function indexDesiredRoutes(desired: readonly Route[]): void {
  indexOf(desired);
}

export function planRoutes(desired: readonly Route[], observed: readonly Route[]): ChangeOf<'routes'>[] {
  // Nothing of ours in the kernel (a first converge): every desired route is an add, and the
  // index is left for the verifying plan, which the loop builds while the adds go in.
  if (!observed.some(isOurRoute)) return desired.map((route) => ({ subsystem: 'routes', op: 'add', route }));
  const index = indexOf(desired);
  // What each desired route found in the kernel, by its position; ours that no desired route
  // wants are deleted.
  const found: Array<Route | undefined> = new Array(desired.length);
  const deletes: ChangeOf<'routes'>[] = [];
  for (const o of observed) {
    if (!isOurRoute(o)) continue;
    const i = index.get(o.dst);
    if (i === undefined) deletes.push({ subsystem: 'routes', op: 'delete', route: o });
    else found[i] ??= o;
  }
  const changes: ChangeOf<'routes'>[] = deletes;
  for (let i = 0; i < desired.length; i++) {
    const r = desired[i]!;
    const o = found[i];
    if (o === undefined) changes.push({ subsystem: 'routes', op: 'add', route: r });
    else if (!sameRoute(r, o)) changes.push({ subsystem: 'routes', op: 'replace', route: r, before: o });
  }
  return changes;
}

const neighborKey = (n: ProxyNeighbor): string => `${n.dev} ${n.address}`;

export function planProxyNeighbors(
  desired: readonly ProxyNeighbor[],
  observed: readonly ProxyNeighbor[],
  recorded: readonly ProxyNeighbor[],
): ChangeOf<'proxyNeighbors'>[] {
  const have = new Set(observed.map(neighborKey));
  const want = new Set(desired.map(neighborKey));
  const out: ChangeOf<'proxyNeighbors'>[] = [];
  for (const n of recorded) if (!want.has(neighborKey(n)) && have.has(neighborKey(n))) out.push({ subsystem: 'proxyNeighbors', op: 'delete', neighbor: n });
  for (const n of desired) if (!have.has(neighborKey(n))) out.push({ subsystem: 'proxyNeighbors', op: 'add', neighbor: n });
  return out;
}

/** Every change that would make `observed` match `desired`, in the order a pass applies them. */
export function plan(desired: DesiredState, observed: ObservedState, recorded: Recorded = NOTHING_RECORDED): Change[] {
  return [
    ...planLinks(desired.links, observed.links),
    ...planSysctls(desired.sysctls, observed.sysctls),
    ...planAddresses(desired.addresses, observed.addresses, recorded.addresses),
    ...planRoutes(desired.routes, observed.routes),
    ...planProxyNeighbors(desired.proxyNeighbors, observed.proxyNeighbors, recorded.proxyNeighbors),
    ...planFilter(desired.nft, observed.nft),
  ];
}
