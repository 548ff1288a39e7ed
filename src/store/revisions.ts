// Config revisions: an append-only history, the `running` and `saved` heads, and commit-confirm.
// Nothing here rewrites a document; a rollback is a new revision carrying an old document.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { describe, err, ok, type Problem, type Result } from '../lib/result.ts';
import { diffJson, type DiffEntry } from '../lib/jsondiff.ts';
import { storeError, type StoreError } from './errors.ts';
import { writeTransaction } from './database.ts';

export type RevisionState = 'pending' | 'confirmed' | 'rolled-back';

export interface RevisionSummary {
  readonly number: number;
  /** Epoch milliseconds of the commit. */
  readonly time: number;
  readonly author: string;
  readonly comment: string;
  /** `pending` waits for confirm(); `rolled-back` was never confirmed or was undone while pending. */
  readonly state: RevisionState;
  /** Epoch milliseconds by which a `pending` revision must be confirmed. */
  readonly confirmDeadline?: number;
  /** For a rollback: the revision whose document this one carries. */
  readonly restoredFrom?: number;
}

export interface Revision<D> extends RevisionSummary {
  readonly document: D;
}

export interface CommitRequest {
  readonly document: unknown;
  /** The running revision the edit started from; 0 when the store has no revision yet. */
  readonly base: number;
  readonly author: string;
  readonly comment: string;
  /** Commit-confirm: roll back automatically unless confirm() is called within this time. */
  readonly confirmWithinSeconds?: number;
}

export interface RollbackRequest {
  readonly author: string;
  readonly comment: string;
}

export interface HistoryQuery {
  /** At most this many revisions, newest first (default 50). */
  readonly limit?: number;
  /** Only revisions numbered below this one: pass the last number of a page to get the next. */
  readonly before?: number;
}

export type Validate<D> = (document: unknown) => Result<D, Problem[]>;

/** The author recorded on revisions the store makes by itself (automatic rollbacks). */
export const SYSTEM_AUTHOR = 'v6edge';
const MAX_CONFIRM_SECONDS = 24 * 60 * 60;

interface RevisionRow {
  number: number;
  created_at: number;
  author: string;
  comment: string;
  document: string;
  state: RevisionState;
  confirm_deadline: number | null;
  restored_from: number | null;
}

function summaryOf(row: RevisionRow): RevisionSummary {
  return {
    number: row.number,
    time: row.created_at,
    author: row.author,
    comment: row.comment,
    state: row.state,
    ...(row.confirm_deadline === null ? {} : { confirmDeadline: row.confirm_deadline }),
    ...(row.restored_from === null ? {} : { restoredFrom: row.restored_from }),
  };
}

interface NewRevision {
  readonly json: string;
  readonly author: string;
  readonly comment: string;
  readonly state: 'pending' | 'confirmed';
  readonly confirmDeadline?: number;
  readonly restoredFrom?: number;
}

export interface RevisionLogOptions<D> {
  readonly db: DatabaseSync;
  readonly validate: Validate<D>;
  readonly now: () => number;
  readonly maxDocumentBytes: number;
}

export class RevisionLog<D> {
  readonly #db: DatabaseSync;
  readonly #validate: Validate<D>;
  readonly #now: () => number;
  readonly #maxDocumentBytes: number;
  readonly #byNumber: StatementSync;
  readonly #byHead: StatementSync;
  readonly #setHead: StatementSync;
  readonly #insert: StatementSync;
  readonly #setState: StatementSync;
  readonly #lastConfirmedBefore: StatementSync;
  readonly #history: StatementSync;

  constructor(options: RevisionLogOptions<D>) {
    const db = options.db;
    this.#db = db;
    this.#validate = options.validate;
    this.#now = options.now;
    this.#maxDocumentBytes = options.maxDocumentBytes;
    this.#byNumber = db.prepare('SELECT * FROM revisions WHERE number = ?');
    this.#byHead = db.prepare(
      'SELECT r.* FROM heads h JOIN revisions r ON r.number = h.revision WHERE h.name = ?',
    );
    this.#setHead = db.prepare(
      'INSERT INTO heads (name, revision) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET revision = excluded.revision',
    );
    this.#insert = db.prepare(
      `INSERT INTO revisions (number, created_at, author, comment, document, state, confirm_deadline, restored_from)
       VALUES ((SELECT coalesce(max(number), 0) + 1 FROM revisions), ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    );
    this.#setState = db.prepare('UPDATE revisions SET state = ? WHERE number = ?');
    this.#lastConfirmedBefore = db.prepare(
      "SELECT * FROM revisions WHERE state = 'confirmed' AND number < ? ORDER BY number DESC LIMIT 1",
    );
    this.#history = db.prepare(
      `SELECT number, created_at, author, comment, '' AS document, state, confirm_deadline, restored_from
       FROM revisions WHERE number < ? ORDER BY number DESC LIMIT ?`,
    );
  }

  #row(n: number): RevisionRow | undefined {
    return this.#byNumber.get(n) as RevisionRow | undefined;
  }

  #head(name: 'running' | 'saved'): RevisionRow | undefined {
    return this.#byHead.get(name) as RevisionRow | undefined;
  }

  #revision(row: RevisionRow): Revision<D> {
    return { ...summaryOf(row), document: JSON.parse(row.document) as D };
  }

  /** Validates and serializes a document; a document that fails is refused whole. */
  #prepare(document: unknown, doing: string): Result<string, StoreError> {
    const checked = this.#validate(document);
    if (!checked.ok) {
      const problems = checked.error;
      const first = problems[0];
      const detail = first === undefined ? '' : ` First: ${describe(first)}`;
      return err(
        storeError(
          'invalid',
          `Nothing was ${doing}: the configuration has ${problems.length} problem(s).${detail}`,
          problems,
        ),
      );
    }
    const json = JSON.stringify(checked.value);
    if (json === undefined) return err(storeError('invalid', `Nothing was ${doing}: the configuration is not a JSON value.`));
    const bytes = Buffer.byteLength(json);
    if (bytes > this.#maxDocumentBytes) {
      return err(
        storeError(
          'invalid',
          `Nothing was ${doing}: the configuration is ${bytes} bytes, over the limit of ${this.#maxDocumentBytes}.`,
        ),
      );
    }
    return ok(json);
  }

  #append(entry: NewRevision): RevisionRow {
    const row = this.#insert.get(
      this.#now(),
      entry.author,
      entry.comment,
      entry.json,
      entry.state,
      entry.confirmDeadline ?? null,
      entry.restoredFrom ?? null,
    ) as unknown as RevisionRow;
    this.#setHead.run('running', row.number);
    return row;
  }

  commit(request: CommitRequest): Result<Revision<D>, StoreError> {
    const seconds = request.confirmWithinSeconds;
    if (seconds !== undefined && !(Number.isInteger(seconds) && seconds >= 1 && seconds <= MAX_CONFIRM_SECONDS)) {
      return err(
        storeError('invalid', `confirmWithinSeconds must be a whole number from 1 to ${MAX_CONFIRM_SECONDS}; got ${seconds}.`),
      );
    }
    const prepared = this.#prepare(request.document, 'committed');
    if (!prepared.ok) return prepared;
    return writeTransaction(this.#db, 'commit the configuration', () => {
      const running = this.#head('running');
      const runningNumber = running?.number ?? 0;
      if (runningNumber !== request.base) {
        return err(
          storeError(
            'conflict',
            `Revision ${runningNumber} is running but this edit started from revision ${request.base}; nothing was committed. Reload revision ${runningNumber}, reapply the change and commit again.`,
          ),
        );
      }
      if (seconds !== undefined && running === undefined) {
        return err(
          storeError(
            'invalid',
            'The first revision cannot be commit-confirmed: there is no earlier revision to roll back to. Commit it without a confirm time.',
          ),
        );
      }
      // Committing on top of a pending revision confirms it, as a commit inside a Junos
      // commit-confirmed window does: the operator evidently still reaches the router.
      if (running?.state === 'pending') this.#setState.run('confirmed', running.number);
      const row = this.#append({
        json: prepared.value,
        author: request.author,
        comment: request.comment,
        state: seconds === undefined ? 'confirmed' : 'pending',
        ...(seconds === undefined ? {} : { confirmDeadline: this.#now() + seconds * 1000 }),
      });
      return ok(this.#revision(row));
    });
  }

  /** Confirms the running revision of a commit-confirm before its deadline. */
  confirm(): Result<Revision<D>, StoreError> {
    const expired = this.checkConfirmDeadline();
    if (!expired.ok) return expired;
    if (expired.value !== undefined) {
      return err(
        storeError(
          'expired',
          `The deadline passed before the confirmation arrived; revision ${expired.value.restoredFrom} is running again as revision ${expired.value.number}. Commit the change again.`,
        ),
      );
    }
    return writeTransaction(this.#db, 'confirm the running revision', () => {
      const running = this.#head('running');
      if (running?.state !== 'pending') {
        return err(storeError('not-found', 'No commit is waiting for confirmation.'));
      }
      this.#setState.run('confirmed', running.number);
      return ok(this.#revision({ ...running, state: 'confirmed' }));
    });
  }

  pendingConfirm(): { readonly revision: number; readonly deadline: number } | undefined {
    const running = this.#head('running');
    if (running?.state !== 'pending' || running.confirm_deadline === null) return undefined;
    return { revision: running.number, deadline: running.confirm_deadline };
  }

  /**
   * Rolls back an unconfirmed commit whose deadline has passed. Call it on a timer; it is cheap
   * when nothing is pending. Returns the revision the rollback created, if any.
   */
  checkConfirmDeadline(): Result<Revision<D> | undefined, StoreError> {
    const pending = this.pendingConfirm();
    if (pending === undefined || this.#now() < pending.deadline) return ok(undefined);
    const seconds = Math.round((pending.deadline - this.#revisionTime(pending.revision)) / 1000);
    return this.#rollBackPending(
      (target) =>
        `automatic rollback: revision ${pending.revision} was not confirmed within ${seconds} s; restored revision ${target}`,
    );
  }

  /**
   * At open: a pending revision left by a previous process can no longer be confirmed by the
   * operator who committed it, so the store comes up on the last confirmed revision.
   */
  recoverPendingAtOpen(): Result<Revision<D> | undefined, StoreError> {
    const pending = this.pendingConfirm();
    if (pending === undefined) return ok(undefined);
    return this.#rollBackPending(
      (target) =>
        `automatic rollback: revision ${pending.revision} was still unconfirmed when v6edge restarted; restored revision ${target}`,
    );
  }

  #revisionTime(n: number): number {
    return this.#row(n)?.created_at ?? 0;
  }

  #rollBackPending(reason: (target: number) => string): Result<Revision<D> | undefined, StoreError> {
    return writeTransaction(this.#db, 'roll back the unconfirmed revision', () => {
      // Re-read under the write lock: another connection may have confirmed it meanwhile.
      const running = this.#head('running');
      if (running?.state !== 'pending') return ok(undefined);
      const target = this.#lastConfirmedBefore.get(running.number) as RevisionRow | undefined;
      if (target === undefined) {
        return err(storeError('not-found', `Revision ${running.number} is pending but no confirmed revision precedes it.`));
      }
      this.#setState.run('rolled-back', running.number);
      const row = this.#append({
        json: target.document,
        author: SYSTEM_AUTHOR,
        comment: reason(target.number),
        state: 'confirmed',
        restoredFrom: target.number,
      });
      return ok(this.#revision(row));
    });
  }

  /** A new revision carrying revision `n`'s document, re-validated against today's schema. */
  rollback(n: number, request: RollbackRequest): Result<Revision<D>, StoreError> {
    const target = this.#row(n);
    if (target === undefined) return err(storeError('not-found', `There is no revision ${n} to roll back to.`));
    const prepared = this.#prepare(JSON.parse(target.document), `rolled back to revision ${n}`);
    if (!prepared.ok) return prepared;
    return writeTransaction(this.#db, `roll back to revision ${n}`, () => {
      // An explicit rollback while a commit awaits confirmation undoes that commit.
      const running = this.#head('running');
      if (running?.state === 'pending') this.#setState.run('rolled-back', running.number);
      const row = this.#append({
        json: prepared.value,
        author: request.author,
        comment: request.comment,
        state: 'confirmed',
        restoredFrom: n,
      });
      return ok(this.#revision(row));
    });
  }

  /** Marks the running revision as the one to start from at boot. */
  save(): Result<Revision<D>, StoreError> {
    return writeTransaction(this.#db, 'save the running revision', () => {
      const running = this.#head('running');
      if (running === undefined) return err(storeError('not-found', 'There is no running revision to save.'));
      if (running.state === 'pending') {
        return err(
          storeError(
            'pending-confirm',
            `Revision ${running.number} is awaiting confirmation; confirm it before saving it for boot.`,
          ),
        );
      }
      this.#setHead.run('saved', running.number);
      return ok(this.#revision(running));
    });
  }

  running(): Revision<D> | undefined {
    const row = this.#head('running');
    return row === undefined ? undefined : this.#revision(row);
  }

  saved(): Revision<D> | undefined {
    const row = this.#head('saved');
    return row === undefined ? undefined : this.#revision(row);
  }

  revision(n: number): Result<Revision<D>, StoreError> {
    const row = this.#row(n);
    return row === undefined ? err(storeError('not-found', `There is no revision ${n}.`)) : ok(this.#revision(row));
  }

  history(query: HistoryQuery = {}): RevisionSummary[] {
    const limit = Math.max(0, Math.floor(query.limit ?? 50));
    const before = query.before ?? Number.MAX_SAFE_INTEGER;
    return (this.#history.all(before, limit) as unknown as RevisionRow[]).map(summaryOf);
  }

  /** What changed from revision `a` to revision `b`, path by path. */
  diffRevisions(a: number, b: number): Result<DiffEntry[], StoreError> {
    const from = this.revision(a);
    if (!from.ok) return from;
    const to = this.revision(b);
    if (!to.ok) return to;
    return ok(diffJson(from.value.document, to.value.document));
  }
}
