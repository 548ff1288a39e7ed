// The versioned config store: one SQLite file holding config revisions, DHCPv6 leases, IPAM
// allocations and small daemon facts. The document type is whatever `validate` accepts; the
// store never persists a document that fails it.
import type { DatabaseSync } from 'node:sqlite';
import { err, ok, type Result } from '../lib/result.ts';
import type { DiffEntry } from '../lib/jsondiff.ts';
import { fromException, storeError, type StoreError } from './errors.ts';
import { DEFAULT_STATE_PATH, openDatabase } from './database.ts';
import { applyMigrations } from './migrations.ts';
import {
  RevisionLog,
  type CommitRequest,
  type HistoryQuery,
  type Revision,
  type RevisionSummary,
  type RollbackRequest,
  type Validate,
} from './revisions.ts';
import { LeaseStore } from './leases.ts';
import { LeaseWriter } from './lease-writer.ts';
import { AllocationStore } from './allocations.ts';
import { MetaStore } from './meta.ts';
import { MAX_DOCUMENT_BYTES } from '../config/limits.ts';
import { OwnedStore } from './owned.ts';

/**
 * A config document larger than this is refused (huge payloads broke Kea: CVE-2026-3608): the
 * config's own document limit, which a 40,000-host fleet fits.
 */
export const DEFAULT_MAX_DOCUMENT_BYTES = MAX_DOCUMENT_BYTES;

export interface OpenStoreOptions<D> {
  /** Default /var/lib/v6edge/state.db. */
  readonly path?: string;
  readonly validate: Validate<D>;
  /** Epoch milliseconds; injected by tests to drive commit-confirm deadlines. */
  readonly now?: () => number;
  readonly busyTimeoutMs?: number;
  /**
   * `daemon` (default) owns the running state: opening rolls back a commit still awaiting
   * confirmation. `tool` (the offline CLI beside a running daemon) leaves it to the daemon.
   */
  readonly role?: 'daemon' | 'tool';
  readonly maxDocumentBytes?: number;
}

export class Store<D> {
  readonly #db: DatabaseSync;
  readonly #log: RevisionLog<D>;
  readonly #meta: MetaStore;
  readonly leases: LeaseStore;
  readonly leaseWriter: LeaseWriter;
  readonly allocations: AllocationStore;
  readonly owned: OwnedStore;
  /** The rollback made at open because a commit was left unconfirmed, if there was one. */
  readonly recoveredAtOpen: Revision<D> | undefined;

  constructor(db: DatabaseSync, log: RevisionLog<D>, now: () => number, recovered: Revision<D> | undefined) {
    this.#db = db;
    this.#log = log;
    this.#meta = new MetaStore(db);
    this.leases = new LeaseStore(db, now);
    this.leaseWriter = new LeaseWriter(this.leases);
    this.allocations = new AllocationStore(db);
    this.owned = new OwnedStore(db);
    this.recoveredAtOpen = recovered;
  }

  /** The connection, for read-only query modules beside the store (lease-queries.ts). */
  get database(): DatabaseSync {
    return this.#db;
  }

  commit(request: CommitRequest): Result<Revision<D>, StoreError> {
    return this.#log.commit(request);
  }

  confirm(): Result<Revision<D>, StoreError> {
    return this.#log.confirm();
  }

  pendingConfirm(): { readonly revision: number; readonly deadline: number } | undefined {
    return this.#log.pendingConfirm();
  }

  checkConfirmDeadline(): Result<Revision<D> | undefined, StoreError> {
    return this.#log.checkConfirmDeadline();
  }

  rollback(n: number, request: RollbackRequest): Result<Revision<D>, StoreError> {
    return this.#log.rollback(n, request);
  }

  save(): Result<Revision<D>, StoreError> {
    return this.#log.save();
  }

  running(): Revision<D> | undefined {
    return this.#log.running();
  }

  saved(): Revision<D> | undefined {
    return this.#log.saved();
  }

  revision(n: number): Result<Revision<D>, StoreError> {
    return this.#log.revision(n);
  }

  history(query?: HistoryQuery): RevisionSummary[] {
    return this.#log.history(query);
  }

  diffRevisions(a: number, b: number): Result<DiffEntry[], StoreError> {
    return this.#log.diffRevisions(a, b);
  }

  getMeta(key: string): unknown {
    return this.#meta.get(key);
  }

  /** `maxBytes`: the JSON size allowed (default MAX_META_BYTES; the config candidate is a whole document). */
  setMeta(key: string, value: unknown, maxBytes?: number): Result<void, StoreError> {
    return this.#meta.set(key, value, maxBytes);
  }

  deleteMeta(key: string): Result<void, StoreError> {
    return this.#meta.delete(key);
  }

  /** SQLite's own consistency check, for `v6edge doctor` and the crash tests. */
  checkIntegrity(): Result<void, StoreError> {
    const rows = this.#db.prepare('PRAGMA integrity_check').all() as { integrity_check: string }[];
    const report = rows.map((r) => r.integrity_check);
    if (report.length === 1 && report[0] === 'ok') return ok(undefined);
    return err(storeError('io', `The state database failed its integrity check: ${report.join('; ')}.`));
  }

  /** Commits queued leases, then closes the file. */
  close(): void {
    this.leaseWriter.flush();
    if (this.#db.isOpen) this.#db.close();
  }
}

export function openStore<D>(options: OpenStoreOptions<D>): Result<Store<D>, StoreError> {
  const now = options.now ?? Date.now;
  const opened = openDatabase({
    path: options.path ?? DEFAULT_STATE_PATH,
    ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
  });
  if (!opened.ok) return opened;
  const db = opened.value;
  const fail = (e: StoreError): Result<never, StoreError> => {
    db.close();
    return err(e);
  };
  try {
    const migrated = applyMigrations(db);
    if (!migrated.ok) return fail(migrated.error);
    const log = new RevisionLog<D>({
      db,
      validate: options.validate,
      now,
      maxDocumentBytes: options.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES,
    });
    // A tool still enforces a deadline that has passed; only the daemon may assume the process
    // that could have confirmed is gone.
    const recovered = (options.role ?? 'daemon') === 'daemon' ? log.recoverPendingAtOpen() : log.checkConfirmDeadline();
    if (!recovered.ok) return fail(recovered.error);
    return ok(new Store<D>(db, log, now, recovered.value));
  } catch (e) {
    return fail(fromException(e, 'prepare the state database'));
  }
}
