// The server's in-memory picture of the lease table: active bindings and quarantined (declined)
// addresses, loaded from the store at start and updated with every change the server makes, so
// decide() never waits on the database.
import type { LeaseKind, LeaseRecord } from '../../store/records.ts';
import type { LeaseView } from './types.ts';

const rowKey = (l: LeaseRecord): string => `${l.iface}|${l.duid}|${l.iaid}|${l.kind}|${l.lease}`;
const leaseKey = (link: string, kind: LeaseKind, lease: string): string => `${link}|${kind}|${lease}`;
const clientKey = (link: string, duid: string): string => `${link}|${duid}`;

/** Whether a record still holds its address: active or declined, and not past its end. */
const live = (l: LeaseRecord, now: number): boolean => (l.state === 'active' || l.state === 'declined') && l.expiresAt > now;

export class LeaseTable implements LeaseView {
  /** Every kept record by its store key. */
  readonly #rows = new Map<string, LeaseRecord>();
  readonly #byLease = new Map<string, LeaseRecord>();
  readonly #byClient = new Map<string, Map<string, LeaseRecord>>();

  constructor(records: Iterable<LeaseRecord> = []) {
    for (const r of records) this.apply(r);
  }

  /** Records a written lease row: active and declined rows are kept, others forgotten. */
  apply(record: LeaseRecord): void {
    const key = rowKey(record);
    const old = this.#rows.get(key);
    if (old !== undefined) this.#forget(key, old);
    if (record.state !== 'active' && record.state !== 'declined') return;
    this.#rows.set(key, record);
    this.#byLease.set(leaseKey(record.iface, record.kind, record.lease), record);
    if (record.state === 'active') {
      const ck = clientKey(record.iface, record.duid);
      let set = this.#byClient.get(ck);
      if (set === undefined) this.#byClient.set(ck, (set = new Map()));
      set.set(key, record);
    }
  }

  #forget(key: string, old: LeaseRecord): void {
    this.#rows.delete(key);
    const lk = leaseKey(old.iface, old.kind, old.lease);
    if (this.#byLease.get(lk) === old) this.#byLease.delete(lk);
    const ck = clientKey(old.iface, old.duid);
    const set = this.#byClient.get(ck);
    set?.delete(key);
    if (set?.size === 0) this.#byClient.delete(ck);
  }

  /** The kept row with the same store key as `record`, if any (to undo an uncommitted change). */
  row(record: LeaseRecord): LeaseRecord | undefined {
    return this.#rows.get(rowKey(record));
  }

  /** Forgets a row outright (an uncommitted change whose previous row did not exist). */
  remove(record: LeaseRecord): void {
    const key = rowKey(record);
    const old = this.#rows.get(key);
    if (old !== undefined) this.#forget(key, old);
  }

  bindings(link: string, duid: string, now: number): readonly LeaseRecord[] {
    return [...(this.#byClient.get(clientKey(link, duid))?.values() ?? [])].filter((l) => live(l, now));
  }

  holder(link: string, kind: LeaseKind, lease: string, now: number): LeaseRecord | undefined {
    const l = this.#byLease.get(leaseKey(link, kind, lease));
    return l !== undefined && live(l, now) ? l : undefined;
  }

  activeCount(link: string, now: number): number {
    let n = 0;
    for (const l of this.#rows.values()) if (l.iface === link && l.state === 'active' && l.expiresAt > now) n++;
    return n;
  }

  /** Active rows, for status and for routes. */
  active(): LeaseRecord[] {
    return [...this.#rows.values()].filter((l) => l.state === 'active');
  }

  /** The active rows holding `lease` (canonical text), on any link. */
  holding(lease: string): LeaseRecord[] {
    return [...this.#rows.values()].filter((l) => l.state === 'active' && l.lease === lease);
  }

  /** Rows whose end has come (active or declined), for the sweep. */
  due(now: number): LeaseRecord[] {
    return [...this.#rows.values()].filter((l) => l.expiresAt <= now);
  }
}
