// The index IPAM keeps beside its plain list of records: per pool, the held and quarantined
// prefixes as disjoint spans sorted by address, plus lookups by owner. Finding the lowest free
// subnet is then one walk (or a binary search and a short walk) instead of a scan of every
// allocation per candidate.
import type { Problem } from '../lib/result.ts';
import { problem } from '../lib/result.ts';
import type { AllocationRecord } from '../store/records.ts';
import { formatPrefix, lastAddress, parsePrefix, prefixSize, subnetCount } from './prefix.ts';
import type { Prefix } from './prefix.ts';

/** One record with its prefix decoded. */
export interface Entry {
  readonly start: bigint;
  readonly end: bigint;
  readonly prefix: Prefix;
  readonly record: AllocationRecord;
  /** Whether `record.prefix` is the canonical text of `prefix` (IPAM's own are; a stored one may not be). */
  readonly canonical: boolean;
}

/** A pool's index. Mutable only while a workspace is being edited, then frozen in a new state. */
export interface PoolIndex {
  /** Every record of the pool, disjoint, sorted by start. */
  readonly entries: Entry[];
  /** The one live (not released) entry of each owner. */
  readonly live: Map<string, Entry>;
  /**
   * Released entries by owner, oldest first; an owner may hold several after length changes.
   * Each list is replaced on change, never edited, so clones may share them.
   */
  readonly released: Map<string, Entry[]>;
}

export function entryOf(record: AllocationRecord, prefix: Prefix, canonical: boolean): Entry {
  return { start: prefix.network, end: lastAddress(prefix), prefix, record, canonical };
}

/** Whether an entry still keeps others off its prefix at `now`. */
export function isBlocking(e: Entry, now: number, quarantineMs: number): boolean {
  const at = e.record.releasedAt;
  return at === undefined || at + quarantineMs > now;
}

export function emptyPool(): PoolIndex {
  return { entries: [], live: new Map(), released: new Map() };
}

/** A copy that can be edited without touching `p`, which older states still share. */
export function clonePool(p: PoolIndex): PoolIndex {
  // Released lists are replaced, never edited in place, so sharing them is safe.
  return { entries: p.entries.slice(), live: new Map(p.live), released: new Map(p.released) };
}

/** Index of the first entry whose end is at or beyond `address` (ends are sorted too). */
export function firstEndingAtOrAfter(entries: readonly Entry[], address: bigint): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (entries[mid]!.end < address) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Entries overlapping [start, end]: contiguous, since entries are disjoint and sorted. */
export function overlapping(p: PoolIndex, start: bigint, end: bigint): Entry[] {
  const out: Entry[] = [];
  for (let i = firstEndingAtOrAfter(p.entries, start); i < p.entries.length; i++) {
    const e = p.entries[i]!;
    if (e.start > end) break;
    out.push(e);
  }
  return out;
}

/**
 * The lowest /length network in `pool` at or after `from` that no blocking entry overlaps.
 * Spans that no longer block (quarantine over) count as free.
 */
export function lowestFree(
  p: PoolIndex,
  pool: Prefix,
  length: number,
  now: number,
  quarantineMs: number,
  from: bigint = pool.network,
): bigint | undefined {
  const size = prefixSize(length);
  const poolEnd = lastAddress(pool);
  let candidate = from;
  for (let i = firstEndingAtOrAfter(p.entries, candidate); i < p.entries.length; i++) {
    const e = p.entries[i]!;
    if (e.end < candidate || !isBlocking(e, now, quarantineMs)) continue;
    if (e.start > candidate + size - 1n) break;
    candidate = ((e.end + size) / size) * size;
    if (candidate > poolEnd) return undefined;
  }
  return candidate + size - 1n <= poolEnd ? candidate : undefined;
}

export function removeEntry(p: PoolIndex, e: Entry): void {
  const i = firstEndingAtOrAfter(p.entries, e.end);
  if (p.entries[i] === e) p.entries.splice(i, 1);
  const owner = e.record.owner;
  if (p.live.get(owner) === e) p.live.delete(owner);
  const list = p.released.get(owner);
  if (list !== undefined) {
    const rest = list.filter((x) => x !== e);
    if (rest.length === 0) p.released.delete(owner);
    else p.released.set(owner, rest);
  }
}

/**
 * The index of a pool nobody has held yet, filled the way the lowest-free placement in owner
 * order fills it, as arithmetic on the pool's network (no search of the entries, no text parsed
 * back): each owner takes the next /length from the pool's start. A fleet's first pass hands out
 * ~110,000 prefixes this way. Undefined, for the general path to handle (and word any problem),
 * unless the owners are listed once each in ascending order (so none is a duplicate), none has
 * a fixed prefix to place first, the pool can hand out a /length, and there is room for all.
 */
export function consecutivePool(pool: string, poolPrefix: Prefix, length: number, owners: readonly { readonly owner: string; readonly fixed?: Prefix }[]): PoolIndex | undefined {
  if (!Number.isInteger(length) || length < poolPrefix.length || length > 128) return undefined;
  if (BigInt(owners.length) > subnetCount(poolPrefix, length)) return undefined;
  for (let i = 0; i < owners.length; i++) {
    if (owners[i]!.fixed !== undefined || (i > 0 && !(owners[i - 1]!.owner < owners[i]!.owner))) return undefined;
  }
  const p = emptyPool();
  const size = prefixSize(length);
  const span = size - 1n;
  let network = poolPrefix.network;
  for (const { owner } of owners) {
    const prefix = { network, length };
    const e = { start: network, end: network + span, prefix, record: { pool, owner, prefix: formatPrefix(prefix) }, canonical: true };
    p.entries.push(e);
    p.live.set(owner, e);
    network += size;
  }
  return p;
}

/** Adds `e`; the caller has removed whatever overlapped it. */
export function insertEntry(p: PoolIndex, e: Entry): void {
  p.entries.splice(firstEndingAtOrAfter(p.entries, e.start), 0, e);
  const owner = e.record.owner;
  if (e.record.releasedAt === undefined) p.live.set(owner, e);
  else p.released.set(owner, [...(p.released.get(owner) ?? []), e]);
}

export type StateIndex = Map<string, PoolIndex>;

/**
 * Builds the index of a list of records, or the problems that make the list unusable: a prefix
 * that does not parse, two records overlapping in one pool, two live records for one owner.
 */
export function buildIndex(records: readonly AllocationRecord[]): { index: StateIndex; problems: Problem[] } {
  const index: StateIndex = new Map();
  const problems: Problem[] = [];
  for (const record of records) {
    const where = { path: `allocations.${record.pool}.${record.owner}` };
    const parsed = parsePrefix(record.prefix);
    if (!parsed.ok) {
      problems.push(problem('bad-record', `the stored allocation of ${record.owner} in pool ${record.pool} is unusable: ${parsed.error.message}`, where));
      continue;
    }
    let pool = index.get(record.pool);
    if (pool === undefined) index.set(record.pool, (pool = emptyPool()));
    if (record.releasedAt === undefined && pool.live.has(record.owner)) {
      problems.push(problem('duplicate-owner', `${record.owner} holds two prefixes in pool ${record.pool}: ${pool.live.get(record.owner)!.record.prefix} and ${record.prefix}`, where));
      continue;
    }
    const e = entryOf(record, parsed.value, record.prefix === formatPrefix(parsed.value));
    pool.entries.push(e);
    if (record.releasedAt === undefined) pool.live.set(record.owner, e);
    else pool.released.set(record.owner, [...(pool.released.get(record.owner) ?? []), e]);
  }
  for (const [name, pool] of index) {
    pool.entries.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    for (let i = 1; i < pool.entries.length; i++) {
      const a = pool.entries[i - 1]!;
      const b = pool.entries[i]!;
      if (b.start <= a.end) {
        problems.push(problem('overlap', `in pool ${name}, ${formatPrefix(a.prefix)} (${a.record.owner}) and ${formatPrefix(b.prefix)} (${b.record.owner}) overlap`, { path: `allocations.${name}` }));
      }
    }
    for (const list of pool.released.values()) {
      list.sort((a, b) => (a.record.releasedAt ?? 0) - (b.record.releasedAt ?? 0));
    }
  }
  return { index, problems };
}

/** The records of an index: pools in index order, each pool's records by address. */
export function recordsOf(index: StateIndex): AllocationRecord[] {
  const out: AllocationRecord[] = [];
  for (const pool of index.values()) for (const e of pool.entries) out.push(e.record);
  return out;
}
