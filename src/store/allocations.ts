// Prefixes IPAM has handed out, per pool. IPAM decides; the store only remembers, and replaces a
// pool's whole set in one transaction so a crash never leaves half of a re-plan on disk.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { err, ok, type Result } from '../lib/result.ts';
import type { AllocationRecord } from './records.ts';
import { storeError, type StoreError } from './errors.ts';
import { writeTransaction } from './database.ts';

interface AllocationRow {
  pool: string;
  prefix: string;
  owner: string;
  released_at: number | null;
}

function recordOf(row: AllocationRow): AllocationRecord {
  return {
    pool: row.pool,
    owner: row.owner,
    prefix: row.prefix,
    ...(row.released_at === null ? {} : { releasedAt: row.released_at }),
  };
}

function checkAllocation(a: AllocationRecord): StoreError | undefined {
  const bad = (why: string) =>
    storeError('invalid', `Refusing to store allocation ${a.prefix} for ${a.owner} in pool ${a.pool}: ${why}.`);
  if (a.pool === '' || a.owner === '') return bad('pool and owner must not be empty');
  if (!a.prefix.includes('/')) return bad('the prefix needs a length');
  if (a.releasedAt !== undefined && !Number.isSafeInteger(a.releasedAt)) return bad('releasedAt must be whole epoch milliseconds');
  return undefined;
}

export class AllocationStore {
  readonly #db: DatabaseSync;
  readonly #all: StatementSync;
  readonly #upsert: StatementSync;
  readonly #delete: StatementSync;
  readonly #deletePool: StatementSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#all = db.prepare('SELECT * FROM allocations ORDER BY pool, prefix');
    this.#upsert = db.prepare(
      `INSERT INTO allocations (pool, prefix, owner, released_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (pool, prefix) DO UPDATE SET owner = excluded.owner, released_at = excluded.released_at`,
    );
    this.#delete = db.prepare('DELETE FROM allocations WHERE pool = ? AND prefix = ?');
    this.#deletePool = db.prepare('DELETE FROM allocations WHERE pool = ?');
  }

  /** Every allocation, ordered by pool then prefix. */
  loadAll(): AllocationRecord[] {
    return (this.#all.all() as unknown as AllocationRow[]).map(recordOf);
  }

  #write(a: AllocationRecord): void {
    this.#upsert.run(a.pool, a.prefix, a.owner, a.releasedAt ?? null);
  }

  upsert(allocation: AllocationRecord): Result<AllocationRecord, StoreError> {
    const bad = checkAllocation(allocation);
    if (bad !== undefined) return err(bad);
    return writeTransaction(this.#db, `record allocation ${allocation.prefix}`, () => {
      this.#write(allocation);
      return ok(allocation);
    });
  }

  /** Deletes one allocation; `not-found` if it was not there. */
  delete(pool: string, prefix: string): Result<void, StoreError> {
    return writeTransaction(this.#db, `delete allocation ${prefix}`, () => {
      const { changes } = this.#delete.run(pool, prefix);
      return changes === 0
        ? err(storeError('not-found', `Pool ${pool} has no allocation ${prefix}.`))
        : ok(undefined);
    });
  }

  /** Makes `records` the whole content of `pool`, atomically. Every record must name that pool. */
  replacePool(pool: string, records: readonly AllocationRecord[]): Result<number, StoreError> {
    for (const a of records) {
      if (a.pool !== pool) {
        return err(storeError('invalid', `Allocation ${a.prefix} names pool ${a.pool}, not ${pool}; nothing was replaced.`));
      }
      const bad = checkAllocation(a);
      if (bad !== undefined) return err(bad);
    }
    return writeTransaction(this.#db, `replace the allocations of pool ${pool}`, () => {
      this.#deletePool.run(pool);
      const seen = new Set<string>();
      for (const a of records) {
        if (seen.has(a.prefix)) {
          return err(storeError('conflict', `Prefix ${a.prefix} appears twice in pool ${pool}; nothing was replaced.`));
        }
        seen.add(a.prefix);
        this.#write(a);
      }
      return ok(records.length);
    });
  }
}
