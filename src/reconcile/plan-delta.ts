// The plan of an incremental pass: the new desired state against the previous one, which the
// last pass verified in place. Pure. It covers only what grows with the fleet (routes and set
// elements); anything else (links, addresses, sysctls, proxy entries, the table skeleton) or a
// large change returns undefined, and the loop runs a full, level-triggered pass instead.
import { planFilter } from './plan-nft.ts';
import { planRoutes } from './plan.ts';
import type { Change, ChangeOf, DesiredState, FilterSpec, ObservedFilter, Route } from './types.ts';

/** Above this many changes a full observe costs little beside the apply: take the full pass. */
export const MAX_DELTA_CHANGES = 5_000;

const same = (a: unknown, b: unknown): boolean => a === b || JSON.stringify(a) === JSON.stringify(b);

/** A filter as nft reports it after loading it, so planFilter can diff two desired filters. */
export function asObservedFilter(f: FilterSpec): ObservedFilter {
  return {
    sets: f.sets,
    chains: f.chains.map((c) => ({ name: c.name, hook: c.hook, priority: c.priority, policy: c.policy, rules: c.rules.map((r) => r.comment) })),
    counters: f.chains.flatMap((c) => c.rules.map((r) => r.name)),
  };
}

/**
 * The changes from `previous` (in place) to `next`, or undefined when they reach beyond routes
 * and set elements or number more than `limit`.
 */
export function planDelta(previous: DesiredState, next: DesiredState, limit = MAX_DELTA_CHANGES): Change[] | undefined {
  if (!same(previous.links, next.links) || !same(previous.addresses, next.addresses)) return undefined;
  if (!same(previous.sysctls, next.sysctls) || !same(previous.proxyNeighbors, next.proxyNeighbors)) return undefined;
  const routes = routeDelta(previous.routes, next.routes);
  if (routes.length > limit) return undefined;
  const nft = previous.nft === next.nft ? [] : planFilter(next.nft, asObservedFilter(previous.nft));
  if (nft.some((c) => c.op === 'replace-table')) return undefined;
  const elements = nft.reduce((n, c) => n + (c.op === 'replace-table' ? 0 : c.elements.length), 0);
  if (routes.length + elements > limit) return undefined;
  return [...routes, ...nft];
}

/**
 * planRoutes over only the routes that differ by identity: desiredState hands back the very
 * same Route objects for a host that did not change, so at 10,000 hosts the delta of one host
 * costs one identity set, not 110,000 string look-ups (120 ms). Routes present in both as the
 * same object are unchanged; the rest are diffed by value. Every previous route is ours
 * (desiredState gives each protocol v6edge), so planRoutes sees the removed ones as ours.
 */
export function routeDelta(previous: readonly Route[], next: readonly Route[]): ChangeOf<'routes'>[] {
  const gone = new Set(previous);
  const fresh = next.filter((r) => !gone.delete(r));
  return planRoutes(fresh, [...gone]);
}

/** Route destinations a plan adds, replaces or deletes: what an incremental pass reads back. */
export function touchedRoutes(changes: readonly Change[]): string[] {
  return [...new Set(changes.flatMap((c) => (c.subsystem === 'routes' ? [c.route.dst] : [])))];
}
