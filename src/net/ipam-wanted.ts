// What IPAM is asked for (the full set of owners per pool) and the checks that let a steady-state
// pass skip a pool: settled (nothing to do, found without building anything) and needsWork.
import { problem, type Problem } from '../lib/result.ts';
import { isBlocking, type Entry, type PoolIndex } from './ipam-index.ts';
import { contains, samePrefix, type Prefix } from './prefix.ts';

export interface WantedOwner {
  readonly owner: string;
  readonly fixed?: Prefix;
}

/** The full desired set of owners of one pool; a value, never edited once handed to IPAM. */
export interface WantedPool {
  readonly pool: string;
  readonly poolPrefix: Prefix;
  readonly length: number;
  readonly owners: readonly WantedOwner[];
  readonly quarantineMs?: number;
}

/** Whether a held entry still satisfies a request: inside the pool, and the fixed prefix or the length asked for. */
export function fits(e: Entry, poolPrefix: Prefix, length: number, fixed: Prefix | undefined): boolean {
  if (!contains(poolPrefix, e.prefix)) return false;
  return fixed === undefined ? e.prefix.length === length : samePrefix(fixed, e.prefix);
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function uniqueOwners(wp: WantedPool, problems: Problem[]): Map<string, WantedOwner> {
  const owners = new Map<string, WantedOwner>();
  for (const w of wp.owners) {
    if (owners.has(w.owner)) problems.push(problem('duplicate-owner', `${w.owner} is listed twice in pool ${wp.pool}; only the first is used`));
    else owners.set(w.owner, w);
  }
  return owners;
}

/**
 * The common steady state, checked without building anything: owners listed once each in
 * ascending order (so none is a duplicate to report), each holding a fitting prefix, nobody
 * else holding one, and no quarantine over. A pool that fails this takes the full check.
 */
export function settled(p: PoolIndex, wp: WantedPool, now: number, q: number): boolean {
  if (p.released.size === 0 && settledPairs.get(wp) === p) return true;
  if (!settledNow(p, wp, now, q)) return false;
  // Without quarantined entries the answer does not depend on the time, so it holds for as
  // long as both objects do (a committed pool index is never edited; wanted pools are values).
  if (p.released.size === 0) settledPairs.set(wp, p);
  return true;
}

/** Wanted pools found settled, with the pool index they were found settled against. */
const settledPairs = new WeakMap<WantedPool, PoolIndex>();

function settledNow(p: PoolIndex, wp: WantedPool, now: number, q: number): boolean {
  if (p.live.size !== wp.owners.length) return false;
  let previous: string | undefined;
  for (const w of wp.owners) {
    if (previous !== undefined && compareText(previous, w.owner) >= 0) return false;
    previous = w.owner;
    const held = p.live.get(w.owner);
    if (held === undefined || !fits(held, wp.poolPrefix, wp.length, w.fixed)) return false;
  }
  for (const list of p.released.values()) for (const e of list) if (!isBlocking(e, now, q)) return false;
  return true;
}

/** Whether a pool differs from what is wanted; lets a steady-state pass skip copying it. */
export function needsWork(p: PoolIndex, wp: WantedPool, owners: ReadonlyMap<string, WantedOwner>, now: number, q: number): boolean {
  for (const owner of p.live.keys()) if (!owners.has(owner)) return true;
  for (const w of owners.values()) {
    const held = p.live.get(w.owner);
    if (held === undefined || !fits(held, wp.poolPrefix, wp.length, w.fixed)) return true;
  }
  for (const list of p.released.values()) for (const e of list) if (!isBlocking(e, now, q)) return true;
  return false;
}
