// The read side of the API: each GET answered from the running revision, the services' status,
// the reconciler and, where the question is about the system now, one read of the backend.
import type {
  AlertDto, FirewallCounterDto, HostDto, InterfaceDto, LeaseDto, LeasePage, NdproxyDto, PoolDto,
  RaInterfaceDto, ReconcileDto, RouteDto, StatusDto,
} from '../api/types.ts';
import type { Backend, CounterValue } from '../backends/types.ts';
import type { Config } from '../config/schema.ts';
import { formatAddress } from '../net/address.ts';
import { formatPrefix } from '../net/prefix.ts';
import { describeConflict } from '../services/ra/consistency.ts';
import { serverLinksFromConfig } from '../services/dhcpv6/links.ts';
import { poolSize } from '../services/dhcpv6/pools.ts';
import { resolveHosts } from '../reconcile/hosts.ts';
import { canonicalPrefix } from '../reconcile/canonical.ts';
import type { Reconciler } from '../reconcile/loop.ts';
import type { LeaseKey } from '../store/leases.ts';
import { leaseQueries, type LeaseQueries } from '../store/lease-queries.ts';
import type { LeaseKind, LeaseRecord, LeaseState } from '../store/records.ts';
import type { Revision } from '../store/revisions.ts';
import type { Store } from '../store/store.ts';
import type { EventHub } from './events.ts';
import { apiProblem } from './refusal.ts';
import type { ServiceSet } from './services.ts';

export interface ViewSources {
  readonly version: string;
  readonly startedAt: number;
  readonly store: Store<Config>;
  readonly reconciler: Reconciler;
  readonly services: ServiceSet;
  readonly backend: Backend;
  readonly now: () => number;
  /** nft counters by rule name; absent with a backend that has none. */
  readonly counters?: () => Promise<ReadonlyMap<string, CounterValue>>;
  /**
   * The daemon's events: with them the running revision is read once per commit, rollback or
   * confirm instead of once per request; without them, every read goes to the store.
   */
  readonly events?: EventHub;
}

export interface LeaseViewQuery {
  readonly iface?: string;
  readonly duid?: string;
  readonly state?: LeaseState;
  readonly search?: string;
  readonly after?: string;
  readonly limit?: number;
}

export class Views {
  readonly #s: ViewSources;
  readonly #leases: LeaseQueries;
  /** The running revision as last read; undefined when it must be read again. */
  #running: { readonly revision: Revision<Config> | undefined } | undefined;

  constructor(sources: ViewSources) {
    this.#s = sources;
    this.#leases = leaseQueries(sources.store.database);
    sources.events?.subscribe((e) => {
      if (e.type === 'commit' || e.type === 'rollback' || e.type === 'confirm') this.#running = undefined;
    });
  }

  /**
   * The running revision, from the cache while it holds. A pending revision whose deadline has
   * passed is read again each time: the store may have rolled it back (a late confirm does so)
   * before any event says so.
   */
  #revision(): Revision<Config> | undefined {
    const cached = this.#running;
    const stale = cached === undefined || this.#s.events === undefined ||
      (cached.revision?.state === 'pending' && this.#s.now() >= (cached.revision.confirmDeadline ?? 0));
    if (!stale) return cached.revision;
    const revision = this.#s.store.running();
    this.#running = { revision };
    return revision;
  }

  #config(): Config | undefined {
    return this.#revision()?.document;
  }

  static #pendingOf(r: Revision<Config> | undefined): { readonly revision: number; readonly deadline: number } | undefined {
    if (r?.state !== 'pending' || r.confirmDeadline === undefined) return undefined;
    return { revision: r.number, deadline: r.confirmDeadline };
  }

  status(): StatusDto {
    const s = this.#s;
    const health = s.services.health();
    const rec = s.reconciler.status();
    const running = this.#revision();
    const pending = Views.#pendingOf(running);
    return {
      version: s.version,
      startedAt: s.startedAt,
      runningRevision: running?.number,
      pendingConfirm: pending,
      services: {
        ...health,
        reconcile: rec.passes === 0 ? { health: 'off' } : rec.errors.length === 0 ? { health: 'ok' } : { health: 'degraded', detail: rec.errors[0]!.message },
      },
      alerts: this.#alerts(pending),
    };
  }

  alerts(): AlertDto[] {
    return this.#alerts(Views.#pendingOf(this.#revision()));
  }

  #alerts(pending: { readonly revision: number; readonly deadline: number } | undefined): AlertDto[] {
    const s = this.#s;
    const out: AlertDto[] = [];
    if (pending !== undefined) {
      out.push({ at: s.now(), kind: 'confirm-pending', message: `Revision ${pending.revision} rolls back at ${new Date(pending.deadline).toISOString()} unless confirmed.` });
    }
    const rec = s.reconciler.status();
    if (rec.errors.length > 0) out.push({ at: rec.lastPassAt ?? s.now(), kind: 'reconcile-failed', message: rec.errors[0]!.message });
    for (const ra of s.services.ra()) {
      for (const c of ra.rogue) out.push({ at: s.now(), kind: 'rogue-ra', message: `${ra.ifname}: ${describeConflict(c)}` });
    }
    return out;
  }

  async interfaces(): Promise<InterfaceDto[]> {
    const config = this.#config();
    if (config === undefined) return [];
    const observed = await this.#s.backend.observe({ sysctlKeys: [] });
    return Object.entries(config.interfaces).map(([name, i]) => {
      const link = observed.links.find((l) => l.name === name);
      return {
        name,
        role: i.role,
        kind: i.kind,
        state: link === undefined ? 'missing' : link.up ? 'up' : 'down',
        mtu: link?.mtu,
        mac: undefined,
        addresses: observed.addresses.filter((a) => a.dev === name).map((a) => a.cidr),
        ra: i.ra?.enabled === true,
        dhcpv6: i.dhcpv6?.mode ?? 'off',
      };
    });
  }

  ra(): RaInterfaceDto[] {
    const config = this.#config();
    return this.#s.services.ra().map((r) => {
      const ra = config?.interfaces[r.ifname]?.ra;
      return {
        ifname: r.ifname,
        phase: r.phase,
        rasSent: r.rasSent,
        rasSentUnicast: r.rasSentUnicast,
        rsReceived: r.rsReceived,
        drops: Object.fromEntries(Object.entries(r.drops).map(([k, v]) => [k, v ?? 0])),
        nextRaAt: r.nextRaAt,
        advertised: ra === undefined ? [] : [
          `managed: ${ra.managedFlag}`,
          `other: ${ra.otherConfigFlag}`,
          ...ra.prefixes.map((p) => `prefix: ${p.prefix} valid ${p.validLifetime} preferred ${p.preferredLifetime}`),
        ],
        rogue: r.rogue.map((c) => ({ at: this.#s.now(), source: c.source, field: c.field, message: describeConflict(c) })),
        withdrawn: r.withdrawn.map((w) => ({ prefix: `${w.prefix}/${w.prefixLength}`, until: w.until })),
      };
    });
  }

  /**
   * One page in key order, filtered in SQL: one keyset query, and a COUNT for the total that
   * LeaseQueries remembers until the store changes. A cursor that is not one of ours ends the
   * listing (an empty last page) rather than starting it again.
   */
  leases(q: LeaseViewQuery): LeasePage {
    const after = q.after === undefined ? undefined : parseLeaseCursor(q.after);
    const filter = {
      ...(q.iface === undefined ? {} : { iface: q.iface }),
      ...(q.duid === undefined ? {} : { duid: q.duid }),
      ...(q.state === undefined ? {} : { state: q.state }),
      ...(q.search === undefined ? {} : { search: q.search }),
    };
    if (after === 'bad') return { leases: [], total: this.#leases.count(filter) };
    const page = this.#leases.page({ ...filter, ...(after === undefined ? {} : { after }), ...(q.limit === undefined ? {} : { limit: q.limit }) });
    return {
      leases: page.leases.map(leaseDto),
      total: page.total,
      ...(page.next === undefined ? {} : { next: leaseCursor(page.next) }),
    };
  }

  pools(): PoolDto[] {
    const config = this.#config();
    if (config === undefined) return [];
    const counts = this.#s.services.dhcpv6()?.leases ?? {};
    const out: PoolDto[] = [];
    for (const link of serverLinksFromConfig(config).values()) {
      const used = counts[link.name] ?? { na: 0, pd: 0 };
      for (const r of link.addressRanges) {
        out.push({ iface: link.name, kind: 'na', range: `${formatAddress(r.start)}-${formatAddress(r.end)}`, size: Number(poolSize(link, 'na')), used: used.na });
      }
      for (const p of link.delegationPools) {
        out.push({ iface: link.name, kind: 'pd', range: `${formatPrefix(p.prefix)} /${p.delegatedLength}`, size: Number(poolSize(link, 'pd')), used: used.pd });
      }
    }
    return out;
  }

  hosts(): HostDto[] {
    const config = this.#config();
    if (config === undefined) return [];
    const resolved = new Map(resolveHosts(config, this.#s.store.allocations.loadAll()).hosts.map((h) => [h.name, h]));
    return Object.entries(config.hosts).map(([name, h]) => {
      const r = resolved.get(name);
      return {
        name,
        interface: h.interface,
        nextHop: h.nextHop,
        prefix: r?.prefix ?? h.prefix,
        networks: Object.keys(h.networks).map((n) => ({ name: n, prefix: r?.networks.find((x) => x.name === n)?.prefix ?? h.networks[n]?.prefix })),
        publishedPorts: h.publishedPorts.map((p) => ({ protocol: p.protocol, port: String(p.port), target: p.address ?? p.network ?? '' })),
      };
    });
  }

  async routes(): Promise<RouteDto[]> {
    const desired = this.#s.reconciler.desired();
    const config = this.#config();
    if (desired === undefined || config === undefined) return [];
    const observed = await this.#s.backend.observe({ sysctlKeys: [] });
    const origins = routeOrigins(config, this.#s.store, this.#s.now());
    const errors = this.#s.reconciler.status().errors;
    return desired.routes.map((r) => {
      const installed = observed.routes.some((o) => o.dst === r.dst && o.dev === r.dev && o.via === r.via);
      const error = errors.find((e) => e.where !== undefined && 'path' in e.where && e.where.path.includes(r.dst));
      return {
        prefix: r.dst,
        via: r.via,
        dev: r.dev,
        origin: origins.get(r.dst) ?? 'config',
        state: installed ? 'installed' : error !== undefined ? 'failed' : 'pending',
        ...(error !== undefined && !installed ? { error: error.message } : {}),
      };
    });
  }

  reconcile(): ReconcileDto {
    const s = this.#s.reconciler.status();
    return { lastPassAt: s.lastPassAt, passes: s.passes, changesApplied: s.changesApplied, driftRepairs: s.driftRepairs, errors: s.errors.map(apiProblem) };
  }

  async ndproxy(): Promise<NdproxyDto> {
    const config = this.#config();
    const rules = (config?.ndproxy.rules ?? []).map((r) => ({ upstream: r.upstream, prefix: r.prefix, mode: r.mode }));
    const service = this.#s.services.ndproxy();
    const desired = this.#s.reconciler.desired()?.proxyNeighbors ?? [];
    const observed = desired.length === 0 ? [] : (await this.#s.backend.observe({ sysctlKeys: [] })).proxyNeighbors;
    const kernel = desired
      .filter((n) => observed.some((o) => o.address === n.address && o.dev === n.dev))
      .map((n) => ({ upstream: n.dev, address: n.address, mode: 'kernel' as const, state: 'installed' as const }));
    return { rules, entries: service?.entries ?? kernel, counters: service?.counters ?? {} };
  }

  async firewall(): Promise<FirewallCounterDto[]> {
    const counters = (await this.#s.counters?.()) ?? new Map<string, CounterValue>();
    const chains = this.#s.reconciler.desired()?.nft.chains ?? [];
    return [...counters].map(([rule, c]) => ({
      chain: chains.find((ch) => ch.rules.some((r) => r.name === rule))?.name ?? '',
      rule,
      packets: c.packets,
      bytes: c.bytes,
    }));
  }
}

/** An opaque, stable key of a lease row for `after`. */
export function leaseCursor(l: LeaseKey): string {
  return [l.iface, l.duid, l.iaid, l.kind, l.lease].join('|');
}

/**
 * The key in a cursor, or 'bad'. Read from the right: DUIDs, IAIDs, kinds and lease text never
 * hold a '|', and an interface name could.
 */
export function parseLeaseCursor(text: string): LeaseKey | 'bad' {
  const parts = text.split('|');
  if (parts.length < 5) return 'bad';
  const [duid, iaid, kind, lease] = parts.slice(-4) as [string, string, string, string];
  if (!/^\d{1,10}$/.test(iaid) || (kind !== 'na' && kind !== 'pd')) return 'bad';
  return { iface: parts.slice(0, -4).join('|'), duid, iaid: Number(iaid), kind: kind as LeaseKind, lease };
}

export function leaseDto(l: LeaseRecord): LeaseDto {
  return {
    iface: l.iface,
    duid: l.duid,
    iaid: l.iaid,
    kind: l.kind,
    lease: l.lease,
    state: l.state,
    preferredLifetime: l.preferredLifetime,
    validLifetime: l.validLifetime,
    expiresAt: l.expiresAt,
    ...(l.clientLinkLocal === undefined ? {} : { clientLinkLocal: l.clientLinkLocal }),
  };
}

/** Why each destination is routed: the upstream, a host, a container network, a delegation. */
function routeOrigins(config: Config, store: Store<Config>, now: number): Map<string, string> {
  const out = new Map<string, string>([['::/0', 'upstream']]);
  for (const h of resolveHosts(config, store.allocations.loadAll()).hosts) {
    out.set(h.prefix, `host ${h.name}`);
    for (const n of h.networks) out.set(n.prefix, `network ${n.name} of host ${h.name}`);
  }
  for (const l of leaseQueries(store.database).activeDelegations(now)) out.set(canonicalPrefix(l.prefix), `delegated to DUID ${l.duid}`);
  return out;
}
