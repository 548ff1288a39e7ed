// The server's in-memory picture of the lease table: active bindings and quarantined (declined)
// addresses, loaded from the store at start and updated with every change the server makes, so
// decide() never waits on the database.
//
// Every question asked per request is answered without walking the table: records are indexed by
// link and lease, and by link and client; per-link counts are kept as rows come and go. The maps
// are keyed by the records' own strings (no composite key text per lease), because at 100,000
// leases each extra string per row is megabytes of heap.
import type { LeaseKind, LeaseRecord } from '../../store/records.ts';
import { ExpiryQueue } from './expiry-queue.ts';
import type { LeaseView } from './types.ts';

/** Active rows of one link by kind, whether or not their end has come (the sweep ends them). */
export interface KindCounts {
  na: number;
  pd: number;
}

/** Whether a record still holds its address: active or declined, and not past its end. */
const live = (l: LeaseRecord, now: number): boolean => (l.state === 'active' || l.state === 'declined') && l.expiresAt > now;

const kept = (l: LeaseRecord): boolean => l.state === 'active' || l.state === 'declined';

/** Same store key (iface, DUID, IAID, kind, lease), given the same link and DUID. */
const sameRow = (a: LeaseRecord, b: LeaseRecord): boolean => a.iaid === b.iaid && a.kind === b.kind && a.lease === b.lease;

function inner<V>(outer: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let m = outer.get(key);
  if (m === undefined) outer.set(key, (m = new Map()));
  return m;
}

export class LeaseTable implements LeaseView {
  /** link → lease text → the record holding it. */
  readonly #byLease = new Map<string, Map<string, LeaseRecord>>();
  /** link → client DUID → every kept row of that client (a handful: leasesPerClient caps it). */
  readonly #byClient = new Map<string, Map<string, LeaseRecord[]>>();
  readonly #active = new Map<string, KindCounts>();
  /** link → active rows ending after #horizon: activeCount's answer once lapsed rows are taken off. */
  readonly #live = new Map<string, number>();
  /** Active rows that were live when kept, by end; lapsed ones are taken off #live as time passes. */
  readonly #expiries = new ExpiryQueue();
  /** The latest `now` the live counts account for. */
  #horizon = Number.NEGATIVE_INFINITY;
  #rows = 0;

  constructor(records: Iterable<LeaseRecord> = []) {
    for (const r of records) this.apply(r);
  }

  /** Records a written lease row: active and declined rows are kept, others forgotten. */
  apply(record: LeaseRecord): void {
    const old = this.row(record);
    if (old !== undefined) this.#forget(old);
    if (kept(record)) this.#keep(record);
  }

  /** The kept row with the same store key as `record`, if any (to undo an uncommitted change). */
  row(record: LeaseRecord): LeaseRecord | undefined {
    return this.#byClient.get(record.iface)?.get(record.duid)?.find((r) => sameRow(r, record));
  }

  /** Forgets a row outright (an uncommitted change whose previous row did not exist). */
  remove(record: LeaseRecord): void {
    const old = this.row(record);
    if (old !== undefined) this.#forget(old);
  }

  #keep(r: LeaseRecord): void {
    this.#rows++;
    inner(this.#byLease, r.iface).set(r.lease, r);
    const clients = inner(this.#byClient, r.iface);
    const list = clients.get(r.duid);
    if (list === undefined) clients.set(r.duid, [r]);
    else list.push(r);
    if (r.state !== 'active') return;
    const counts = this.#active.get(r.iface);
    if (counts === undefined) this.#active.set(r.iface, { na: r.kind === 'na' ? 1 : 0, pd: r.kind === 'pd' ? 1 : 0 });
    else counts[r.kind]++;
    if (r.expiresAt > this.#horizon) {
      this.#live.set(r.iface, (this.#live.get(r.iface) ?? 0) + 1);
      this.#expiries.push(r);
      // Replaced rows stay queued until their end; rebuild before they outnumber the kept ones.
      if (this.#expiries.size > 2 * this.#rows + 64) this.#requeue();
    }
  }

  #forget(old: LeaseRecord): void {
    this.#rows--;
    const leases = this.#byLease.get(old.iface);
    if (leases?.get(old.lease) === old) {
      leases.delete(old.lease);
      if (leases.size === 0) this.#byLease.delete(old.iface);
    }
    const clients = this.#byClient.get(old.iface);
    const list = clients?.get(old.duid);
    if (clients !== undefined && list !== undefined) {
      const i = list.indexOf(old);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) clients.delete(old.duid);
      if (clients.size === 0) this.#byClient.delete(old.iface);
    }
    if (old.state !== 'active') return;
    const counts = this.#active.get(old.iface);
    if (counts !== undefined) counts[old.kind]--;
    if (counts !== undefined && counts.na === 0 && counts.pd === 0) this.#active.delete(old.iface);
    if (old.expiresAt > this.#horizon) this.#lapse(old.iface);
  }

  #lapse(link: string): void {
    const n = (this.#live.get(link) ?? 0) - 1;
    if (n === 0) this.#live.delete(link);
    else this.#live.set(link, n);
  }

  /** Whether `r` is the row the table keeps now (not one replaced since it was queued). */
  #current(r: LeaseRecord): boolean {
    return this.#byClient.get(r.iface)?.get(r.duid)?.includes(r) === true;
  }

  /** Takes rows that ended by `now` off the live counts. Time that runs backwards is not undone. */
  #advance(now: number): void {
    if (now <= this.#horizon) return;
    // A row forgotten and kept again (an undone write) is queued twice: count it off once.
    let seen: Set<LeaseRecord> | undefined;
    for (let r = this.#expiries.popDue(now); r !== undefined; r = this.#expiries.popDue(now)) {
      if (seen?.has(r) === true || r.state !== 'active' || !this.#current(r)) continue;
      (seen ??= new Set()).add(r);
      this.#lapse(r.iface);
    }
    this.#horizon = now;
  }

  #requeue(): void {
    this.#expiries.clear();
    for (const r of this.active()) if (r.expiresAt > this.#horizon) this.#expiries.push(r);
  }

  bindings(link: string, duid: string, now: number): readonly LeaseRecord[] {
    return (this.#byClient.get(link)?.get(duid) ?? []).filter((l) => l.state === 'active' && l.expiresAt > now);
  }

  holder(link: string, kind: LeaseKind, lease: string, now: number): LeaseRecord | undefined {
    const l = this.#byLease.get(link)?.get(lease);
    return l !== undefined && l.kind === kind && live(l, now) ? l : undefined;
  }

  /** Active bindings on a link whose end is after `now` (for a `now` no earlier than the last asked). */
  activeCount(link: string, now: number): number {
    this.#advance(now);
    return this.#live.get(link) ?? 0;
  }

  /** Active rows per link and kind, for status. */
  counts(): ReadonlyMap<string, Readonly<KindCounts>> {
    return this.#active;
  }

  /** Active rows, for status and for routes. */
  active(): LeaseRecord[] {
    const out: LeaseRecord[] = [];
    for (const clients of this.#byClient.values()) {
      for (const list of clients.values()) for (const l of list) if (l.state === 'active') out.push(l);
    }
    return out;
  }

  /** The active rows holding `lease` (canonical text), on any link. */
  holding(lease: string): LeaseRecord[] {
    const out: LeaseRecord[] = [];
    for (const leases of this.#byLease.values()) {
      const l = leases.get(lease);
      if (l?.state === 'active') out.push(l);
    }
    return out;
  }
}
