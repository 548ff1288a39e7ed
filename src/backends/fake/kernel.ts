// An in-memory kernel with the rules of the real one that plans depend on: a VLAN needs its
// parent, a route needs its device up, an address needs its device, nft applies all or nothing.
// It knows link kinds the lab kernel lacks (vlan, bond, dummy), and lets tests inject failures,
// lies (changes reported applied but dropped) and drift (changes behind the loop's back).
import { problem, type Problem } from '../../lib/result.ts';
import { changeObject } from '../../reconcile/describe.ts';
import { counterNames } from '../../reconcile/filters.ts';
import { SUBSYSTEMS } from '../../reconcile/types.ts';
import type { Address, Change, ObservedFilter, ObservedLink, ObservedState, ProxyNeighbor, Route, Subsystem } from '../../reconcile/types.ts';
import type { ApplyFailure, ApplyReport, ObserveRequest, SubsystemBackend, TouchedRequest, Unsubscribe } from '../types.ts';

export interface FakeState {
  links: Map<string, ObservedLink>;
  addresses: Address[];
  sysctls: Map<string, string>;
  routes: Route[];
  proxyNeighbors: ProxyNeighbor[];
  nft: ObservedFilter | undefined;
}

/** Says why a change must fail, or undefined to let it through. */
export type FaultRule = (change: Change) => string | undefined;

const IFACE_KEY = /^net\/ipv6\/conf\/([^/]+)\//;

export class FakeKernel implements SubsystemBackend {
  readonly subsystems = SUBSYSTEMS;
  readonly state: FakeState;
  /** Batches applied, per subsystem, so tests can see one batch per subsystem per pass. */
  readonly batches: Array<{ subsystem: Subsystem; size: number }> = [];
  /** Reads, in order: `full` for a whole observe, or the route destinations of a touched read. */
  readonly reads: Array<'full' | { routes: readonly string[] }> = [];
  #faults: FaultRule[] = [];
  #lies: Array<(c: Change) => boolean> = [];
  #watchers = new Set<(why: string) => void>();

  constructor(links: ReadonlyArray<Omit<ObservedLink, 'owned'> & { owned?: boolean }> = []) {
    this.state = {
      links: new Map(links.map((l) => [l.name, { ...l, owned: l.owned ?? false }])),
      addresses: [],
      sysctls: new Map([['net/ipv6/conf/all/forwarding', '0']]),
      routes: [],
      proxyNeighbors: [],
      nft: undefined,
    };
    for (const l of links) this.#addIfaceSysctls(l.name);
  }

  /** Makes changes matching `rule` fail with its reason until the returned function is called. */
  failWhen(rule: FaultRule): () => void {
    this.#faults.push(rule);
    return () => (this.#faults = this.#faults.filter((f) => f !== rule));
  }

  /** Reports changes matching `rule` as applied without applying them (a verify failure). */
  lieAbout(rule: (c: Change) => boolean): () => void {
    this.#lies.push(rule);
    return () => (this.#lies = this.#lies.filter((f) => f !== rule));
  }

  /** Changes the state behind the loop's back, then raises a kernel event, as the real backend's subscription would. */
  drift(why: string, mutate: (s: FakeState) => void): void {
    mutate(this.state);
    for (const w of this.#watchers) w(why);
  }

  watch(onChange: (why: string) => void): Unsubscribe {
    this.#watchers.add(onChange);
    return () => this.#watchers.delete(onChange);
  }

  /** Only the routes at the given destinations, as the real backend's FIB-match read-back finds them. */
  async observeTouched(request: TouchedRequest): Promise<Partial<ObservedState>> {
    this.reads.push({ routes: [...request.routes] });
    const wanted = new Set(request.routes);
    return structuredClone({ routes: this.state.routes.filter((r) => wanted.has(r.dst)) });
  }

  async observe(request: ObserveRequest): Promise<ObservedState> {
    this.reads.push('full');
    const s = this.state;
    return structuredClone({
      links: [...s.links.values()],
      addresses: s.addresses,
      sysctls: request.sysctlKeys.flatMap((key) => {
        const value = s.sysctls.get(key);
        return value === undefined ? [] : [{ key, value }];
      }),
      routes: s.routes,
      proxyNeighbors: s.proxyNeighbors,
      nft: s.nft,
    });
  }

  async apply(subsystem: Subsystem, changes: readonly Change[]): Promise<ApplyReport> {
    this.batches.push({ subsystem, size: changes.length });
    const failures: ApplyFailure[] = [];
    // nft applies a batch as one transaction: one failure and nothing changes.
    const saved = subsystem === 'nft' ? structuredClone(this.state.nft) : undefined;
    for (const change of changes) {
      const reason = this.#faults.map((f) => f(change)).find((r) => r !== undefined);
      const p = reason !== undefined ? problem('injected', reason) : this.#lies.some((l) => l(change)) ? undefined : this.#applyOne(change);
      if (p !== undefined) failures.push({ change, problem: problem(p.code, `${changeObject(change)}: ${p.message}`) });
    }
    if (subsystem === 'nft' && failures.length > 0) {
      this.state.nft = saved;
      return { applied: 0, failures };
    }
    return { applied: changes.length - failures.length, failures };
  }

  #addIfaceSysctls(name: string): void {
    for (const leaf of ['forwarding', 'accept_ra', 'proxy_ndp']) this.state.sysctls.set(`net/ipv6/conf/${name}/${leaf}`, leaf === 'accept_ra' ? '1' : '0');
  }

  #applyOne(c: Change): Problem | undefined {
    const s = this.state;
    const missing = (dev: string) => (s.links.has(dev) ? undefined : problem('no-device', `Cannot find device "${dev}"`));
    switch (c.subsystem) {
      case 'links': {
        const l = c.link;
        if (c.op === 'delete') {
          if (!s.links.delete(l.name)) return missing(l.name);
          s.routes = s.routes.filter((r) => r.dev !== l.name);
          s.addresses = s.addresses.filter((a) => a.dev !== l.name);
          return undefined;
        }
        if (l.master !== undefined && !s.links.has(l.master)) return missing(l.master);
        if (c.op === 'add') {
          if (s.links.has(l.name)) return problem('exists', 'File exists');
          if (l.kind === 'vlan' && (l.parent === undefined || !s.links.has(l.parent))) return missing(l.parent ?? '');
          s.links.set(l.name, { ...l, owned: true });
          this.#addIfaceSysctls(l.name);
          return undefined;
        }
        const o = s.links.get(l.name);
        if (o === undefined) return missing(l.name);
        const { master: _m, ...rest } = o;
        s.links.set(l.name, { ...rest, mtu: l.mtu, up: l.up, ...(l.master === undefined ? {} : { master: l.master }) });
        return undefined;
      }
      case 'sysctls': {
        const dev = IFACE_KEY.exec(c.sysctl.key)?.[1];
        if (dev !== undefined && dev !== 'all' && dev !== 'default' && !s.links.has(dev)) {
          return problem('no-sysctl', `sysctl ${c.sysctl.key} does not exist (no interface ${dev})`);
        }
        s.sysctls.set(c.sysctl.key, c.sysctl.value);
        return undefined;
      }
      case 'addresses': {
        const a = c.address;
        if (c.op === 'add') {
          const why = missing(a.dev);
          if (why !== undefined) return why;
          s.addresses.push(a);
        } else {
          s.addresses = s.addresses.filter((x) => !(x.dev === a.dev && x.cidr === a.cidr));
        }
        return undefined;
      }
      case 'routes': {
        const r = c.route;
        if (c.op === 'delete') {
          s.routes = s.routes.filter((x) => !(x.dst === r.dst && x.protocol === r.protocol));
          return undefined;
        }
        const dev = s.links.get(r.dev);
        if (dev === undefined) return missing(r.dev);
        if (!dev.up) return problem('device-down', 'Nexthop device is not up.');
        const clash = s.routes.find((x) => x.dst === r.dst);
        if (c.op === 'add' && clash !== undefined) return problem('exists', 'File exists');
        if (c.op === 'replace' && clash !== undefined && clash.protocol !== r.protocol) return problem('exists', 'File exists');
        s.routes = [...s.routes.filter((x) => x.dst !== r.dst), r];
        return undefined;
      }
      case 'proxyNeighbors': {
        const n = c.neighbor;
        if (c.op === 'add') {
          const why = missing(n.dev);
          if (why !== undefined) return why;
          s.proxyNeighbors.push(n);
        } else {
          s.proxyNeighbors = s.proxyNeighbors.filter((x) => !(x.dev === n.dev && x.address === n.address));
        }
        return undefined;
      }
      case 'nft': {
        if (c.op === 'replace-table') {
          const f = c.filter;
          s.nft = {
            sets: f.sets.map((x) => ({ ...x, elements: [...x.elements] })),
            chains: f.chains.map((ch) => ({ name: ch.name, hook: ch.hook, priority: ch.priority, policy: ch.policy, rules: ch.rules.map((r) => r.comment) })),
            counters: counterNames(f),
          };
          return undefined;
        }
        const set = s.nft?.sets.find((x) => x.name === c.set);
        if (s.nft === undefined || set === undefined) return problem('no-set', `Could not process rule: No such file or directory (set ${c.set})`);
        const elements = c.op === 'add-elements' ? [...set.elements, ...c.elements] : set.elements.filter((e) => !c.elements.includes(e));
        s.nft = { ...s.nft, sets: s.nft.sets.map((x) => (x.name === c.set ? { ...x, elements } : x)) };
        return undefined;
      }
    }
  }
}
