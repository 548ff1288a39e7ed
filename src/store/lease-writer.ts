// Group commit for leases. RFC 8415 §18.3 (and Rapid Commit, §18.3.1) means a binding is
// committed before the Reply that announces it leaves; one fsync per lease would cap the server
// at the disk's sync rate. Leases queue, and one transaction commits all of them; each caller's
// promise settles only after that transaction has committed.
//
// node:sqlite commits synchronously, so the fsync blocks the event loop and datagrams wait in the
// socket buffer meanwhile. Committing at the end of every loop turn made the batches small
// (libuv reads at most 32 datagrams per socket per turn), and each small batch paid a whole
// fsync. Instead the queue stays open for about as long as the last commit took (bounded by
// MAX_WINDOW_MS, or until MAX_BATCH leases wait): under load a batch grows with the offered rate
// and the loop spends about half its time receiving; when commits are fast (under 1 ms) it
// commits at the end of the turn as before.
import { err, type Result } from '../lib/result.ts';
import type { LeaseRecord } from './records.ts';
import { storeError, type StoreError } from './errors.ts';
import type { LeaseStore } from './leases.ts';

interface Waiting {
  readonly lease: LeaseRecord;
  readonly settle: (result: Result<LeaseRecord, StoreError>) => void;
}

export interface LeaseWriterStats {
  /** Transactions committed (or attempted) so far. */
  readonly transactions: number;
  /** Leases handed to write() so far. */
  readonly leases: number;
  /** The largest batch one transaction carried. */
  readonly largestBatch: number;
}

export interface LeaseWriterOptions {
  /** Longest a lease waits for its batch to fill; default 10 ms. 0 commits at the end of each turn. */
  readonly maxWindowMs?: number;
  /** A batch this large commits at the end of the turn, window or not; default 512. */
  readonly maxBatch?: number;
  /** Monotonic milliseconds, to time commits. */
  readonly clock?: () => number;
}

export const MAX_WINDOW_MS = 10;
export const MAX_BATCH = 512;

export class LeaseWriter {
  readonly #leases: LeaseStore;
  readonly #maxWindowMs: number;
  readonly #maxBatch: number;
  readonly #clock: () => number;
  #queue: Waiting[] = [];
  #immediate: NodeJS.Immediate | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** How long the last commit took, which sets the next window. */
  #lastCommitMs = 0;
  #transactions = 0;
  #written = 0;
  #largest = 0;

  constructor(leases: LeaseStore, options: LeaseWriterOptions = {}) {
    this.#leases = leases;
    this.#maxWindowMs = options.maxWindowMs ?? MAX_WINDOW_MS;
    this.#maxBatch = options.maxBatch ?? MAX_BATCH;
    this.#clock = options.clock ?? (() => performance.now());
  }

  /**
   * Queues a lease; resolves once it is on disk (synchronous=FULL), or with the reason it is not.
   * Never rejects: a failed write is an error value like every other store failure.
   */
  write(lease: LeaseRecord): Promise<Result<LeaseRecord, StoreError>> {
    this.#written++;
    const settled = new Promise<Result<LeaseRecord, StoreError>>((settle) => this.#queue.push({ lease, settle }));
    this.#schedule();
    return settled;
  }

  /** The wait before the next commit: the last commit's duration, whole milliseconds, bounded. */
  get windowMs(): number {
    return Math.min(this.#maxWindowMs, Math.floor(this.#lastCommitMs));
  }

  #schedule(): void {
    if (this.#immediate !== undefined) return;
    const window = this.windowMs;
    if (window < 1 || this.#queue.length >= this.#maxBatch) {
      // setImmediate runs after the poll phase, so every datagram the loop received in this turn
      // has had its chance to join the batch.
      this.#immediate = setImmediate(() => this.flush());
      return;
    }
    this.#timer ??= setTimeout(() => this.flush(), window);
  }

  /** Commits whatever is queued now; the store calls it before closing. */
  flush(): void {
    if (this.#immediate !== undefined) clearImmediate(this.#immediate);
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#immediate = undefined;
    this.#timer = undefined;
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return;
    this.#transactions++;
    this.#largest = Math.max(this.#largest, batch.length);
    const t0 = this.#clock();
    const outcome = this.#leases.upsertBatch(batch.map((w) => w.lease));
    this.#lastCommitMs = this.#clock() - t0;
    batch.forEach((w, i) => {
      if (!outcome.ok) w.settle(err(outcome.error));
      else w.settle(outcome.value[i] ?? err(storeError('io', 'The lease batch lost a result.')));
    });
  }

  get stats(): LeaseWriterStats {
    return { transactions: this.#transactions, leases: this.#written, largestBatch: this.#largest };
  }
}
