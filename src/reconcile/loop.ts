// The converging apply loop, level-triggered: a trigger (a commit, a lease event, a kernel event,
// the periodic resync) only says "look again"; each pass compares the whole desired state with
// what the backends report now. A pass: observe → plan → apply (one batch per subsystem) → read
// back and verify → status and events. A failed pass keeps what worked and retries with
// exponential backoff (controller-runtime's habit); applyRevision rolls back instead.
//
// Incremental passes: while the loop watches backend events, a pass whose previous pass verified
// with no event since plans the new desired state against the previous one (plan-delta.ts),
// applies that, and reads back only the touched routes; nft elements are trusted to the
// transaction's exit status (nft commits a batch whole or not at all, and reading even one
// element back costs nft 1.0.6 a load of the whole table). Any event, the periodic resync, a
// failure, a change beyond routes and elements, or a large change takes the full pass, so drift
// is still repaired level-triggered.
import { err, ok, problem, type Problem, type Result } from '../lib/result.ts';
import type { Config } from '../config/schema.ts';
import type { AllocationRecord } from '../store/records.ts';
import type { ApplyFailure, ApplyReport, Backend, ObserveRequest, Unsubscribe } from '../backends/types.ts';
import { nextTurn } from '../lib/turn.ts';
import { changeObject, describeChange } from './describe.ts';
import { desiredState, type LeaseRoute } from './desired.ts';
import { indexDesiredRoutes, NOTHING_RECORDED, plan, planRoutes, type Recorded } from './plan.ts';
import { planDelta, touchedRoutes } from './plan-delta.ts';
import { SUBSYSTEMS, type Address, type Change, type DesiredState, type ProxyNeighbor, type Subsystem } from './types.ts';

/** Inputs beside the config, read fresh for each revision. */
export interface Facts {
  readonly allocations: readonly AllocationRecord[];
  readonly leaseRoutes: readonly LeaseRoute[];
  /** Leased addresses (IA_NA) that kernel NDP-proxy rules publish upstream. */
  readonly leasedAddresses?: readonly string[];
}

export type Schedule = (run: () => void, ms: number) => () => void;

/**
 * Where the loop keeps the addresses and proxy entries it added (the kernel marks neither as
 * ours), so that after a restart it still removes those the config dropped meanwhile.
 */
export interface OwnershipRecord {
  load(): Recorded;
  update(added: Recorded, removed: Recorded): void;
}

export interface ReconcilerOptions {
  readonly backend: Backend;
  readonly facts?: () => Facts;
  /** Periodic resync even without events; default 60 s; 0 turns it off. */
  readonly resyncMs?: number;
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  readonly onEvent?: (event: ReconcileEvent) => void;
  /** Timer used for retries and resyncs; tests pass one that records the delays. */
  readonly schedule?: Schedule;
  readonly now?: () => number;
  readonly ownership?: OwnershipRecord;
}

export interface PassReport {
  readonly at: number;
  readonly trigger: string;
  readonly planned: readonly Change[];
  readonly applied: number;
  /** Changes that failed, or applied but not seen on read-back, each with its object and reason. */
  readonly failures: readonly ApplyFailure[];
  /** True when the read-back plans nothing. */
  readonly verified: boolean;
  /** `full`: observed everything; `incremental`: planned against the previous desired state. */
  readonly mode: 'full' | 'incremental';
}

export type ReconcileEvent =
  | { readonly type: 'applied'; readonly change: string }
  | { readonly type: 'failed'; readonly object: string; readonly problem: Problem }
  | { readonly type: 'pass'; readonly report: PassReport }
  | { readonly type: 'retry'; readonly inMs: number; readonly attempt: number };

export interface ReconcileStatus {
  readonly lastPassAt: number | undefined;
  readonly passes: number;
  readonly changesApplied: number;
  /** Changes made to undo drift: the kernel changed while the desired state did not. */
  readonly driftRepairs: number;
  /** The errors of the last pass; empty when it converged. */
  readonly errors: readonly Problem[];
  readonly consecutiveFailures: number;
}

const defaultSchedule: Schedule = (run, ms) => {
  const t = setTimeout(run, ms);
  t.unref();
  return () => clearTimeout(t);
};

const NO_FACTS: Facts = { allocations: [], leaseRoutes: [] };

/**
 * Applied changes named one by one per batch; the rest of a large batch is one line. A fleet
 * converging from empty applies 140,000 changes, and the daemon logs each applied event.
 */
export const APPLIED_LISTED = 100;

export class Reconciler {
  readonly #o: ReconcilerOptions;
  #desired: DesiredState | undefined;
  #recorded: Recorded = NOTHING_RECORDED;
  /** The current desired state has been seen fully in place; later changes are drift repairs. */
  #converged = false;
  #status: ReconcileStatus = { lastPassAt: undefined, passes: 0, changesApplied: 0, driftRepairs: 0, errors: [], consecutiveFailures: 0 };
  #chain: Promise<unknown> = Promise.resolve();
  #pending: string | undefined;
  #cancelRetry: (() => void) | undefined;
  #cancelResync: (() => void) | undefined;
  #unwatch: Unsubscribe | undefined;
  #stopped = false;
  /** The desired state the last pass verified in place, with no failures; the base of a delta. */
  #inPlace: DesiredState | undefined;
  /** An event (or the resync timer) since the last full observe: the next pass must be full. */
  #mustObserve = true;

  constructor(options: ReconcilerOptions) {
    this.#o = options;
    this.#recorded = options.ownership?.load() ?? NOTHING_RECORDED;
  }

  status(): ReconcileStatus {
    return this.#status;
  }

  desired(): DesiredState | undefined {
    return this.#desired;
  }

  desiredFor(config: Config): DesiredState {
    const f = this.#o.facts?.() ?? NO_FACTS;
    return desiredState(config, f.allocations, f.leaseRoutes, f.leasedAddresses ?? []);
  }

  /** A new desired state (a commit); it converges through ordinary passes, retrying failures. */
  setDesired(desired: DesiredState): void {
    this.#desired = desired;
    this.#converged = false;
    this.trigger('desired state changed');
  }

  setConfig(config: Config): void {
    this.setDesired(this.desiredFor(config));
  }

  /** Subscribes to backend events and starts the periodic resync. */
  start(): void {
    this.#stopped = false;
    this.#mustObserve = true;
    this.#unwatch = this.#o.backend.watch((why) => {
      this.#mustObserve = true;
      this.trigger(why);
    });
    this.#armResync();
  }

  stop(): Promise<unknown> {
    this.#stopped = true;
    this.#unwatch?.();
    this.#unwatch = undefined;
    this.#cancelRetry?.();
    this.#cancelResync?.();
    return this.#chain;
  }

  /** Asks for a pass soon; triggers arriving before it starts share it. */
  trigger(why: string): void {
    if (this.#stopped || this.#pending !== undefined) return;
    this.#pending = why;
    this.#chain = this.#chain.then(() => {
      const reason = this.#pending ?? why;
      this.#pending = undefined;
      return this.#stopped ? undefined : this.#pass(reason);
    });
  }

  /** Runs one pass now (after any running one) and returns its report. */
  pass(trigger = 'requested'): Promise<PassReport> {
    const p = this.#chain.then(() => this.#pass(trigger));
    this.#chain = p.catch(() => undefined);
    return p;
  }

  /**
   * Applies a revision transactionally: when a change fails or verification does not hold,
   * the previous revision's desired state is applied again and the error returned.
   */
  async applyRevision(config: Config): Promise<Result<PassReport>> {
    const previous = this.#desired;
    this.#desired = this.desiredFor(config);
    this.#converged = false;
    const report = await this.pass('revision');
    const first = report.failures[0];
    if (first === undefined && report.verified) return ok(report);
    // A pass that threw (a backend error) has no failures, only the error in the status.
    const thrown = this.#status.errors[0] ?? problem('not-verified', 'the pass could not verify the revision');
    if (previous !== undefined) {
      this.#desired = previous;
      this.#converged = false;
      await this.pass('rollback');
    }
    const undone = previous === undefined ? 'there was no previous revision to restore' : 'the previous revision was restored';
    if (first === undefined) return err(problem(thrown.code, `${thrown.message}; ${undone}.`));
    const more = report.failures.length > 1 ? ` (and ${report.failures.length - 1} more)` : '';
    return err(problem(first.problem.code, `${first.problem.message}${more}; ${undone}.`, { path: changeObject(first.change) }));
  }

  async #pass(trigger: string): Promise<PassReport> {
    this.#cancelRetry?.();
    this.#cancelRetry = undefined;
    const at = (this.#o.now ?? Date.now)();
    const desired = this.#desired;
    if (desired === undefined) return { at, trigger, planned: [], applied: 0, failures: [], verified: true, mode: 'full' };
    let report: PassReport;
    try {
      report = await this.#converge(desired, at, trigger);
    } catch (e) {
      const p = problem('backend-error', e instanceof Error ? e.message : String(e));
      report = { at, trigger, planned: [], applied: 0, failures: [], verified: false, mode: 'full' };
      this.#inPlace = undefined;
      this.#finish(report, [p]);
      return report;
    }
    this.#finish(report, report.failures.map((f) => f.problem));
    return report;
  }

  async #converge(desired: DesiredState, at: number, trigger: string): Promise<PassReport> {
    const delta = this.#deltaFor(desired);
    const report = delta === undefined ? await this.#full(desired, at, trigger) : await this.#incremental(desired, delta, at, trigger);
    this.#inPlace = report.verified && report.failures.length === 0 ? desired : undefined;
    return report;
  }

  /** The incremental plan, when this pass may take it (see the header comment). */
  #deltaFor(desired: DesiredState): Change[] | undefined {
    const previous = this.#inPlace;
    // Without an event subscription a change behind our back would go unnoticed: always full.
    if (previous === undefined || this.#mustObserve || this.#unwatch === undefined) return undefined;
    if (this.#o.backend.observeTouched === undefined) return undefined;
    return planDelta(previous, desired);
  }

  async #full(desired: DesiredState, at: number, trigger: string): Promise<PassReport> {
    const request: ObserveRequest = { sysctlKeys: desired.sysctls.map((s) => s.key) };
    const backend = this.#o.backend;
    // Cleared before observing: an event during the pass makes the next pass full again.
    this.#mustObserve = false;
    const planned = plan(desired, await backend.observe(request), this.#recorded);
    const applying = this.#applyAll(planned);
    // Handled here so a failure during the turn below is not an unhandled rejection; the await
    // after it still throws.
    applying.catch(() => undefined);
    // The backends' kernel work runs off this thread; the verifying plan's index is made meanwhile.
    if (planned.length > 0) {
      await nextTurn();
      indexDesiredRoutes(desired.routes);
    }
    const { applied, failures } = await applying;
    this.#record(planned, failures);
    if (planned.length > 0 && this.#converged) {
      this.#status = { ...this.#status, driftRepairs: this.#status.driftRepairs + applied };
    }
    // Verify: the read-back must plan nothing beyond what already failed.
    const remaining = planned.length === 0 ? [] : plan(desired, await backend.observe(request), this.#recorded);
    return { at, trigger, planned, applied, failures: this.#unverified(failures, remaining), verified: remaining.length === 0, mode: 'full' };
  }

  async #incremental(desired: DesiredState, planned: Change[], at: number, trigger: string): Promise<PassReport> {
    const { applied, failures } = await this.#applyAll(planned);
    this.#record(planned, failures);
    const touched = touchedRoutes(planned);
    let remaining: Change[] = [];
    if (touched.length > 0) {
      const seen = await this.#o.backend.observeTouched!({ routes: touched });
      if (seen === undefined) return this.#full(desired, at, trigger);
      const wanted = new Set(touched);
      remaining = planRoutes(desired.routes.filter((r) => wanted.has(r.dst)), (seen.routes ?? []).filter((r) => wanted.has(r.dst)));
    }
    return { at, trigger, planned, applied, failures: this.#unverified(failures, remaining), verified: remaining.length === 0, mode: 'incremental' };
  }

  /**
   * Applies a plan one batch per subsystem, emitting an event per applied change. The kernel's
   * subsystems go in order (links before the addresses on them, addresses before the routes
   * through them); nft goes beside them, started first: no rule depends on a kernel object (rules
   * name interfaces by name), its work is mostly another process's and the kernel's, and starting
   * it first narrows the window in which new routes stand without their filters.
   */
  async #applyAll(planned: readonly Change[]): Promise<{ applied: number; failures: ApplyFailure[] }> {
    const batches = new Map<Subsystem, Change[]>();
    for (const c of planned) {
      const batch = batches.get(c.subsystem);
      if (batch === undefined) batches.set(c.subsystem, [c]);
      else batch.push(c);
    }
    const filters = this.#applyBatch('nft', batches.get('nft'));
    const kernel = (async () => {
      const out: ApplyReport[] = [];
      for (const subsystem of SUBSYSTEMS) if (subsystem !== 'nft') out.push(await this.#applyBatch(subsystem, batches.get(subsystem)));
      return out;
    })();
    // Both are awaited before a failure of either is thrown, so no apply outlives its pass.
    const [k, f] = await Promise.allSettled([kernel, filters]);
    if (k.status === 'rejected') throw k.reason;
    if (f.status === 'rejected') throw f.reason;
    const reports = [...k.value, f.value];
    return { applied: reports.reduce((n, r) => n + r.applied, 0), failures: reports.flatMap((r) => r.failures) };
  }

  async #applyBatch(subsystem: Subsystem, batch: readonly Change[] | undefined): Promise<ApplyReport> {
    if (batch === undefined || batch.length === 0) return { applied: 0, failures: [] };
    const r = await this.#o.backend.apply(subsystem, batch);
    const failed = new Set(r.failures.map((f) => f.change));
    let listed = 0;
    for (const c of batch) {
      if (failed.has(c)) continue;
      if (listed === APPLIED_LISTED) break;
      this.#emit({ type: 'applied', change: describeChange(c) });
      listed++;
    }
    if (r.applied > listed) this.#emit({ type: 'applied', change: `${subsystem}: ${r.applied - listed} more changes applied (${r.applied} in all)` });
    return r;
  }

  /** The failures of a pass plus a `not-verified` one for each object the read-back still plans. */
  #unverified(failures: ApplyFailure[], remaining: readonly Change[]): ApplyFailure[] {
    const known = new Set(failures.map((f) => changeObject(f.change)));
    for (const c of remaining) {
      const object = changeObject(c);
      if (known.has(object)) continue;
      known.add(object);
      failures.push({ change: c, problem: problem('not-verified', `${object} was reported applied but reading it back shows it is not in place (${describeChange(c)}).`) });
    }
    return failures;
  }

  /**
   * Addresses and proxy entries we may later remove: those an add of ours put in, until a delete
   * of ours takes them out. One that was already there when we wanted it stays its owner's.
   */
  #record(planned: readonly Change[], failures: readonly ApplyFailure[]): void {
    const failed = new Set(failures.map((f) => f.change));
    const added: { addresses: Address[]; proxyNeighbors: ProxyNeighbor[] } = { addresses: [], proxyNeighbors: [] };
    const removed: { addresses: Address[]; proxyNeighbors: ProxyNeighbor[] } = { addresses: [], proxyNeighbors: [] };
    for (const c of planned) {
      if (failed.has(c)) continue;
      const into = c.op === 'add' ? added : c.op === 'delete' ? removed : undefined;
      if (c.subsystem === 'addresses') into?.addresses.push(c.address);
      else if (c.subsystem === 'proxyNeighbors') into?.proxyNeighbors.push(c.neighbor);
    }
    if (added.addresses.length + added.proxyNeighbors.length + removed.addresses.length + removed.proxyNeighbors.length === 0) return;
    this.#recorded = {
      addresses: updateRecord(this.#recorded.addresses, added.addresses, removed.addresses, (a) => `${a.dev} ${a.cidr}`),
      proxyNeighbors: updateRecord(this.#recorded.proxyNeighbors, added.proxyNeighbors, removed.proxyNeighbors, (n) => `${n.dev} ${n.address}`),
    };
    this.#o.ownership?.update(added, removed);
  }

  #finish(report: PassReport, errors: readonly Problem[]): void {
    const failing = errors.length > 0;
    const s = this.#status;
    this.#status = {
      ...s,
      lastPassAt: report.at,
      passes: s.passes + 1,
      changesApplied: s.changesApplied + report.applied,
      errors,
      consecutiveFailures: failing ? s.consecutiveFailures + 1 : 0,
    };
    if (!failing) this.#converged = true;
    for (const f of report.failures) this.#emit({ type: 'failed', object: changeObject(f.change), problem: f.problem });
    if (report.failures.length === 0) for (const p of errors) this.#emit({ type: 'failed', object: 'backend', problem: p });
    this.#emit({ type: 'pass', report });
    if (failing && !this.#stopped) this.#armRetry(this.#status.consecutiveFailures);
  }

  #armRetry(attempt: number): void {
    const b = this.#o.backoff ?? { initialMs: 500, maxMs: 60_000 };
    const inMs = Math.min(b.maxMs, b.initialMs * 2 ** (attempt - 1));
    this.#emit({ type: 'retry', inMs, attempt });
    this.#cancelRetry = (this.#o.schedule ?? defaultSchedule)(() => this.trigger(`retry ${attempt}`), inMs);
  }

  #armResync(): void {
    const ms = this.#o.resyncMs ?? 60_000;
    if (ms <= 0 || this.#stopped) return;
    this.#cancelResync = (this.#o.schedule ?? defaultSchedule)(() => {
      this.#mustObserve = true;
      this.trigger('periodic resync');
      this.#armResync();
    }, ms);
  }

  #emit(e: ReconcileEvent): void {
    this.#o.onEvent?.(e);
  }
}

function updateRecord<T>(now: readonly T[], added: readonly T[], removed: readonly T[], key: (t: T) => string): T[] {
  const out = new Map(now.map((t) => [key(t), t]));
  for (const t of removed) out.delete(key(t));
  for (const t of added) out.set(key(t), t);
  return [...out.values()];
}
