// IPAM: per-host prefixes carved from a pool, per-container-network prefixes carved from a
// host's prefix. Pure: the state is the plain list of AllocationRecords the store persists, and
// every operation returns a new list. An index of each list is memoised (a WeakMap keyed by the
// list), so a run of operations each costs one copy of the list, not a rebuild and a full scan.
//
// The rules: an owner keeps what it holds; a new owner takes the lowest free subnet; fixed
// prefixes are placed first and win over quarantine; a released prefix stays out of reach of
// other owners for the quarantine period, but its old owner gets it back on asking again.
import { err, ok, problem } from '../lib/result.ts';
import type { Problem, Result } from '../lib/result.ts';
import type { AllocationRecord } from '../store/records.ts';
import {
  buildIndex,
  clonePool,
  consecutivePool,
  emptyPool,
  entryOf,
  insertEntry,
  isBlocking,
  lowestFree,
  overlapping,
  recordsOf,
  removeEntry,
} from './ipam-index.ts';
import type { Entry, PoolIndex, StateIndex } from './ipam-index.ts';
import { contains, formatPrefix, lastAddress, prefixSize, subnetCount } from './prefix.ts';
import type { Prefix } from './prefix.ts';
import { compareText, fits, needsWork, settled, uniqueOwners, type WantedPool } from './ipam-wanted.ts';

export type { WantedOwner, WantedPool } from './ipam-wanted.ts';

export type IpamState = readonly AllocationRecord[];

export const DEFAULT_QUARANTINE_MS = 24 * 60 * 60 * 1000;

export interface AllocationRequest {
  readonly pool: string;
  readonly poolPrefix: Prefix;
  /** Length of the prefix to hand out (ignored when `fixed` is given). */
  readonly length: number;
  readonly owner: string;
  /** A configured prefix for this owner; reserved and honoured as long as it overlaps nobody's live one. */
  readonly fixed?: Prefix;
  /** Epoch milliseconds. */
  readonly now: number;
  readonly quarantineMs?: number;
}

export interface Allocated {
  readonly state: IpamState;
  readonly record: AllocationRecord;
}

/**
 * The memoised index of a state. `inOrder` says the list is laid out as `recordsOf(index)`
 * would lay it out, so one pool's records can be spliced in place of its old ones.
 */
interface Memo {
  readonly index: StateIndex;
  readonly inOrder: boolean;
}

const memos = new WeakMap<IpamState, Memo>();

function memoOf(state: IpamState): Result<Memo> {
  const cached = memos.get(state);
  if (cached !== undefined) return ok(cached);
  const built = buildIndex(state);
  const first = built.problems[0];
  if (first !== undefined) {
    const more = built.problems.length > 1 ? ` (and ${built.problems.length - 1} more problems)` : '';
    return err(problem(first.code, `${first.message}${more}`, first.where));
  }
  const laidOut = recordsOf(built.index);
  const memo = { index: built.index, inOrder: laidOut.every((r, i) => r === state[i]) };
  memos.set(state, memo);
  return ok(memo);
}

/** Problems that stop IPAM from using a stored list (unparsable, overlapping or duplicate records). */
export function validateAllocations(state: IpamState): Problem[] {
  return buildIndex(state).problems;
}

/**
 * A new state with `changed` pools replacing theirs (empty pools dropped). The index moves to
 * the new state rather than being copied: a later call on the old state rebuilds its own, so
 * every state still answers correctly, and a chain of operations pays for one list copy each.
 */
function commit(state: IpamState, memo: Memo, changed: ReadonlyMap<string, PoolIndex>): IpamState {
  const { index } = memo;
  memos.delete(state);
  let next: IpamState | undefined;
  const only = changed.size === 1 ? [...changed][0] : undefined;
  if (memo.inOrder && only !== undefined) next = splicePool(state, index.get(only[0]), only[1]);
  for (const [name, pool] of changed) {
    if (pool.entries.length === 0) index.delete(name);
    else index.set(name, pool);
  }
  next ??= recordsOf(index);
  memos.set(next, { index, inOrder: true });
  return next;
}

/** `state` with one pool's records replaced; a new pool goes last, as `recordsOf` puts it. */
function splicePool(state: IpamState, before: PoolIndex | undefined, after: PoolIndex): IpamState {
  const records = after.entries.map((e) => e.record);
  const first = before?.entries[0];
  if (before === undefined || first === undefined) return state.concat(records);
  const at = state.indexOf(first.record);
  return state.slice(0, at).concat(records, state.slice(at + before.entries.length));
}

function liveRecord(pool: string, owner: string, prefix: Prefix): AllocationRecord {
  return { pool, owner, prefix: formatPrefix(prefix) };
}

/** Marks the owner's live entry released at `now`; returns the released record. */
function releaseIn(p: PoolIndex, owner: string, now: number): AllocationRecord | undefined {
  const held = p.live.get(owner);
  if (held === undefined) return undefined;
  removeEntry(p, held);
  const record: AllocationRecord = { ...held.record, releasedAt: now };
  insertEntry(p, entryOf(record, held.prefix, held.canonical));
  return record;
}

/** Drops released entries whose quarantine is over: nobody needs them kept any more. */
function pruneExpired(p: PoolIndex, now: number, quarantineMs: number): number {
  let pruned = 0;
  for (const list of [...p.released.values()]) {
    for (const e of list) {
      if (isBlocking(e, now, quarantineMs)) continue;
      removeEntry(p, e);
      pruned++;
    }
  }
  return pruned;
}

/** Takes `prefix` for `owner`, clearing released entries under it (their quarantine is over or overridden). */
function take(p: PoolIndex, pool: string, owner: string, prefix: Prefix): AllocationRecord {
  for (const e of overlapping(p, prefix.network, lastAddress(prefix))) removeEntry(p, e);
  const record = liveRecord(pool, owner, prefix);
  insertEntry(p, entryOf(record, prefix, true));
  return record;
}

/** Search state carried between allocations of one reconcile pass: where each length's search resumes. */
type Cursors = Map<number, bigint>;

/** The core of allocation on a workspace; the owner has no fitting live entry. */
function place(p: PoolIndex, req: AllocationRequest, quarantineMs: number, cursors: Cursors): Result<AllocationRecord> {
  const { pool, poolPrefix, owner, fixed, now } = req;
  if (fixed !== undefined) return placeFixed(p, req, fixed);
  // The owner's own released prefix, newest first: stability across release and re-request.
  const mine = p.released.get(owner) ?? [];
  for (let i = mine.length - 1; i >= 0; i--) {
    const e = mine[i]!;
    if (e.prefix.length === req.length && contains(poolPrefix, e.prefix)) return ok(take(p, pool, owner, e.prefix));
  }
  const from = cursors.get(req.length) ?? poolPrefix.network;
  const network = lowestFree(p, poolPrefix, req.length, now, quarantineMs, from);
  if (network === undefined) {
    const count = subnetCount(poolPrefix, req.length);
    return err(
      problem(
        'exhausted',
        `pool ${pool} (${formatPrefix(poolPrefix)}) has no free /${req.length} for ${owner}: all ${count} are allocated or quarantined; widen the pool or release some`,
      ),
    );
  }
  cursors.set(req.length, network + prefixSize(req.length));
  return ok(take(p, pool, owner, { network, length: req.length }));
}

function placeFixed(p: PoolIndex, req: AllocationRequest, fixed: Prefix): Result<AllocationRecord> {
  const { pool, poolPrefix, owner } = req;
  if (!contains(poolPrefix, fixed)) {
    return err(problem('outside-pool', `the fixed prefix ${formatPrefix(fixed)} of ${owner} is outside pool ${pool} (${formatPrefix(poolPrefix)})`));
  }
  const clash = overlapping(p, fixed.network, lastAddress(fixed)).find((e) => e.record.releasedAt === undefined && e.record.owner !== owner);
  if (clash !== undefined) {
    return err(
      problem('overlap', `the fixed prefix ${formatPrefix(fixed)} of ${owner} overlaps ${clash.record.prefix}, held by ${clash.record.owner} in pool ${pool}`),
    );
  }
  return ok(take(p, pool, owner, fixed));
}

/** Allocation on a workspace: keep what fits, else release it and place anew. */
function allocateIn(p: PoolIndex, req: AllocationRequest, quarantineMs: number, cursors: Cursors): Result<{ record: AllocationRecord; changed: boolean; released?: AllocationRecord }> {
  if (!Number.isInteger(req.length) || req.length < req.poolPrefix.length || req.length > 128) {
    return err(problem('bad-length', `pool ${req.pool} (${formatPrefix(req.poolPrefix)}) cannot hand out a /${req.length}; the length must be ${req.poolPrefix.length}–128`));
  }
  const held = p.live.get(req.owner);
  if (held !== undefined && fits(held, req.poolPrefix, req.length, req.fixed)) return ok({ record: held.record, changed: false });
  if (held === undefined) {
    const placed = place(p, req, quarantineMs, cursors);
    return placed.ok ? ok({ record: placed.value, changed: true }) : placed;
  }
  // Moving: quarantine the old prefix, and if no new one can be had, keep the old one.
  const released = releaseIn(p, req.owner, req.now)!;
  const placed = place(p, req, quarantineMs, cursors);
  if (placed.ok) return ok({ record: placed.value, changed: true, released });
  removeEntry(p, p.released.get(req.owner)!.at(-1)!);
  insertEntry(p, held);
  return placed;
}

/** Gives `owner` a prefix in `pool`: the one it holds, its own quarantined one, the fixed one, or the lowest free. */
export function allocate(state: IpamState, req: AllocationRequest): Result<Allocated> {
  const memo = memoOf(state);
  if (!memo.ok) return memo;
  const index = { value: memo.value.index };
  const before = index.value.get(req.pool);
  const held = before?.live.get(req.owner);
  if (held !== undefined && fits(held, req.poolPrefix, req.length, req.fixed)) return ok({ state, record: held.record });
  const p = before === undefined ? emptyPool() : clonePool(before);
  const result = allocateIn(p, req, req.quarantineMs ?? DEFAULT_QUARANTINE_MS, new Map());
  if (!result.ok) return result;
  return ok({ state: commit(state, memo.value, new Map([[req.pool, p]])), record: result.value.record });
}

export interface Released {
  readonly state: IpamState;
  /** The record as released, or undefined when the owner held nothing (releasing is idempotent). */
  readonly record: AllocationRecord | undefined;
}

/** Releases `owner`'s prefix in `pool`; it stays quarantined, recorded with `releasedAt = now`. */
export function release(state: IpamState, pool: string, owner: string, now: number): Result<Released> {
  const memo = memoOf(state);
  if (!memo.ok) return memo;
  const index = { value: memo.value.index };
  const before = index.value.get(pool);
  if (before === undefined || !before.live.has(owner)) return ok({ state, record: undefined });
  const p = clonePool(before);
  const record = releaseIn(p, owner, now);
  return ok({ state: commit(state, memo.value, new Map([[pool, p]])), record });
}

/** Finds the index entry of a live record: see `indexedLookup`. */
export type IndexedLookup = (record: AllocationRecord) => Entry | undefined;

/**
 * Finds live records of `state` in the index IPAM holds for it (it made or read the state) with
 * their decoded prefix, when their text is canonical: a caller need not parse again the
 * ~110,000 texts IPAM just wrote. Finds nothing for a state not indexed; builds no index.
 */
export function indexedLookup(state: IpamState): IndexedLookup {
  const index = memos.get(state)?.index;
  if (index === undefined) return () => undefined;
  return (record) => {
    const e = index.get(record.pool)?.live.get(record.owner);
    return e !== undefined && e.record === record && e.canonical ? e : undefined;
  };
}

/** The live allocations of `pool`, by address. */
export function allocationsOf(state: IpamState, pool: string): AllocationRecord[] {
  const memo = memoOf(state);
  if (!memo.ok) return state.filter((r) => r.pool === pool && r.releasedAt === undefined);
  return (memo.value.index.get(pool)?.entries ?? []).filter((e) => e.record.releasedAt === undefined).map((e) => e.record);
}

export interface Reconciled {
  /** The new list; the same list object when nothing changed. */
  readonly state: IpamState;
  readonly allocated: readonly AllocationRecord[];
  readonly released: readonly AllocationRecord[];
  /** Owners that could not be given a prefix, and why; the rest of the pass still applies. */
  readonly problems: readonly Problem[];
}

/**
 * Makes the allocations match `wanted`, the full desired set: owners no longer wanted (in a
 * listed pool or a pool no longer listed) are released; missing ones are allocated, fixed
 * prefixes first, then the rest in owner order, so the outcome does not depend on the order
 * of `wanted`. Fails only when the stored state itself is unusable.
 */
export function reconcileAllocations(
  state: IpamState,
  wanted: readonly WantedPool[],
  now: number,
  options: { readonly quarantineMs?: number } = {},
): Result<Reconciled> {
  const memo = memoOf(state);
  if (!memo.ok) return memo;
  const index = { value: memo.value.index };
  const defaultQuarantine = options.quarantineMs ?? DEFAULT_QUARANTINE_MS;
  const changed = new Map<string, PoolIndex>();
  const allocated: AllocationRecord[] = [];
  const released: AllocationRecord[] = [];
  const problems: Problem[] = [];
  const byName = new Map<string, WantedPool>();
  for (const wp of wanted) {
    if (byName.has(wp.pool)) problems.push(problem('duplicate-pool', `pool ${wp.pool} is listed twice; only the first is used`));
    else byName.set(wp.pool, wp);
  }
  for (const name of [...byName.keys()].sort()) {
    const wp = byName.get(name)!;
    const q = wp.quarantineMs ?? defaultQuarantine;
    const before = index.value.get(name);
    if (before !== undefined && settled(before, wp, now, q)) continue;
    const fresh = before === undefined ? consecutivePool(name, wp.poolPrefix, wp.length, wp.owners) : undefined;
    if (fresh !== undefined) {
      for (const e of fresh.entries) allocated.push(e.record);
      if (fresh.entries.length > 0) changed.set(name, fresh);
      continue;
    }
    const owners = uniqueOwners(wp, problems);
    if (before !== undefined && !needsWork(before, wp, owners, now, q)) continue;
    const p = before === undefined ? emptyPool() : clonePool(before);
    const changesBefore = allocated.length + released.length;
    const pruned = pruneExpired(p, now, q);
    for (const owner of [...p.live.keys()]) {
      if (!owners.has(owner)) released.push(releaseIn(p, owner, now)!);
    }
    const order = [...owners.values()].sort((a, b) => Number(b.fixed !== undefined) - Number(a.fixed !== undefined) || compareText(a.owner, b.owner));
    const cursors: Cursors = new Map();
    for (const w of order) {
      const req: AllocationRequest = { pool: name, poolPrefix: wp.poolPrefix, length: wp.length, owner: w.owner, now, ...(w.fixed === undefined ? {} : { fixed: w.fixed }) };
      const r = allocateIn(p, req, q, cursors);
      if (!r.ok) problems.push(problem(r.error.code, r.error.message, { path: `${name}.${w.owner}` }));
      else if (r.value.changed) {
        allocated.push(r.value.record);
        if (r.value.released !== undefined) released.push(r.value.released);
      }
    }
    // A pass whose only outcome is problems (say, exhaustion) leaves the state as it was.
    if (pruned > 0 || allocated.length + released.length > changesBefore) changed.set(name, p);
  }
  for (const [name, before] of index.value) {
    if (byName.has(name)) continue;
    if (before.live.size === 0 && ![...before.entries].some((e) => !isBlocking(e, now, defaultQuarantine))) continue;
    const p = clonePool(before);
    pruneExpired(p, now, defaultQuarantine);
    for (const owner of [...p.live.keys()]) released.push(releaseIn(p, owner, now)!);
    changed.set(name, p);
  }
  const next = changed.size === 0 ? state : commit(state, memo.value, changed);
  return ok({ state: next, allocated, released, problems });
}
