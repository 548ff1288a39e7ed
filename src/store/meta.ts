// Small facts a daemon keeps across restarts (the DHCPv6 server DUID, prefixes RA has advertised
// so a reboot can still withdraw them per RFC 9096), stored as JSON under a key.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { err, ok, type Result } from '../lib/result.ts';
import { storeError, type StoreError } from './errors.ts';
import { writeTransaction } from './database.ts';

/** Values must survive JSON unchanged; keep them small (this is not a second config store). */
export const MAX_META_BYTES = 64 * 1024;

export class MetaStore {
  readonly #db: DatabaseSync;
  readonly #get: StatementSync;
  readonly #set: StatementSync;
  readonly #delete: StatementSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#get = db.prepare('SELECT value FROM meta WHERE key = ?');
    this.#set = db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
    this.#delete = db.prepare('DELETE FROM meta WHERE key = ?');
  }

  /** The value stored under `key`, parsed from JSON; the caller validates its shape. */
  get(key: string): unknown {
    const row = this.#get.get(key) as { value: string } | undefined;
    return row === undefined ? undefined : JSON.parse(row.value);
  }

  /** Stores `value` under `key`; a value over `maxBytes` as JSON is refused, and nothing changes. */
  set(key: string, value: unknown, maxBytes = MAX_META_BYTES): Result<void, StoreError> {
    const json = JSON.stringify(value);
    if (key === '' || json === undefined) {
      return err(storeError('invalid', `Cannot store meta value for key "${key}": it needs a key and a JSON value.`));
    }
    const bytes = Buffer.byteLength(json);
    if (bytes > maxBytes) {
      return err(storeError('invalid', `Nothing was stored: the value for "${key}" is ${bytes} bytes as JSON, over the limit of ${maxBytes}.`));
    }
    return writeTransaction(this.#db, `store meta value ${key}`, () => {
      this.#set.run(key, json);
      return ok(undefined);
    });
  }

  delete(key: string): Result<void, StoreError> {
    return writeTransaction(this.#db, `delete meta value ${key}`, () => {
      this.#delete.run(key);
      return ok(undefined);
    });
  }
}
