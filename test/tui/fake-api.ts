// An in-memory ApiClient for the TUI's tests: controllable data, a switch that makes every call
// fail like a dead socket, a record of calls, and an event stream tests can push into.
import {
  ApiError,
  type ApiClient,
  type ApiProblem,
  type CandidateDto,
  type CommitRequestDto,
  type DiffEntryDto,
  type EventDto,
  type FirewallCounterDto,
  type HostDto,
  type InterfaceDto,
  type LeaseDto,
  type LeasePage,
  type LogEntryDto,
  type NdproxyDto,
  type PoolDto,
  type RaInterfaceDto,
  type ReconcileDto,
  type RevisionDto,
  type RouteDto,
  type StatusDto,
} from '../../src/api/types.ts';

export const T0 = Date.UTC(2026, 4, 1, 12, 0, 0);

type Doc = Record<string, unknown>;

export function baseDocument(): Doc {
  return {
    version: 1,
    interfaces: {
      wan0: { kind: 'ethernet', role: 'wan' },
      lan0: { kind: 'ethernet', role: 'lan' },
      mgmt0: { kind: 'ethernet', role: 'mgmt' },
    },
    hosts: { web1: { interface: 'lan0', nextHop: 'fe80::10' } },
    firewall: { management: { interfaces: ['mgmt0'] } },
    api: {},
  };
}

export function makeLeases(n: number): LeaseDto[] {
  const out: LeaseDto[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      iface: 'lan0',
      duid: `00:01:00:01:${(i >>> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}:aa:bb`,
      iaid: i,
      kind: 'na',
      lease: `2001:db8:1::${(0x1000 + i).toString(16)}`,
      state: 'active',
      preferredLifetime: 3600,
      validLifetime: 7200,
      expiresAt: T0 + 3_600_000,
    });
  }
  return out;
}

function topLevelDiff(before: Doc, after: Doc): DiffEntryDto[] {
  const out: DiffEntryDto[] = [];
  for (const section of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = before[section];
    const b = after[section];
    if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && !Array.isArray(a)) {
      const ar = a as Doc;
      const br = b as Doc;
      for (const k of new Set([...Object.keys(ar), ...Object.keys(br)])) {
        const x = JSON.stringify(ar[k]);
        const y = JSON.stringify(br[k]);
        if (x === y) continue;
        const path = `${section}.${k}`;
        if (x === undefined) out.push({ path, kind: 'added', after: br[k] });
        else if (y === undefined) out.push({ path, kind: 'removed', before: ar[k] });
        else out.push({ path, kind: 'changed', before: ar[k], after: br[k] });
      }
    } else if (JSON.stringify(a) !== JSON.stringify(b)) {
      out.push({ path: section, kind: 'changed', before: a, after: b });
    }
  }
  return out;
}

/** The fake's validation: enough of the daemon's to produce problems with real paths. */
export function fakeValidate(doc: Doc): ApiProblem[] {
  const problems: ApiProblem[] = [];
  const interfaces = (doc.interfaces ?? {}) as Doc;
  for (const [name, host] of Object.entries((doc.hosts ?? {}) as Doc)) {
    const h = host as Doc;
    if (!/^[a-z][a-z0-9-]*$/.test(name)) problems.push({ code: 'bad-name', path: `hosts.${name}`, message: 'Host names are lower-case letters, digits and -.' });
    if (typeof h.interface !== 'string' || !(h.interface in interfaces)) {
      problems.push({ code: 'unknown-interface', path: `hosts.${name}.interface`, message: `No interface named "${String(h.interface)}".` });
    }
    if (typeof h.nextHop !== 'string' || !h.nextHop.includes(':')) {
      problems.push({ code: 'not-ipv6', path: `hosts.${name}.nextHop`, message: 'Expected an IPv6 address.' });
    }
    for (const [net, n] of Object.entries((h.networks ?? {}) as Doc)) {
      const at = /^[A-Za-z0-9-]+$/.test(net) ? `hosts.${name}.networks.${net}` : `hosts.${name}.networks[${JSON.stringify(net)}]`;
      if (at.endsWith(']')) problems.push({ code: 'bad-name', path: at, message: `"${net}" is not a valid name.` });
      const prefix = (n as Doc).prefix;
      if (prefix !== undefined && (typeof prefix !== 'string' || !prefix.includes('/'))) {
        problems.push({ code: 'not-prefix', path: `${at}.prefix`, message: 'Expected an IPv6 prefix such as 2001:db8::/80.' });
      }
    }
  }
  return problems;
}

export class FakeApi implements ApiClient {
  failing = false;
  calls: { method: string; args: unknown[] }[] = [];
  now: () => number = () => T0;

  statusDto: StatusDto = {
    version: '0.1.0',
    startedAt: T0 - 60_000,
    runningRevision: 3,
    pendingConfirm: undefined,
    services: {
      ra: { health: 'ok' },
      dhcpv6: { health: 'ok' },
      ndproxy: { health: 'degraded', detail: 'no upstream prefix yet' },
      reconcile: { health: 'ok' },
    },
    alerts: [{ at: T0 - 5000, kind: 'rogue-ra', message: 'fe80::bad advertises 2001:db8:bad::/64 on lan0' }],
  };
  interfaceList: InterfaceDto[] = [
    { name: 'wan0', role: 'wan', kind: 'ethernet', state: 'up', mtu: 1500, mac: '02:00:00:00:00:01', addresses: ['2001:db8:ffff::2/64'], ra: false, dhcpv6: 'off' },
    { name: 'lan0', role: 'lan', kind: 'ethernet', state: 'up', mtu: 1500, mac: '02:00:00:00:00:02', addresses: ['2001:db8:1::1/64', 'fe80::1/64'], ra: true, dhcpv6: 'stateful' },
    { name: 'mgmt0', role: 'mgmt', kind: 'ethernet', state: 'down', mtu: 1500, mac: undefined, addresses: [], ra: false, dhcpv6: 'off' },
  ];
  raList: RaInterfaceDto[] = [
    {
      ifname: 'lan0',
      phase: 'periodic',
      rasSent: 42,
      rasSentUnicast: 7,
      rsReceived: 9,
      drops: { 'bad-hop-limit': 2 },
      nextRaAt: T0 + 30_000,
      advertised: ['prefix 2001:db8:1::/64 valid 2592000 preferred 604800', 'RDNSS 2001:db8:1::1', 'router lifetime 1800'],
      rogue: [{ at: T0 - 5000, source: 'fe80::bad', field: 'prefix', message: 'advertises 2001:db8:bad::/64 which we do not' }],
      withdrawn: [],
    },
  ];
  leaseList: LeaseDto[] = makeLeases(30);
  poolList: PoolDto[] = [
    { iface: 'lan0', kind: 'na', range: '2001:db8:1::1000/116', size: 4096, used: 30 },
    { iface: 'lan0', kind: 'pd', range: '2001:db8:100::/40 /56', size: 65536, used: 65536 },
  ];
  hostList: HostDto[] = [
    {
      name: 'web1',
      interface: 'lan0',
      nextHop: 'fe80::10',
      prefix: '2001:db8:200::/48',
      networks: [{ name: 'app', prefix: '2001:db8:200::/80' }],
      publishedPorts: [{ protocol: 'tcp', port: '443', target: 'app' }],
    },
  ];
  routeList: RouteDto[] = [
    { prefix: '2001:db8:200::/48', via: 'fe80::10', dev: 'lan0', origin: 'host web1', state: 'installed' },
    { prefix: '2001:db8:100:1::/56', via: 'fe80::99', dev: 'lan0', origin: 'delegated', state: 'pending' },
  ];
  reconcileDto: ReconcileDto = { lastPassAt: T0 - 1000, passes: 12, changesApplied: 30, driftRepairs: 2, errors: [] };
  ndproxyDto: NdproxyDto = {
    rules: [{ upstream: 'wan0', prefix: '2001:db8:ffff::/64', mode: 'auto' }],
    entries: [{ upstream: 'wan0', address: '2001:db8:ffff::77', mode: 'auto', state: 'answering', expiresAt: T0 + 20_000 }],
    counters: { solicitations: 40, answered: 31 },
  };
  firewallList: FirewallCounterDto[] = [
    { chain: 'input', rule: 'icmpv6 nd (RFC 4890)', packets: 1200, bytes: 96_000 },
    { chain: 'forward', rule: 'host web1 tcp 443', packets: 3_400_000, bytes: 2_100_000_000 },
  ];
  logList: LogEntryDto[] = [
    { at: T0 - 3000, level: 'info', component: 'ra', message: 'sent RA on lan0' },
    { at: T0 - 2000, level: 'warn', component: 'dhcpv6', message: 'pool lan0 pd exhausted' },
  ];
  running: Doc = baseDocument();
  candidateDoc: Doc = baseDocument();
  revisions: RevisionDto[] = [
    { number: 1, time: T0 - 300_000, author: 'root', comment: 'first', state: 'confirmed' },
    { number: 2, time: T0 - 200_000, author: 'root', comment: 'add lan0', state: 'confirmed' },
    { number: 3, time: T0 - 100_000, author: 'root', comment: 'add web1', state: 'confirmed' },
  ];
  private subscribers = new Set<{ onEvent: (e: EventDto) => void; onClose?: ((error?: Error) => void) | undefined }>();

  private async answer<T>(method: string, args: unknown[], value: () => T): Promise<T> {
    this.calls.push({ method, args });
    if (this.failing) throw new Error('connect ECONNREFUSED /run/v6edge/api.sock');
    return value();
  }

  callsTo(method: string): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** The daemon stops: calls fail and open event streams close with an error. */
  goDown(): void {
    this.failing = true;
    for (const s of [...this.subscribers]) s.onClose?.(new Error('socket hang up'));
    this.subscribers.clear();
  }

  recover(): void {
    this.failing = false;
  }

  emit(event: EventDto): void {
    for (const s of this.subscribers) s.onEvent(event);
  }

  status(): Promise<StatusDto> {
    return this.answer('status', [], () => this.statusDto);
  }
  interfaces(): Promise<readonly InterfaceDto[]> {
    return this.answer('interfaces', [], () => this.interfaceList);
  }
  ra(): Promise<readonly RaInterfaceDto[]> {
    return this.answer('ra', [], () => this.raList);
  }
  leases(query: { readonly iface?: string; readonly search?: string; readonly after?: string; readonly limit?: number }): Promise<LeasePage> {
    return this.answer('leases', [query], () => {
      const search = query.search;
      const all = search === undefined ? this.leaseList : this.leaseList.filter((l) => l.lease.includes(search) || l.duid.includes(search));
      const start = query.after === undefined ? 0 : Number(query.after);
      const limit = query.limit ?? 100;
      const leases = all.slice(start, start + limit);
      const end = start + leases.length;
      return end < all.length ? { leases, total: all.length, next: String(end) } : { leases, total: all.length };
    });
  }
  pools(): Promise<readonly PoolDto[]> {
    return this.answer('pools', [], () => this.poolList);
  }
  releaseLease(lease: string): Promise<void> {
    return this.answer('releaseLease', [lease], () => {
      this.leaseList = this.leaseList.map((l) => (l.lease === lease ? { ...l, state: 'released' as const } : l));
    });
  }
  hosts(): Promise<readonly HostDto[]> {
    return this.answer('hosts', [], () => this.hostList);
  }
  routes(): Promise<readonly RouteDto[]> {
    return this.answer('routes', [], () => this.routeList);
  }
  reconcile(): Promise<ReconcileDto> {
    return this.answer('reconcile', [], () => this.reconcileDto);
  }
  ndproxy(): Promise<NdproxyDto> {
    return this.answer('ndproxy', [], () => this.ndproxyDto);
  }
  firewall(): Promise<readonly FirewallCounterDto[]> {
    return this.answer('firewall', [], () => this.firewallList);
  }
  logs(query: { readonly limit?: number; readonly component?: string }): Promise<readonly LogEntryDto[]> {
    return this.answer('logs', [query], () => this.logList.slice(-(query.limit ?? 100)));
  }
  private candidateDto(): CandidateDto {
    return { base: this.statusDto.runningRevision ?? 0, document: this.candidateDoc, diff: topLevelDiff(this.running, this.candidateDoc) };
  }
  candidate(): Promise<CandidateDto> {
    return this.answer('candidate', [], () => this.candidateDto());
  }
  putCandidate(document: unknown): Promise<CandidateDto> {
    return this.answer('putCandidate', [document], () => {
      const problems = fakeValidate(document as Doc);
      if (problems.length > 0) {
        throw new ApiError(422, { error: { code: 'invalid', message: `The candidate has ${problems.length} problem(s).` }, problems });
      }
      this.candidateDoc = structuredClone(document as Doc);
      return this.candidateDto();
    });
  }
  commit(request: CommitRequestDto): Promise<RevisionDto> {
    return this.answer('commit', [request], () => {
      const number = (this.revisions.at(-1)?.number ?? 0) + 1;
      const deadline = request.confirmSeconds === undefined ? undefined : this.now() + request.confirmSeconds * 1000;
      const rev: RevisionDto = {
        number,
        time: this.now(),
        author: 'root',
        comment: request.comment,
        state: deadline === undefined ? 'confirmed' : 'pending',
        ...(deadline === undefined ? {} : { confirmDeadline: deadline }),
      };
      this.revisions.push(rev);
      this.running = structuredClone(this.candidateDoc);
      this.statusDto = { ...this.statusDto, runningRevision: number, pendingConfirm: deadline === undefined ? undefined : { revision: number, deadline } };
      this.emit({ type: 'commit', at: this.now(), revision: rev });
      return rev;
    });
  }
  confirm(): Promise<RevisionDto> {
    return this.answer('confirm', [], () => {
      const pending = this.statusDto.pendingConfirm;
      if (pending === undefined) throw new ApiError(409, { error: { code: 'nothing-pending', message: 'No commit is waiting for confirmation.' } });
      const i = this.revisions.findIndex((r) => r.number === pending.revision);
      const rev: RevisionDto = { ...this.revisions[i]!, state: 'confirmed' };
      this.revisions[i] = rev;
      this.statusDto = { ...this.statusDto, pendingConfirm: undefined };
      this.emit({ type: 'confirm', at: this.now(), revision: rev.number });
      return rev;
    });
  }
  rollback(revision: number, comment?: string): Promise<RevisionDto> {
    return this.answer('rollback', [revision, comment], () => {
      const number = (this.revisions.at(-1)?.number ?? 0) + 1;
      const rev: RevisionDto = { number, time: this.now(), author: 'root', comment: comment ?? `rollback to ${revision}`, state: 'confirmed' };
      this.revisions.push(rev);
      this.statusDto = { ...this.statusDto, runningRevision: number };
      this.emit({ type: 'rollback', at: this.now(), revision: rev, reason: 'operator' });
      return rev;
    });
  }
  history(limit?: number): Promise<readonly RevisionDto[]> {
    return this.answer('history', [limit], () => [...this.revisions].reverse().slice(0, limit ?? 20));
  }
  diff(a: number | 'running' | 'candidate', b: number | 'running' | 'candidate'): Promise<readonly DiffEntryDto[]> {
    return this.answer('diff', [a, b], () => topLevelDiff(this.running, this.candidateDoc));
  }
  events(onEvent: (event: EventDto) => void, onClose?: (error?: Error) => void): () => void {
    this.calls.push({ method: 'events', args: [] });
    if (this.failing) {
      queueMicrotask(() => onClose?.(new Error('connect ECONNREFUSED /run/v6edge/api.sock')));
      return () => {};
    }
    const sub = { onEvent, onClose };
    this.subscribers.add(sub);
    return () => {
      this.subscribers.delete(sub);
    };
  }
}
