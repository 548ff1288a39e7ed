// Group commit for leases. RFC 8415 §18.3 (and Rapid Commit, §18.3.1) means a binding is
// committed before the Reply that announces it leaves; one fsync per lease would cap the server
// at the disk's sync rate. Every lease written in the same turn of the event loop goes into one
// transaction, and each caller's promise settles only after that transaction has committed.
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
}

export class LeaseWriter {
  readonly #leases: LeaseStore;
  #queue: Waiting[] = [];
  #scheduled: NodeJS.Immediate | undefined;
  #transactions = 0;
  #written = 0;

  constructor(leases: LeaseStore) {
    this.#leases = leases;
  }

  /**
   * Queues a lease; resolves once it is on disk (synchronous=FULL), or with the reason it is not.
   * Never rejects: a failed write is an error value like every other store failure.
   */
  write(lease: LeaseRecord): Promise<Result<LeaseRecord, StoreError>> {
    this.#written++;
    // setImmediate runs after the poll phase, so every datagram the loop received in this turn
    // has had its chance to join the batch.
    this.#scheduled ??= setImmediate(() => this.flush());
    return new Promise((settle) => this.#queue.push({ lease, settle }));
  }

  /** Commits whatever is queued now; the store calls it before closing. */
  flush(): void {
    if (this.#scheduled !== undefined) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return;
    this.#transactions++;
    const outcome = this.#leases.upsertBatch(batch.map((w) => w.lease));
    batch.forEach((w, i) => {
      if (!outcome.ok) w.settle(err(outcome.error));
      else w.settle(outcome.value[i] ?? err(storeError('io', 'The lease batch lost a result.')));
    });
  }

  get stats(): LeaseWriterStats {
    return { transactions: this.#transactions, leases: this.#written };
  }
}
