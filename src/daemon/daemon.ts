// One running daemon: the store, the apply loop, the packet services and the API, wired
// together. `Daemon.start` is what `v6edge daemon` runs and what the tests start in-process with
// a fake kernel and no packet services.
import type { CandidateDto, DiffEntryDto, RevisionDto } from '../api/types.ts';
import type { PlanDto } from '../api/requests.ts';
import type { Backend, CounterValue } from '../backends/types.ts';
import type { Config } from '../config/schema.ts';
import { validateConfig } from '../config/validate.ts';
import { diffJson } from '../lib/jsondiff.ts';
import { err, ok, problem, type Problem, type Result } from '../lib/result.ts';
import { Reconciler, type ReconcileEvent } from '../reconcile/loop.ts';
import { planOnce } from '../reconcile/plan-once.ts';
import { canonicalLease } from '../services/dhcpv6/links.ts';
import type { LeaseEvent } from '../services/dhcpv6/runner.ts';
import { openStore, type Store } from '../store/store.ts';
import { ApiServer } from './api-server.ts';
import { ConfigOps, revisionDto, type Schedule } from './config-ops.ts';
import { EventHub } from './events.ts';
import { Logger } from './logs.ts';
import { PassDurations, renderMetrics } from './metrics.ts';
import { refuse, type Refusal } from './refusal.ts';
import { allLeases, Runtime, storeFacts, storeOwnership } from './runtime.ts';
import { ServiceSet, type ServiceFactories } from './services.ts';
import { Supervisor } from './supervisor.ts';
import { leaseDto, Views } from './views.ts';

export const VERSION = '0.1.0';

export interface DaemonOptions {
  readonly storePath: string;
  readonly socketPath: string;
  readonly backend: Backend;
  /** Packet services; none in tests that have no raw sockets. */
  readonly services: ServiceFactories | ((store: Store<Config>) => ServiceFactories);
  readonly counters?: () => Promise<ReadonlyMap<string, CounterValue>>;
  readonly log?: Logger;
  readonly now?: () => number;
  readonly schedule?: Schedule;
  readonly reconcile?: { readonly resyncMs?: number; readonly backoff?: { readonly initialMs: number; readonly maxMs: number } };
  readonly socketGroup?: string;
}

export class Daemon {
  readonly log: Logger;
  readonly events = new EventHub();
  readonly store: Store<Config>;
  readonly reconciler: Reconciler;
  readonly services: ServiceSet;
  readonly views: Views;
  readonly ops: ConfigOps;
  readonly supervisor: Supervisor;
  readonly #runtime: Runtime;
  readonly #backend: Backend;
  readonly #now: () => number;
  readonly #durations = new PassDurations();
  #failedPasses = 0;
  #api: ApiServer | undefined;

  private constructor(o: DaemonOptions, store: Store<Config>, log: Logger) {
    this.log = log;
    this.store = store;
    this.#backend = o.backend;
    this.#now = o.now ?? Date.now;
    this.supervisor = new Supervisor(log);
    this.reconciler = new Reconciler({
      backend: o.backend,
      facts: () => storeFacts(store, this.#now),
      ownership: storeOwnership(store, log),
      onEvent: (e) => this.#onReconcile(e),
      now: this.#now,
      ...(o.reconcile?.resyncMs === undefined ? {} : { resyncMs: o.reconcile.resyncMs }),
      ...(o.reconcile?.backoff === undefined ? {} : { backoff: o.reconcile.backoff }),
    });
    const factories = typeof o.services === 'function' ? o.services(store) : o.services;
    this.services = new ServiceSet(factories, log, (e) => this.#onLease(e));
    this.#runtime = new Runtime({ store, reconciler: this.reconciler, services: this.services, log, now: this.#now });
    this.ops = new ConfigOps({ store, runtime: this.#runtime, events: this.events, log, now: this.#now, ...(o.schedule === undefined ? {} : { schedule: o.schedule }) });
    this.views = new Views({
      version: VERSION,
      startedAt: this.#now(),
      store,
      reconciler: this.reconciler,
      services: this.services,
      backend: o.backend,
      now: this.#now,
      events: this.events,
      ...(o.counters === undefined ? {} : { counters: o.counters }),
    });
    log.onEntry((entry) => {
      if (entry.level !== 'debug') this.events.publish({ type: 'log', at: entry.at, entry });
    });
  }

  /** Opens the store, applies the running revision, starts the services, then serves the API. */
  static async start(o: DaemonOptions): Promise<Result<Daemon, Problem>> {
    const log = o.log ?? new Logger();
    const opened = openStore<Config>({ path: o.storePath, validate: validateConfig, role: 'daemon', ...(o.now === undefined ? {} : { now: o.now }) });
    if (!opened.ok) return err(problem(opened.error.code, `Cannot open the store ${o.storePath}: ${opened.error.message}`));
    const d = new Daemon(o, opened.value, log);
    d.supervisor.onStop('store', () => d.store.close());
    // After the loop stops (parts stop in reverse order), so no pass is left using the sockets.
    d.supervisor.onStop('backend', () => o.backend.close?.());
    const recovered = d.store.recoveredAtOpen;
    if (recovered !== undefined) log.warn('config', recovered.comment);
    const running = d.store.running();
    d.supervisor.onStop('reconcile', () => d.reconciler.stop().then(() => undefined));
    if (running === undefined) {
      log.info('daemon', 'no revision committed yet; waiting for a commit');
      d.reconciler.start();
    } else {
      log.info('daemon', `applying revision ${running.number}`);
      await d.#runtime.boot(running.document);
    }
    d.supervisor.onStop('services', () => d.services.stop());
    d.supervisor.onStop('config', () => d.ops.stop().then(() => undefined));
    const api = await ApiServer.listen(d, { path: o.socketPath, ...(o.socketGroup === undefined ? {} : { group: o.socketGroup }) });
    if (!api.ok) {
      await d.supervisor.shutdown('the API could not start');
      return api;
    }
    d.#api = api.value;
    d.supervisor.onStop('api', () => api.value.close());
    log.info('daemon', `listening on ${o.socketPath}`);
    return ok(d);
  }

  stop(reason = 'asked to stop'): Promise<void> {
    return this.supervisor.shutdown(reason);
  }

  /** Healthy enough to pet the systemd watchdog: the loop is not stuck failing and not stopping. */
  healthy(): boolean {
    return !this.supervisor.stopping && this.reconciler.status().consecutiveFailures < 10;
  }

  history(limit?: number): RevisionDto[] {
    return this.store.history(limit === undefined ? {} : { limit }).map(revisionDto);
  }

  diff(a: number | 'running' | 'candidate', b: number | 'running' | 'candidate'): Result<DiffEntryDto[], Refusal> {
    const docA = this.#document(a);
    if (!docA.ok) return docA;
    const docB = this.#document(b);
    if (!docB.ok) return docB;
    return ok(diffJson(docA.value, docB.value));
  }

  #document(ref: number | 'running' | 'candidate'): Result<unknown, Refusal> {
    if (ref === 'candidate') return ok((this.ops.candidate() as CandidateDto).document);
    if (ref === 'running') return ok(this.store.running()?.document ?? {});
    const r = this.store.revision(ref);
    return r.ok ? ok(r.value.document) : refuse(404, 'not-found', r.error.message);
  }

  /** What a pass would change now, against the running revision. */
  async plan(): Promise<PlanDto> {
    const running = this.store.running();
    if (running === undefined) return { text: 'Nothing has been committed yet.\n' };
    const facts = storeFacts(this.store, this.#now);
    return { text: await planOnce(running.document, this.#backend, { allocations: facts.allocations, leaseRoutes: facts.leaseRoutes }) };
  }

  /**
   * An operator ends a lease: marked released and its route removed. With the DHCPv6 server
   * running it goes through the server (its lease table and events stay in step, no restart);
   * otherwise the store is written directly.
   */
  async releaseLease(text: string): Promise<Result<null, Refusal>> {
    const key = canonicalLease(text);
    if (key === undefined) return refuse(400, 'bad-lease', `${text} is neither an IPv6 address nor a prefix.`);
    const served = await this.services.releaseDhcpv6(key);
    if (served !== undefined) {
      if (!served.ok) return served.error.code === 'not-found' ? refuse(404, 'not-found', served.error.message) : refuse(500, served.error.code, served.error.message);
      // The server's lease events have published each release.
      for (const l of served.value) this.log.info('dhcpv6', `operator released ${l.lease} of DUID ${l.duid} on ${l.iface}`);
      this.leasesChanged('lease released by operator');
      return ok(null);
    }
    const held = allLeases(this.store, 'active').filter((l) => l.lease === key);
    if (held.length === 0) return refuse(404, 'not-found', `No active lease holds ${key}.`);
    for (const l of held) {
      const released = { ...l, state: 'released' as const };
      const w = this.store.leases.upsert(released);
      if (!w.ok) return refuse(500, w.error.code, w.error.message);
      this.log.info('dhcpv6', `operator released ${l.lease} of DUID ${l.duid} on ${l.iface}`);
      this.events.publish({ type: 'lease', at: this.#now(), action: 'release', lease: leaseDto(released) });
    }
    this.leasesChanged('lease released by operator');
    return ok(null);
  }

  metricsText(): string {
    const rec = this.reconciler.status();
    return renderMetrics({
      ra: this.services.ra(),
      dhcpv6: this.services.dhcpv6(),
      ndproxy: this.services.ndproxy()?.counters,
      reconcile: { passes: rec.passes, changesApplied: rec.changesApplied, driftRepairs: rec.driftRepairs, failedPasses: this.#failedPasses, durations: this.#durations },
      apiRequests: this.#api?.requests ?? 0,
      eventSubscribers: this.events.subscribers,
    });
  }

  #onLease(e: LeaseEvent): void {
    this.events.publish({ type: 'lease', at: this.#now(), action: e.action, lease: leaseDto(e.lease) });
    // A delegated prefix gains or loses its route (and its place in the filter sets).
    if (e.lease.kind === 'pd') this.leasesChanged(`lease ${e.action} ${e.lease.lease}`);
  }

  /**
   * Delegations changed: the desired state is recomputed from the running revision with the
   * leases as they are now (the reconciler reads its facts when it is given a config).
   */
  leasesChanged(why: string): void {
    const running = this.store.running();
    if (running === undefined) return;
    this.log.info('reconcile', why);
    this.reconciler.setConfig(running.document);
  }

  #onReconcile(e: ReconcileEvent): void {
    if (e.type === 'failed') this.log.warn('reconcile', `${e.object}: ${e.problem.message}`);
    if (e.type === 'applied') this.log.info('reconcile', e.change);
    if (e.type !== 'pass') return;
    const r = e.report;
    this.#durations.observe(Math.max(0, this.#now() - r.at) / 1000);
    if (r.failures.length > 0 || !r.verified) this.#failedPasses++;
    if (r.planned.length > 0 || r.failures.length > 0) this.events.publish({ type: 'reconcile', at: this.#now(), status: this.views.reconcile() });
  }
}
