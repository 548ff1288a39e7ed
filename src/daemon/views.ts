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
import type { LeaseRecord } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import { apiProblem } from './refusal.ts';
import { allLeases } from './runtime.ts';
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
}

const MAX_LEASE_PAGE = 1000;

export class Views {
  readonly #s: ViewSources;

  constructor(sources: ViewSources) {
    this.#s = sources;
  }

  #config(): Config | undefined {
    return this.#s.store.running()?.document;
  }

  status(): StatusDto {
    const s = this.#s;
    const health = s.services.health();
    const rec = s.reconciler.status();
    const pending = s.store.pendingConfirm();
    return {
      version: s.version,
      startedAt: s.startedAt,
      runningRevision: s.store.running()?.number,
      pendingConfirm: pending,
      services: {
        ...health,
        reconcile: rec.passes === 0 ? { health: 'off' } : rec.errors.length === 0 ? { health: 'ok' } : { health: 'degraded', detail: rec.errors[0]!.message },
      },
      alerts: this.alerts(),
    };
  }

  alerts(): AlertDto[] {
    const s = this.#s;
    const out: AlertDto[] = [];
    const pending = s.store.pendingConfirm();
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

  leases(q: { iface?: string; search?: string; after?: string; limit?: number }): LeasePage {
    const limit = Math.max(1, Math.min(q.limit ?? 100, MAX_LEASE_PAGE));
    const needle = q.search?.toLowerCase().replaceAll(':', '');
    const all = allLeases(this.#s.store, undefined, q.iface).filter((l) => {
      if (needle === undefined || needle === '') return true;
      return [l.duid, l.lease.replaceAll(':', ''), l.clientLinkLocal?.replaceAll(':', '') ?? ''].some((t) => t.includes(needle));
    });
    const start = q.after === undefined ? 0 : all.findIndex((l) => leaseCursor(l) === q.after) + 1;
    const page = all.slice(start, start + limit);
    const last = page.at(-1);
    return {
      leases: page.map(leaseDto),
      total: all.length,
      ...(last !== undefined && start + limit < all.length ? { next: leaseCursor(last) } : {}),
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
    const origins = routeOrigins(config, this.#s.store);
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
export function leaseCursor(l: LeaseRecord): string {
  return [l.iface, l.duid, l.iaid, l.kind, l.lease].join('|');
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
function routeOrigins(config: Config, store: Store<Config>): Map<string, string> {
  const out = new Map<string, string>([['::/0', 'upstream']]);
  for (const h of resolveHosts(config, store.allocations.loadAll()).hosts) {
    out.set(h.prefix, `host ${h.name}`);
    for (const n of h.networks) out.set(n.prefix, `network ${n.name} of host ${h.name}`);
  }
  for (const l of allLeases(store, 'active')) if (l.kind === 'pd') out.set(canonicalPrefix(l.lease), `delegated to DUID ${l.duid}`);
  return out;
}
