// What makes a revision real: IPAM first (allocations persisted, so a restart hands out the same
// prefixes), then the apply loop, then the packet services. The reconciler reads its facts —
// allocations and the routes of delegated prefixes — fresh from the store on every pass, so a
// lease event only needs to trigger a pass.
import type { Config } from '../config/schema.ts';
import { err, ok, type Problem, type Result } from '../lib/result.ts';
import type { IpamState } from '../net/ipam.ts';
import { parsePrefix, type Prefix } from '../net/prefix.ts';
import { allocateForConfig } from '../reconcile/allocations.ts';
import { canonicalAddress, canonicalPrefix } from '../reconcile/canonical.ts';
import type { LeaseRoute } from '../reconcile/desired.ts';
import type { Facts, OwnershipRecord, Reconciler } from '../reconcile/loop.ts';
import type { Recorded } from '../reconcile/plan.ts';
import { leaseQueries } from '../store/lease-queries.ts';
import type { OwnedObject } from '../store/owned.ts';
import type { Store } from '../store/store.ts';
import type { LeaseRecord } from '../store/records.ts';
import type { Logger } from './logs.ts';
import type { ServiceSet } from './services.ts';

const PAGE = 1000;

/** Every lease row (in one state, on one interface), page by page in key order. */
export function allLeases(store: Store<Config>, state?: LeaseRecord['state'], iface?: string): LeaseRecord[] {
  const out: LeaseRecord[] = [];
  const base = { limit: PAGE, ...(state === undefined ? {} : { state }), ...(iface === undefined ? {} : { iface }) };
  let page = store.leases.list(base);
  out.push(...page.leases);
  while (page.next !== undefined) {
    page = store.leases.list({ ...base, after: page.next });
    out.push(...page.leases);
  }
  return out;
}

/** Routes of the active, unexpired delegations that have a next hop (RFC 8415 IA_PD). */
export function delegationRoutes(store: Store<Config>, now: number): LeaseRoute[] {
  return leaseQueries(store.database)
    .activeDelegations(now)
    .map((d) => ({ prefix: canonicalPrefix(d.prefix), via: canonicalAddress(d.via), dev: d.iface }));
}

/** The prefixes of `kernel` NDP-proxy rules: leased addresses inside them need proxy entries. */
function kernelProxiedPrefixes(config: Config | undefined): Prefix[] {
  const out: Prefix[] = [];
  for (const r of config?.ndproxy.rules ?? []) {
    if (r.mode !== 'kernel') continue;
    const p = parsePrefix(r.prefix, { strict: false });
    if (p.ok) out.push(p.value);
  }
  return out;
}

/**
 * What a pass needs from the leases, and only that: the delegations' routes, and the leased
 * addresses that kernel NDP-proxy rules of `config` (default: the running revision) publish.
 * Each is one range scan of leases_active_by_kind, however many other leases the store holds.
 */
export function storeFacts(store: Store<Config>, now: () => number, config?: Config): Facts {
  const at = now();
  const proxied = kernelProxiedPrefixes(config ?? store.running()?.document);
  return {
    allocations: store.allocations.loadAll(),
    leaseRoutes: delegationRoutes(store, at),
    leasedAddresses: leaseQueries(store.database).activeAddressesNear(proxied, at),
  };
}

/** The apply loop's record of what it added, kept in the store so a restart still knows it. */
export function storeOwnership(store: Store<Config>, log: Logger): OwnershipRecord {
  return {
    load: () => {
      const all = store.owned.list();
      return {
        addresses: all.filter((o) => o.kind === 'address').map((o) => ({ dev: o.dev, cidr: o.value })),
        proxyNeighbors: all.filter((o) => o.kind === 'proxy').map((o) => ({ dev: o.dev, address: o.value })),
      };
    },
    update: (added, removed) => {
      const rows = (r: Recorded): OwnedObject[] => [
        ...r.addresses.map((a) => ({ kind: 'address' as const, dev: a.dev, value: a.cidr })),
        ...r.proxyNeighbors.map((n) => ({ kind: 'proxy' as const, dev: n.dev, value: n.address })),
      ];
      const saved = store.owned.update(rows(added), rows(removed));
      // The in-memory record still holds the change; only a restart before the next success forgets it.
      if (!saved.ok) log.error('reconcile', `could not record the addresses and proxy entries v6edge added: ${saved.error.message}`);
    },
  };
}

export class Runtime {
  readonly #store: Store<Config>;
  readonly #reconciler: Reconciler;
  readonly #services: ServiceSet;
  readonly #log: Logger;
  readonly #now: () => number;
  #ipamProblems: readonly Problem[] = [];

  constructor(o: { store: Store<Config>; reconciler: Reconciler; services: ServiceSet; log: Logger; now: () => number }) {
    this.#store = o.store;
    this.#reconciler = o.reconciler;
    this.#services = o.services;
    this.#log = o.log;
    this.#now = o.now;
  }

  get ipamProblems(): readonly Problem[] {
    return this.#ipamProblems;
  }

  /** Brings the allocations in line with `config` and persists the pools that changed. */
  allocate(config: Config): Result<void, Problem> {
    const before: IpamState = this.#store.allocations.loadAll();
    const r = allocateForConfig(before, config, this.#now());
    if (!r.ok) return r;
    this.#ipamProblems = r.value.problems;
    for (const p of r.value.problems) this.#log.warn('ipam', p.message);
    if (r.value.state === before) return ok(undefined);
    const pools = new Set([...before, ...r.value.state].map((a) => a.pool));
    for (const pool of pools) {
      const saved = this.#store.allocations.replacePool(pool, r.value.state.filter((a) => a.pool === pool));
      if (!saved.ok) return err(saved.error);
    }
    for (const a of r.value.allocated) this.#log.info('ipam', `allocated ${a.prefix} to ${a.owner}`, { pool: a.pool });
    for (const a of r.value.released) this.#log.info('ipam', `released ${a.prefix} of ${a.owner} into quarantine`, { pool: a.pool });
    return ok(undefined);
  }

  /**
   * Applies a new revision all or nothing: when the kernel refuses part of it, the reconciler
   * has already put the previous desired state back, and the services stay on the old config.
   */
  async apply(config: Config): Promise<Result<void, Problem>> {
    const allocated = this.allocate(config);
    if (!allocated.ok) return allocated;
    const applied = await this.#reconciler.applyRevision(config);
    if (!applied.ok) return applied;
    await this.#services.apply(config);
    return ok(undefined);
  }

  /** At start: converge towards `config`, retrying with backoff, and start the services. */
  async boot(config: Config): Promise<void> {
    const allocated = this.allocate(config);
    if (!allocated.ok) this.#log.error('ipam', allocated.error.message);
    this.#reconciler.setConfig(config);
    this.#reconciler.start();
    await this.#reconciler.pass('start');
    await this.#services.apply(config);
  }
}
