// The lease reads of the daemon's API and apply loop, each answered by one indexed query so a
// read costs the rows it returns, not the table: a keyset page in primary-key order with its
// filters in SQL, the total as a COUNT remembered until the store changes, and the reconcile facts
// (active delegations, active addresses inside proxied prefixes) as range scans of
// leases_active_by_kind. Writes stay in leases.ts; this file only reads.
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import type { Prefix } from '../net/prefix.ts';
import { recordOf, type LeaseKey, type LeaseRow } from './leases.ts';
import type { LeaseRecord, LeaseState } from './records.ts';

export interface LeaseFilter {
  readonly iface?: string;
  readonly duid?: string;
  readonly state?: LeaseState;
  /**
   * Case-insensitive substring of the lease text or the client's link-local address, or of the
   * DUID once `:` and `-` are dropped (DUIDs are stored as bare hex but often typed with colons).
   */
  readonly search?: string;
}

export interface LeasePageQuery extends LeaseFilter {
  /** Page size, 1–1000 (default 100). */
  readonly limit?: number;
  /** The last key of the previous page. */
  readonly after?: LeaseKey;
}

export interface LeasePageResult {
  readonly leases: LeaseRecord[];
  /** Leases matching the filter, over every page. */
  readonly total: number;
  /** Present when more leases follow: pass it as `after`. */
  readonly next?: LeaseKey;
}

/** A statement and its named parameters, so tests can ask SQLite how it would run it. */
export interface BoundQuery {
  readonly sql: string;
  readonly params: Record<string, SQLInputValue>;
}

export const MAX_PAGE = 1000;
const DEFAULT_PAGE = 100;
const KEY_ORDER = 'iface, duid, iaid, kind, lease';
/** Totals remembered per filter until the store next changes; a filter is a UI's query, so few. */
const COUNT_CACHE_LIMIT = 64;

/** `text` as a LIKE pattern matching it anywhere, with LIKE's own characters taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The search words as they are compared: lowercase, and the DUID form without separators. */
export function searchTerms(search: string | undefined): { readonly text: string; readonly duid: string } | undefined {
  const text = search?.trim().toLowerCase() ?? '';
  return text === '' ? undefined : { text, duid: text.replace(/[:-]/g, '') };
}

function filterSql(f: LeaseFilter, params: Record<string, SQLInputValue>): string[] {
  const where: string[] = [];
  if (f.iface !== undefined) {
    where.push('iface = :iface');
    params['iface'] = f.iface;
  }
  if (f.duid !== undefined) {
    where.push('duid = :duid');
    params['duid'] = f.duid;
  }
  if (f.state !== undefined) {
    where.push('state = :state');
    params['state'] = f.state;
  }
  const terms = searchTerms(f.search);
  if (terms !== undefined) {
    // LIKE folds ASCII case; the store keeps lease text and DUIDs in lowercase already.
    const any = ["lease LIKE :text ESCAPE '\\'", "client_link_local LIKE :text ESCAPE '\\'"];
    params['text'] = containsPattern(terms.text);
    if (terms.duid !== '') {
      any.push("duid LIKE :duidText ESCAPE '\\'");
      params['duidText'] = containsPattern(terms.duid);
    }
    where.push(`(${any.join(' OR ')})`);
  }
  return where;
}

const whereClause = (where: readonly string[]): string => (where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`);

/** One page in key order: the filter, then rows after the cursor, limit + 1 to see if more follow. */
export function pageQuery(q: LeasePageQuery): BoundQuery & { readonly limit: number } {
  const limit = Math.min(MAX_PAGE, Math.max(1, Math.floor(q.limit ?? DEFAULT_PAGE)));
  const params: Record<string, SQLInputValue> = { limit: limit + 1 };
  const where = filterSql(q, params);
  if (q.after !== undefined) {
    where.push(`(${KEY_ORDER}) > (:aIface, :aDuid, :aIaid, :aKind, :aLease)`);
    Object.assign(params, { aIface: q.after.iface, aDuid: q.after.duid, aIaid: q.after.iaid, aKind: q.after.kind, aLease: q.after.lease });
  }
  return { sql: `SELECT * FROM leases ${whereClause(where)} ORDER BY ${KEY_ORDER} LIMIT :limit`, params, limit };
}

export function countQuery(f: LeaseFilter): BoundQuery {
  const params: Record<string, SQLInputValue> = {};
  return { sql: `SELECT count(*) AS n FROM leases ${whereClause(filterSql(f, params))}`, params };
}

/** Active, unexpired delegations that have a next hop: the routes of a reconcile pass. */
export function delegationsQuery(now: number): BoundQuery {
  return {
    sql:
      "SELECT iface, duid, lease, client_link_local FROM leases WHERE kind = 'pd' AND state = 'active' AND expires_at > :now " +
      'AND client_link_local IS NOT NULL',
    params: { now },
  };
}

/**
 * The canonical text (RFC 5952 §4) every address inside `p` starts with: its leading non-zero
 * whole groups and a colon. A zero group may be the start of the `::` run, so the text stops
 * before one; at most seven groups, so a colon always follows. '' when nothing is certain.
 */
export function canonicalTextPrefix(p: Prefix): string {
  const groups: string[] = [];
  for (let i = 0; i < Math.min(7, Math.floor(p.length / 16)); i++) {
    const g = Number((p.network >> BigInt(112 - 16 * i)) & 0xffffn);
    if (g === 0) break;
    groups.push(g.toString(16));
  }
  return groups.length === 0 ? '' : `${groups.join(':')}:`;
}

/**
 * Active, unexpired addresses whose text could lie inside one of `prefixes` (at least one): a
 * superset of the addresses inside them (the caller checks containment exactly), found by a
 * range scan of leases_active_by_kind with a text range per prefix.
 */
export function addressesQuery(prefixes: readonly Prefix[], now: number): BoundQuery {
  const params: Record<string, SQLInputValue> = { now };
  const texts = prefixes.map(canonicalTextPrefix);
  // Strings that start with TEXT are exactly those in [TEXT, TEXT with its last ':' raised to ';').
  const ranges = texts.includes('') ? [] : texts.map((text, i) => {
    params[`lo${i}`] = text;
    params[`hi${i}`] = `${text.slice(0, -1)};`;
    return `(lease >= :lo${i} AND lease < :hi${i})`;
  });
  return {
    sql:
      "SELECT lease FROM leases WHERE kind = 'na' AND state = 'active' AND expires_at > :now" +
      (ranges.length === 0 ? '' : ` AND (${ranges.join(' OR ')})`),
    params,
  };
}

/** The reads, with their statements prepared once per connection. */
export class LeaseQueries {
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();
  readonly #stamp: StatementSync;
  readonly #dataVersion: StatementSync;
  #counts = new Map<string, number>();
  #countsStamp = '';

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#stamp = db.prepare('SELECT total_changes() AS n');
    this.#dataVersion = db.prepare('PRAGMA data_version');
  }

  #run(q: BoundQuery): unknown[] {
    let stmt = this.#statements.get(q.sql);
    if (stmt === undefined) {
      stmt = this.#db.prepare(q.sql);
      this.#statements.set(q.sql, stmt);
    }
    return stmt.all(q.params);
  }

  /**
   * Changes when anything is written: total_changes() counts this connection's row changes and
   * data_version moves when another connection (the offline CLI) commits.
   */
  #changeStamp(): string {
    const mine = (this.#stamp.get() as { n: number }).n;
    const others = (this.#dataVersion.get() as { data_version: number }).data_version;
    return `${mine}/${others}`;
  }

  /** How many leases match `f`; remembered until the store next changes. */
  count(f: LeaseFilter): number {
    const stamp = this.#changeStamp();
    if (stamp !== this.#countsStamp || this.#counts.size >= COUNT_CACHE_LIMIT) {
      this.#counts = new Map();
      this.#countsStamp = stamp;
    }
    const key = JSON.stringify([f.iface, f.duid, f.state, searchTerms(f.search)?.text]);
    const known = this.#counts.get(key);
    if (known !== undefined) return known;
    const n = (this.#run(countQuery(f))[0] as { n: number }).n;
    this.#counts.set(key, n);
    return n;
  }

  page(q: LeasePageQuery): LeasePageResult {
    const bound = pageQuery(q);
    const rows = this.#run(bound) as LeaseRow[];
    const leases = rows.slice(0, bound.limit).map(recordOf);
    const last = leases.at(-1);
    const more = rows.length > bound.limit && last !== undefined;
    // A first page that holds every match has counted them already.
    const total = q.after === undefined && !more ? leases.length : this.count(q);
    if (!more) return { leases, total };
    return { leases, total, next: { iface: last.iface, duid: last.duid, iaid: last.iaid, kind: last.kind, lease: last.lease } };
  }

  /** Active, unexpired delegations with their next hop, as of `now`. */
  activeDelegations(now: number): { readonly iface: string; readonly duid: string; readonly prefix: string; readonly via: string }[] {
    const rows = this.#run(delegationsQuery(now)) as { iface: string; duid: string; lease: string; client_link_local: string }[];
    return rows.map((r) => ({ iface: r.iface, duid: r.duid, prefix: r.lease, via: r.client_link_local }));
  }

  /** Active, unexpired leased addresses that may lie inside `prefixes` (check containment). */
  activeAddressesNear(prefixes: readonly Prefix[], now: number): string[] {
    if (prefixes.length === 0) return [];
    return (this.#run(addressesQuery(prefixes, now)) as { lease: string }[]).map((r) => r.lease);
  }
}

const perConnection = new WeakMap<DatabaseSync, LeaseQueries>();

/** The one LeaseQueries of a connection, so its prepared statements and totals are shared. */
export function leaseQueries(db: DatabaseSync): LeaseQueries {
  let q = perConnection.get(db);
  if (q === undefined) {
    q = new LeaseQueries(db);
    perConnection.set(db, q);
  }
  return q;
}
