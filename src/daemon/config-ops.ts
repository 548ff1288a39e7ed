// The configuration verbs of the API: the candidate (kept in the store beside the revisions, as
// the offline CLI keeps it, so `config import` and the API edit the same candidate), commit with
// optional confirm, confirm, rollback and the confirm deadline. Every change runs one at a time
// and goes live through the Runtime; a revision the kernel refuses is rolled back in the store too.
import type { CandidateDto, CommitRequestDto, RevisionDto } from '../api/types.ts';
import type { HostRequestDto } from '../api/requests.ts';
import { readCandidate, writeCandidate, type Candidate } from '../cli/config-store.ts';
import { defaultConfig } from '../config/defaults.ts';
import type { Config } from '../config/schema.ts';
import { validateConfig } from '../config/validate.ts';
import { diffJson } from '../lib/jsondiff.ts';
import { ok, type Result } from '../lib/result.ts';
import type { Revision, RevisionSummary } from '../store/revisions.ts';
import { SYSTEM_AUTHOR } from '../store/revisions.ts';
import type { Store } from '../store/store.ts';
import type { EventHub } from './events.ts';
import type { Logger } from './logs.ts';
import { fromStoreError, invalid, refuse, refusal, type Refusal } from './refusal.ts';
import type { Runtime } from './runtime.ts';

export function revisionDto(r: RevisionSummary): RevisionDto {
  return {
    number: r.number,
    time: r.time,
    author: r.author,
    comment: r.comment,
    state: r.state,
    ...(r.confirmDeadline === undefined ? {} : { confirmDeadline: r.confirmDeadline }),
  };
}

export type Schedule = (run: () => void, ms: number) => () => void;

const realSchedule: Schedule = (run, ms) => {
  const t = setTimeout(run, ms);
  t.unref();
  return () => clearTimeout(t);
};

export interface ConfigOpsOptions {
  readonly store: Store<Config>;
  readonly runtime: Runtime;
  readonly events: EventHub;
  readonly log: Logger;
  readonly now: () => number;
  readonly schedule?: Schedule;
}

export class ConfigOps {
  readonly #o: ConfigOpsOptions;
  #serial: Promise<unknown> = Promise.resolve();
  #cancelDeadline: (() => void) | undefined;

  constructor(options: ConfigOpsOptions) {
    this.#o = options;
  }

  /** Runs `op` after every earlier change has finished. */
  #exclusive<T>(op: () => Promise<T>): Promise<T> {
    const p = this.#serial.then(op);
    this.#serial = p.catch(() => undefined);
    return p;
  }

  #running(): Revision<Config> | undefined {
    return this.#o.store.running();
  }

  #candidate(): Candidate {
    const stored = readCandidate(this.#o.store);
    if (stored !== undefined) return stored;
    const running = this.#running();
    return { base: running?.number ?? 0, document: running?.document ?? defaultConfig() };
  }

  candidate(): CandidateDto {
    const c = this.#candidate();
    return { base: c.base, document: c.document, diff: diffJson(this.#running()?.document ?? {}, c.document) };
  }

  /** Replaces the candidate when the whole document validates; otherwise every problem, with its path. */
  putCandidate(document: unknown): Result<CandidateDto, Refusal> {
    const checked = validateConfig(document);
    if (!checked.ok) return { ok: false, error: invalid(checked.error) };
    const stored = writeCandidate(this.#o.store, { base: this.#candidate().base, document: checked.value });
    if (!stored.ok) return { ok: false, error: fromStoreError(stored.error) };
    return ok(this.candidate());
  }

  addHost(req: HostRequestDto): Result<CandidateDto, Refusal> {
    const doc = structuredClone(this.#candidate().document);
    const host = {
      // Replacing a host keeps what the request does not speak about.
      publishedPorts: Object.hasOwn(doc.hosts, req.name) ? doc.hosts[req.name]!.publishedPorts : [],
      interface: req.interface,
      nextHop: req.nextHop,
      ...(req.prefix === undefined ? {} : { prefix: req.prefix }),
      networks: Object.fromEntries((req.networks ?? []).map((n) => [n.name, n.prefix === undefined ? {} : { prefix: n.prefix }])),
    };
    // fromEntries defines an own property even for names like `__proto__`, so validation sees
    // exactly the name that was asked for instead of a silent no-op.
    return this.putCandidate({ ...doc, hosts: Object.fromEntries([...Object.entries(doc.hosts), [req.name, host]]) });
  }

  removeHost(name: string): Result<CandidateDto, Refusal> {
    const doc = structuredClone(this.#candidate().document);
    if (!Object.hasOwn(doc.hosts, name)) return refuse(404, 'not-found', `There is no host ${name} in the candidate.`);
    delete doc.hosts[name];
    return this.putCandidate(doc);
  }

  commit(request: CommitRequestDto, author: string): Promise<Result<RevisionDto, Refusal>> {
    return this.#exclusive(async () => {
      const stored = readCandidate(this.#o.store);
      if (stored === undefined) return refuse(409, 'no-candidate', 'There is no candidate to commit; PUT /v1/config/candidate (or `v6edge config edit`) first.');
      const previous = this.#running();
      const committed = this.#o.store.commit({
        document: stored.document,
        base: stored.base,
        author,
        comment: request.comment,
        ...(request.confirmSeconds === undefined ? {} : { confirmWithinSeconds: request.confirmSeconds }),
      });
      if (!committed.ok) return { ok: false, error: fromStoreError(committed.error) };
      writeCandidate(this.#o.store, undefined);
      const rev = committed.value;
      const applied = await this.#o.runtime.apply(rev.document);
      if (!applied.ok) {
        const why = applied.error.message;
        this.#o.log.error('config', `revision ${rev.number} did not apply: ${why}`);
        if (previous !== undefined) this.#storeRollback(previous.number, `automatic rollback: revision ${rev.number} did not apply: ${why}`);
        return { ok: false, error: refusal(409, 'apply-failed', `Revision ${rev.number} was committed but the system refused it, so revision ${previous?.number ?? 0} runs again: ${why}`, [applied.error]) };
      }
      this.#o.log.info('config', `revision ${rev.number} applied`, { author, comment: request.comment });
      this.#publish({ type: 'commit', at: this.#o.now(), revision: revisionDto(rev) });
      this.#armDeadline();
      return ok(revisionDto(rev));
    });
  }

  #storeRollback(target: number, comment: string): void {
    const r = this.#o.store.rollback(target, { author: SYSTEM_AUTHOR, comment });
    if (!r.ok) this.#o.log.error('config', `could not record the rollback to revision ${target}: ${r.error.message}`);
    else this.#publish({ type: 'rollback', at: this.#o.now(), revision: revisionDto(r.value), reason: comment });
  }

  confirm(): Promise<Result<RevisionDto, Refusal>> {
    return this.#exclusive(async () => {
      const r = this.#o.store.confirm();
      if (!r.ok) {
        // The deadline passed first and the store rolled back inside confirm(): the kernel and
        // every event subscriber follow, as they would have had the timer fired first.
        const restored = r.error.code === 'expired' ? this.#running() : undefined;
        if (restored !== undefined) await this.#followRollback(restored);
        return { ok: false, error: fromStoreError(r.error) };
      }
      this.#cancelDeadline?.();
      this.#o.log.info('config', `revision ${r.value.number} confirmed`);
      this.#publish({ type: 'confirm', at: this.#o.now(), revision: r.value.number });
      return ok(revisionDto(r.value));
    });
  }

  rollback(n: number, author: string, comment?: string): Promise<Result<RevisionDto, Refusal>> {
    return this.#exclusive(async () => {
      const previous = this.#running();
      const r = this.#o.store.rollback(n, { author, comment: comment ?? `rollback to revision ${n}` });
      if (!r.ok) return { ok: false, error: fromStoreError(r.error) };
      this.#cancelDeadline?.();
      const applied = await this.#o.runtime.apply(r.value.document);
      if (!applied.ok) {
        if (previous !== undefined) this.#storeRollback(previous.number, `automatic rollback: revision ${r.value.number} did not apply: ${applied.error.message}`);
        return refuse(409, 'apply-failed', `The rollback to revision ${n} did not apply: ${applied.error.message}`, [applied.error]);
      }
      this.#publish({ type: 'rollback', at: this.#o.now(), revision: revisionDto(r.value), reason: r.value.comment });
      return ok(revisionDto(r.value));
    });
  }

  /** Rolls back a commit whose confirm deadline has passed; the timer calls it, tests may too. */
  checkConfirmDeadline(): Promise<RevisionDto | undefined> {
    return this.#exclusive(() => this.#applyRolledBack());
  }

  async #applyRolledBack(): Promise<RevisionDto | undefined> {
    const r = this.#o.store.checkConfirmDeadline();
    if (!r.ok) {
      this.#o.log.error('config', `confirm deadline check failed: ${r.error.message}`);
      return undefined;
    }
    if (r.value === undefined) {
      this.#armDeadline();
      return undefined;
    }
    return this.#followRollback(r.value);
  }

  /** Applies the revision an expired deadline restored and announces the rollback. */
  async #followRollback(restored: Revision<Config>): Promise<RevisionDto> {
    this.#armDeadline();
    this.#o.log.warn('config', restored.comment);
    const applied = await this.#o.runtime.apply(restored.document);
    if (!applied.ok) this.#o.log.error('config', `the restored revision ${restored.number} did not apply: ${applied.error.message}`);
    const dto = revisionDto(restored);
    this.#publish({ type: 'rollback', at: this.#o.now(), revision: dto, reason: restored.comment });
    return dto;
  }

  /** Arms the timer for the pending commit's deadline, if there is one. */
  #armDeadline(): void {
    this.#cancelDeadline?.();
    this.#cancelDeadline = undefined;
    const pending = this.#o.store.pendingConfirm();
    if (pending === undefined) return;
    const schedule = this.#o.schedule ?? realSchedule;
    this.#cancelDeadline = schedule(() => void this.checkConfirmDeadline(), Math.max(0, pending.deadline - this.#o.now()));
  }

  stop(): Promise<unknown> {
    this.#cancelDeadline?.();
    return this.#serial;
  }

  #publish(e: Parameters<EventHub['publish']>[0]): void {
    this.#o.events.publish(e);
  }
}

