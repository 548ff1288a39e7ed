// The proxy's memory of targets it has probed: alive (answered until the TTL runs out), probing
// (solicitations wait for the probe), dead (a negative cache so a scan of absent addresses does
// not become a probe storm downstream). Bounded: ndppd's sessions expire but are not capped, and
// a flood of solicitations for distinct targets would grow them without end.
//
// Two LRU lists share one cap. Eviction takes the least recently used probing or dead entry
// first and an alive one only when nothing else is left, so a flood of made-up targets cannot
// push out the containers that really exist. A Map keeps insertion order; touching an entry
// re-inserts it, so the first key is always the least recently used.
import type { MacValue } from './wire.ts';

export type SessionState = 'probing' | 'alive' | 'dead';

/** A solicitation waiting for a probe's result. */
export interface Waiter {
  /** The asker's IPv6 source; 0n for a DAD probe (source `::`). */
  readonly source: bigint;
  /** Where the answer goes on the link: the SLLAO if the NS had one, else the frame's source MAC. */
  readonly mac: MacValue;
}

export interface Session {
  readonly upstream: string;
  readonly target: bigint;
  /** The downstream interface probed; undefined until the routing table named one (auto). */
  readonly ifname: string | undefined;
  readonly state: SessionState;
  /** Epoch ms: probe deadline, end of the TTL, or end of the negative cache. */
  readonly expiresAt: number;
  readonly waiters: readonly Waiter[];
}

/**
 * An upstream interface and a target in one bigint: the interface's number above the 128 address
 * bits. A bigint key is found without building and hashing a string for every solicitation.
 */
export type SessionKey = bigint;

export interface SessionTable {
  readonly cap: number;
  readonly alive: Map<SessionKey, Session>;
  readonly pending: Map<SessionKey, Session>;
  /** Numbers given to upstream interface names, in order of first use; as many as the rules name. */
  readonly upstreamIds: Map<string, bigint>;
}

export function sessionKey(t: SessionTable, upstream: string, target: bigint): SessionKey {
  let id = t.upstreamIds.get(upstream);
  if (id === undefined) {
    id = BigInt(t.upstreamIds.size + 1) << 128n;
    t.upstreamIds.set(upstream, id);
  }
  return id | target;
}

export function emptySessions(cap: number): SessionTable {
  if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`the session cap must be a positive integer, not ${cap}`);
  return { cap, alive: new Map(), pending: new Map(), upstreamIds: new Map() };
}

export function sessionCount(t: SessionTable): number {
  return t.alive.size + t.pending.size;
}

/** The session for `key`, marked most recently used; undefined when absent or expired at `now`. */
export function lookup(t: SessionTable, key: SessionKey, now: number): Session | undefined {
  const s = t.alive.get(key) ?? t.pending.get(key);
  if (s === undefined) return undefined;
  // A probing session past its deadline is left for `expire` to turn into a negative entry.
  if (s.state !== 'probing' && s.expiresAt <= now) {
    remove(t, key);
    return undefined;
  }
  const list = s.state === 'alive' ? t.alive : t.pending;
  list.delete(key);
  list.set(key, s);
  return s;
}

export function remove(t: SessionTable, key: SessionKey): Session | undefined {
  const s = t.alive.get(key) ?? t.pending.get(key);
  t.alive.delete(key);
  t.pending.delete(key);
  return s;
}

/**
 * Stores `s` as the most recently used entry under `key`, evicting least recently used entries
 * (probing and dead before alive) while the table is full. Returns the evicted sessions.
 */
export function store(t: SessionTable, key: SessionKey, s: Session): Session[] {
  remove(t, key);
  const evicted: Session[] = [];
  while (sessionCount(t) >= t.cap) {
    const victims = t.pending.size > 0 ? t.pending : t.alive;
    const oldest = victims.keys().next().value;
    if (oldest === undefined) break;
    evicted.push(victims.get(oldest)!);
    victims.delete(oldest);
  }
  (s.state === 'alive' ? t.alive : t.pending).set(key, s);
  return evicted;
}

/** Every session, least recently used first within each list. */
export function allSessions(t: SessionTable): Session[] {
  return [...t.pending.values(), ...t.alive.values()];
}
