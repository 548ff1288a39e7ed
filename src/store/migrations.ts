// The schema, as an ordered list of migrations. `PRAGMA user_version` records how many have run;
// each runs in its own transaction together with the version bump, so a crash leaves either the
// old schema or the new one. Append new migrations; never edit one that has shipped.
import type { DatabaseSync } from 'node:sqlite';
import { err, ok, type Result } from '../lib/result.ts';
import { storeError, type StoreError } from './errors.ts';
import { writeTransaction } from './database.ts';

export interface Migration {
  /** 1, 2, 3, … in order; the database's user_version after this one has run. */
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'revisions, heads, meta, leases, allocations',
    sql: `
      CREATE TABLE revisions (
        number INTEGER PRIMARY KEY,
        created_at INTEGER NOT NULL,
        author TEXT NOT NULL,
        comment TEXT NOT NULL,
        document TEXT NOT NULL CHECK (json_valid(document)),
        state TEXT NOT NULL CHECK (state IN ('pending', 'confirmed', 'rolled-back')),
        confirm_deadline INTEGER,
        restored_from INTEGER REFERENCES revisions(number)
      );
      -- Named pointers into the history: 'running' and 'saved' (the one used at boot).
      CREATE TABLE heads (
        name TEXT PRIMARY KEY,
        revision INTEGER NOT NULL REFERENCES revisions(number)
      ) WITHOUT ROWID;
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL CHECK (json_valid(value))
      ) WITHOUT ROWID;
      CREATE TABLE leases (
        iface TEXT NOT NULL,
        duid TEXT NOT NULL,
        iaid INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('na', 'pd')),
        lease TEXT NOT NULL,
        preferred_lifetime INTEGER NOT NULL,
        valid_lifetime INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('active', 'released', 'declined', 'expired')),
        client_link_local TEXT,
        PRIMARY KEY (iface, duid, iaid, kind, lease)
      ) WITHOUT ROWID;
      -- One active binding per address or prefix on a link, whoever asks.
      CREATE UNIQUE INDEX leases_active_binding ON leases (iface, kind, lease) WHERE state = 'active';
      CREATE INDEX leases_by_expiry ON leases (state, expires_at);
      CREATE INDEX leases_by_duid ON leases (duid);
      CREATE TABLE allocations (
        pool TEXT NOT NULL,
        prefix TEXT NOT NULL,
        owner TEXT NOT NULL,
        released_at INTEGER,
        PRIMARY KEY (pool, prefix)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    description: 'lease indexes for keyset pages by state and for the reconcile facts',
    sql: `
      -- A WITHOUT ROWID index carries the primary key after its own columns, so this is
      -- (state, iface, duid, iaid, kind, lease): pages filtered by state come out in key order
      -- with no temporary B-tree (leases_by_expiry sorted every page, quadratic over a table).
      CREATE INDEX leases_by_state ON leases (state);
      -- What every reconcile pass reads: active, unexpired leases of one kind, as a range scan
      -- that never touches the table (the key supplies iface and lease, the index the next hop).
      -- Only active rows are indexed, so released and expired history costs no write here.
      CREATE INDEX leases_active_by_kind ON leases (kind, expires_at, client_link_local) WHERE state = 'active';
    `,
  },
  {
    version: 3,
    description: 'kernel objects the apply loop added and so may remove',
    sql: `
      -- Addresses and proxy neighbour entries carry no owner mark in the kernel (routes carry our
      -- protocol, links our alias): the apply loop records each one it added, so after a restart
      -- it can still remove those the config dropped, and never one somebody else made.
      CREATE TABLE owned (
        kind TEXT NOT NULL CHECK (kind IN ('address', 'proxy')),
        dev TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (kind, dev, value)
      ) WITHOUT ROWID;
    `,
  },
];

export function schemaVersion(db: DatabaseSync): number {
  const row = db.prepare('PRAGMA user_version').get() as { user_version: number } | undefined;
  return row?.user_version ?? 0;
}

/**
 * Brings the database up to the last migration. Each step re-reads user_version under the write
 * lock, so two processes opening a new file at once run each migration exactly once.
 */
export function applyMigrations(
  db: DatabaseSync,
  migrations: readonly Migration[] = MIGRATIONS,
): Result<number, StoreError> {
  const latest = migrations.at(-1)?.version ?? 0;
  const found = schemaVersion(db);
  if (found > latest) {
    return err(
      storeError(
        'newer-schema',
        `The state database has schema version ${found} but this v6edge knows only up to ${latest}; run the newer v6edge or restore a backup.`,
      ),
    );
  }
  for (const m of migrations) {
    const step = writeTransaction(db, `apply schema migration ${m.version} (${m.description})`, () => {
      if (schemaVersion(db) >= m.version) return ok(undefined);
      db.exec(m.sql);
      db.exec(`PRAGMA user_version = ${m.version}`);
      return ok(undefined);
    });
    if (!step.ok) return step;
  }
  return ok(schemaVersion(db));
}
