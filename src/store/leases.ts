// The DHCPv6 lease table: bindings keyed by (iface, DUID, IAID, kind, lease), with the queries the
// server and the UI need. Writes that must be durable before a Reply go through LeaseWriter.
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { err, ok, type Result } from '../lib/result.ts';
import type { LeaseKind, LeaseRecord, LeaseState } from './records.ts';
import { isConstraint, storeError, type StoreError } from './errors.ts';
import { writeTransaction } from './database.ts';

export interface LeaseKey {
  readonly iface: string;
  readonly duid: string;
  readonly iaid: number;
  readonly kind: LeaseKind;
  readonly lease: string;
}

export interface LeaseQuery {
  readonly iface?: string;
  readonly duid?: string;
  readonly state?: LeaseState;
  /** Page size, 1–1000 (default 100). */
  readonly limit?: number;
  /** The `next` key of the previous page. */
  readonly after?: LeaseKey;
}

export interface LeasePage {
  readonly leases: LeaseRecord[];
  /** Present when more leases match: pass it as `after` for the next page. */
  readonly next?: LeaseKey;
}

const MAX_PAGE = 1000;
const UINT32_MAX = 0xffffffff;
// RFC 8415 §11.1: a DUID is a 2-octet type and at most 128 octets more. Kea CVE-2019-6472 came
// from accepting longer ones; the server should refuse them before here, the store again.
const MAX_DUID_HEX = 2 * (2 + 128);
const LEASE_STATES: readonly LeaseState[] = ['active', 'released', 'declined', 'expired'];

/** A `leases` row as node:sqlite returns it. */
export interface LeaseRow {
  iface: string;
  duid: string;
  iaid: number;
  kind: LeaseKind;
  lease: string;
  preferred_lifetime: number;
  valid_lifetime: number;
  expires_at: number;
  state: LeaseState;
  client_link_local: string | null;
}

/** A row as the record the rest of the code uses. */
export function recordOf(row: LeaseRow): LeaseRecord {
  return {
    iface: row.iface,
    duid: row.duid,
    iaid: row.iaid,
    kind: row.kind,
    lease: row.lease,
    preferredLifetime: row.preferred_lifetime,
    validLifetime: row.valid_lifetime,
    expiresAt: row.expires_at,
    state: row.state,
    ...(row.client_link_local === null ? {} : { clientLinkLocal: row.client_link_local }),
  };
}

function isUint32(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= UINT32_MAX;
}

/** Why a lease record cannot be stored, or undefined when it can. */
export function checkLease(l: LeaseRecord): StoreError | undefined {
  const where = `lease ${l.lease} for DUID ${l.duid} on ${l.iface}`;
  const bad = (why: string) => storeError('invalid', `Refusing to store ${where}: ${why}.`);
  if (l.iface === '') return bad('the interface name is empty');
  if (!/^[0-9a-f]+$/.test(l.duid) || l.duid.length % 2 !== 0 || l.duid.length < 6 || l.duid.length > MAX_DUID_HEX) {
    return bad('the DUID must be 3 to 130 octets as lowercase hex');
  }
  if (!isUint32(l.iaid)) return bad('the IAID must be a 32-bit unsigned integer');
  if (l.kind !== 'na' && l.kind !== 'pd') return bad(`kind must be na or pd, not ${String(l.kind)}`);
  if (l.kind === 'na' && l.lease.includes('/')) return bad('an IA_NA lease is an address without a prefix length');
  if (l.kind === 'pd' && !l.lease.includes('/')) return bad('an IA_PD lease is a prefix with a length');
  if (!isUint32(l.preferredLifetime) || !isUint32(l.validLifetime)) return bad('lifetimes must be 32-bit unsigned integers');
  // RFC 8415 §21.6 and §21.22: a preferred lifetime longer than the valid lifetime is invalid.
  if (l.preferredLifetime > l.validLifetime) return bad('the preferred lifetime exceeds the valid lifetime');
  if (!Number.isSafeInteger(l.expiresAt)) return bad('expiresAt must be whole epoch milliseconds');
  if (!LEASE_STATES.includes(l.state)) return bad(`unknown state ${String(l.state)}`);
  return undefined;
}

export class LeaseStore {
  readonly #db: DatabaseSync;
  readonly #now: () => number;
  readonly #upsert: StatementSync;
  readonly #get: StatementSync;
  readonly #expire: StatementSync;
  readonly #lists = new Map<string, StatementSync>();

  constructor(db: DatabaseSync, now: () => number) {
    this.#db = db;
    this.#now = now;
    this.#upsert = db.prepare(
      `INSERT INTO leases (iface, duid, iaid, kind, lease, preferred_lifetime, valid_lifetime, expires_at, state, client_link_local)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (iface, duid, iaid, kind, lease) DO UPDATE SET
         preferred_lifetime = excluded.preferred_lifetime, valid_lifetime = excluded.valid_lifetime,
         expires_at = excluded.expires_at, state = excluded.state, client_link_local = excluded.client_link_local`,
    );
    this.#get = db.prepare('SELECT * FROM leases WHERE iface = ? AND duid = ? AND iaid = ? AND kind = ? AND lease = ?');
    // Declined addresses sit in quarantine until their expiry too (RFC 8415 §18.3.8), then free up.
    this.#expire = db.prepare(
      `UPDATE leases SET state = 'expired' WHERE state IN ('active', 'declined') AND expires_at <= ? RETURNING *`,
    );
  }

  /**
   * Writes one lease inside the caller's transaction; a clash becomes an error value. No savepoint
   * is needed: a statement that fails a constraint backs out only its own change and leaves the
   * transaction open (SQLite's default ABORT resolution), so the rest of a batch still commits.
   */
  writeInTransaction(lease: LeaseRecord): Result<LeaseRecord, StoreError> {
    const bad = checkLease(lease);
    if (bad !== undefined) return err(bad);
    try {
      this.#upsert.run(
        lease.iface,
        lease.duid,
        lease.iaid,
        lease.kind,
        lease.lease,
        lease.preferredLifetime,
        lease.validLifetime,
        lease.expiresAt,
        lease.state,
        lease.clientLinkLocal ?? null,
      );
      return ok(lease);
    } catch (e) {
      if (isConstraint(e)) {
        return err(
          storeError('conflict', `${lease.lease} on ${lease.iface} is already actively leased to another client.`),
        );
      }
      throw e;
    }
  }

  /**
   * Writes a batch in one transaction (one fsync). The outer result fails only when the
   * transaction does; each lease has its own result, so one bad lease fails only its caller.
   */
  upsertBatch(leases: readonly LeaseRecord[]): Result<Result<LeaseRecord, StoreError>[], StoreError> {
    return writeTransaction(this.#db, `write ${leases.length} lease(s)`, () =>
      ok(leases.map((l) => this.writeInTransaction(l))),
    );
  }

  upsert(lease: LeaseRecord): Result<LeaseRecord, StoreError> {
    const batch = this.upsertBatch([lease]);
    if (!batch.ok) return batch;
    return batch.value[0] ?? err(storeError('io', 'The lease write returned no result.'));
  }

  get(key: LeaseKey): LeaseRecord | undefined {
    const row = this.#get.get(key.iface, key.duid, key.iaid, key.kind, key.lease) as LeaseRow | undefined;
    return row === undefined ? undefined : recordOf(row);
  }

  #listStatement(query: LeaseQuery): StatementSync {
    const where: string[] = [];
    if (query.iface !== undefined) where.push('iface = :iface');
    if (query.duid !== undefined) where.push('duid = :duid');
    if (query.state !== undefined) where.push('state = :state');
    if (query.after !== undefined) {
      where.push('(iface, duid, iaid, kind, lease) > (:aIface, :aDuid, :aIaid, :aKind, :aLease)');
    }
    const sql =
      `SELECT * FROM leases ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`} ` +
      'ORDER BY iface, duid, iaid, kind, lease LIMIT :limit';
    let stmt = this.#lists.get(sql);
    if (stmt === undefined) {
      stmt = this.#db.prepare(sql);
      this.#lists.set(sql, stmt);
    }
    return stmt;
  }

  /** Leases matching every given filter, in key order, one page at a time. */
  list(query: LeaseQuery = {}): LeasePage {
    const limit = Math.min(MAX_PAGE, Math.max(1, Math.floor(query.limit ?? 100)));
    const params: Record<string, SQLInputValue> = { limit: limit + 1 };
    if (query.iface !== undefined) params['iface'] = query.iface;
    if (query.duid !== undefined) params['duid'] = query.duid;
    if (query.state !== undefined) params['state'] = query.state;
    if (query.after !== undefined) {
      params['aIface'] = query.after.iface;
      params['aDuid'] = query.after.duid;
      params['aIaid'] = query.after.iaid;
      params['aKind'] = query.after.kind;
      params['aLease'] = query.after.lease;
    }
    const rows = this.#listStatement(query).all(params) as unknown as LeaseRow[];
    const leases = rows.slice(0, limit).map(recordOf);
    const last = leases.at(-1);
    if (rows.length <= limit || last === undefined) return { leases };
    const next: LeaseKey = { iface: last.iface, duid: last.duid, iaid: last.iaid, kind: last.kind, lease: last.lease };
    return { leases, next };
  }

  /** Marks active and declined leases whose valid lifetime has ended as expired; returns them. */
  expire(now: number = this.#now()): Result<LeaseRecord[], StoreError> {
    return writeTransaction(this.#db, 'expire leases', () =>
      ok((this.#expire.all(now) as unknown as LeaseRow[]).map(recordOf)),
    );
  }

  #counts(column: 'iface' | 'duid', state: LeaseState): Map<string, number> {
    const rows = this.#db
      .prepare(`SELECT ${column} AS k, count(*) AS n FROM leases WHERE state = ? GROUP BY ${column} ORDER BY ${column}`)
      .all(state) as unknown as { k: string; n: number }[];
    return new Map(rows.map((r) => [r.k, r.n]));
  }

  /** Leases in `state` (default active) per interface. */
  countsByIface(state: LeaseState = 'active'): Map<string, number> {
    return this.#counts('iface', state);
  }

  /** Leases in `state` (default active) per client DUID, for per-client limits (RFC 8415 §22). */
  countsByDuid(state: LeaseState = 'active'): Map<string, number> {
    return this.#counts('duid', state);
  }
}
