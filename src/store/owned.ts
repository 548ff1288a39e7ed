// The kernel objects the apply loop added and may therefore remove (see migration 3): addresses
// and proxy neighbour entries, by device and canonical text. Changed in one transaction per pass.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { ok, type Result } from '../lib/result.ts';
import type { StoreError } from './errors.ts';
import { writeTransaction } from './database.ts';

export type OwnedKind = 'address' | 'proxy';

export interface OwnedObject {
  readonly kind: OwnedKind;
  readonly dev: string;
  /** An address's CIDR, or a proxy entry's address. */
  readonly value: string;
}

export class OwnedStore {
  readonly #db: DatabaseSync;
  readonly #list: StatementSync;
  readonly #add: StatementSync;
  readonly #remove: StatementSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#list = db.prepare('SELECT kind, dev, value FROM owned ORDER BY kind, dev, value');
    this.#add = db.prepare('INSERT INTO owned (kind, dev, value) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
    this.#remove = db.prepare('DELETE FROM owned WHERE kind = ? AND dev = ? AND value = ?');
  }

  list(): OwnedObject[] {
    return (this.#list.all() as Array<{ kind: OwnedKind; dev: string; value: string }>).map((r) => ({ kind: r.kind, dev: r.dev, value: r.value }));
  }

  /** Records `added` and forgets `removed`, together or not at all. */
  update(added: readonly OwnedObject[], removed: readonly OwnedObject[]): Result<void, StoreError> {
    if (added.length === 0 && removed.length === 0) return ok(undefined);
    return writeTransaction(this.#db, 'record the kernel objects v6edge owns', () => {
      for (const o of removed) this.#remove.run(o.kind, o.dev, o.value);
      for (const o of added) this.#add.run(o.kind, o.dev, o.value);
      return ok(undefined);
    });
  }
}
