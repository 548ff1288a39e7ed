// Container hosts as the planners need them: every prefix resolved, from the config when fixed
// and from IPAM allocations otherwise. A host whose prefix is not allocated yet is reported and
// left out, so one missing allocation never blocks the rest of a pass.
//
// Each commit parses a new config, so every host is a new object even when one host of 10,000
// changed. A host resolved before is therefore recognised by value: the same config (compared
// as data) and the same allocation records hand back the same ResolvedHost object, which lets
// the route and filter builders reuse what they derived from it (they key on its identity).
import { problem, type Problem } from '../lib/result.ts';
import type { Config, HostConfig } from '../config/schema.ts';
import type { AllocationRecord } from '../store/records.ts';
import { portRange } from '../config/host-rules.ts';
import { indexedLookup, type IndexedLookup } from '../net/ipam.ts';
import { canonicalPrefix, MEMO_LIMIT, plainCanonicalAddress, plainPrefixRange, prefixRange, type PrefixRange } from './canonical.ts';
import { blockOf, type Block } from './prefix-blocks.ts';

export interface ResolvedNetwork {
  readonly name: string;
  readonly prefix: string;
}

export interface PublishedTarget {
  readonly protocol: 'tcp' | 'udp';
  /** Destination prefix in canonical text (canonicalPrefix): a container network, or one address as a /128. */
  readonly prefix: string;
  readonly ports: readonly [number, number];
}

export interface ResolvedHost {
  readonly name: string;
  readonly iface: string;
  readonly nextHop: string;
  readonly prefix: string;
  readonly networks: readonly ResolvedNetwork[];
  readonly published: readonly PublishedTarget[];
}

/** IPAM pool names (see src/store/records.ts): `hosts`, and `host:NAME` for a host's networks. */
export const HOST_POOL = 'hosts';
export const networkPool = (host: string): string => `host:${host}`;

/**
 * Live allocations: the host pool by owner, and every other pool as its records in list order
 * (a host's networks are resolved from its own pool's handful). One walk of the list.
 */
interface Held {
  readonly hosts: ReadonlyMap<string, AllocationRecord>;
  readonly pools: ReadonlyMap<string, readonly AllocationRecord[]>;
}

function heldPrefixes(allocations: readonly AllocationRecord[]): Held {
  const hosts = new Map<string, AllocationRecord>();
  const pools = new Map<string, AllocationRecord[]>();
  for (const a of allocations) {
    if (a.releasedAt !== undefined) continue;
    if (a.pool === HOST_POOL) {
      hosts.set(a.owner, a);
      continue;
    }
    const pool = pools.get(a.pool);
    if (pool === undefined) pools.set(a.pool, [a]);
    else pool.push(a);
  }
  return { hosts, pools };
}

/**
 * A prefix's canonical text with its range: `canonicalPrefix(text)` is the range's text, or the
 * text unchanged when it is not a prefix (no range then).
 */
interface Placed {
  readonly text: string;
  readonly range: PrefixRange | undefined;
}

function placed(text: string): Placed {
  // Not through the range memo: the result is kept with the resolved host, which is reused
  // while the host is unchanged, so a cold pass would only fill the memo with ~110,000 texts
  // nobody looks up again (a Map that size costs more than the parses it would save).
  const range = plainPrefixRange(text);
  return { text: range?.text ?? text, range };
}

/**
 * An allocation's prefix. IPAM has just decoded the prefixes it handed out, and wrote their
 * text canonical (src/net/ipam.ts indexedLookup), so a record it indexed needs no parse; any
 * other record's text is parsed, which also canonicalises it.
 */
function placedRecord(r: AllocationRecord, lookup: IndexedLookup): Placed {
  const e = lookup(r);
  if (e === undefined) return placed(r.prefix);
  return { text: r.prefix, range: { text: r.prefix, network: e.start, last: e.end, length: e.prefix.length } };
}

/** Whether `owner` is `HOST/NET`, the owner allocations.ts names a host's network, without building that text. */
function ownedAs(owner: string, host: string, net: string): boolean {
  return owner.length === host.length + 1 + net.length && owner.charCodeAt(host.length) === SLASH && owner.startsWith(host) && owner.endsWith(net);
}

const SLASH = 0x2f;

/**
 * The allocation of each of `nets` (a host's networks, sorted by name), or undefined. The owner
 * is `HOST/NET`, else a bare `NET`; of two records of one owner, the later wins. IPAM lists a
 * pool by address and hands a host's networks out in name order, so the records usually line
 * up with the names one to one and no map of owners is needed.
 */
function poolRecords(host: string, nets: readonly (readonly [string, unknown])[], pool: readonly AllocationRecord[]): readonly (AllocationRecord | undefined)[] {
  if (pool.length === nets.length && nets.every(([net], i) => ownedAs(pool[i]!.owner, host, net))) return pool;
  const byOwner = new Map(pool.map((r) => [r.owner, r]));
  return nets.map(([net]) => byOwner.get(`${host}/${net}`) ?? byOwner.get(net));
}

const byName = ([a]: readonly [string, unknown], [b]: readonly [string, unknown]): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A resolved host's prefix and networks as a block (prefix-blocks.ts), for the route and set
 * builders; `complete` is false when one of the texts is not a prefix (so it is missing).
 */
export interface HostPrefixes {
  readonly block: Block<PrefixRange> | undefined;
  /** The host prefix's own range, one of the block's items. */
  readonly own: PrefixRange | undefined;
  readonly complete: boolean;
}

const hostPrefixesMemo = new WeakMap<ResolvedHost, HostPrefixes>();

function prefixesFrom(ranges: readonly (PrefixRange | undefined)[]): HostPrefixes {
  const known = ranges.filter((r) => r !== undefined);
  return { block: blockOf(known, itself), own: ranges[0], complete: known.length === ranges.length };
}

const itself = (r: PrefixRange): PrefixRange => r;

/** The block of `h.prefix` and `h.networks`, kept per host object. */
export function hostPrefixes(h: ResolvedHost): HostPrefixes {
  let made = hostPrefixesMemo.get(h);
  if (made === undefined) {
    made = prefixesFrom([prefixRange(h.prefix), ...h.networks.map((n) => prefixRange(n.prefix))]);
    hostPrefixesMemo.set(h, made);
  }
  return made;
}

function resolveHost(name: string, h: HostConfig, hostRecord: AllocationRecord | undefined, pool: readonly AllocationRecord[], lookup: IndexedLookup, problems: Problem[]): ResolvedHost | undefined {
  const own = h.prefix !== undefined ? placed(h.prefix) : hostRecord === undefined ? undefined : placedRecord(hostRecord, lookup);
  if (own === undefined) {
    problems.push(problem('not-allocated', `Host ${name} has no prefix yet (IPAM has not allocated one); its routes and filters wait for it.`, { path: `hosts.${name}` }));
    return undefined;
  }
  const networks: ResolvedNetwork[] = [];
  const ranges = [own.range];
  const entries = Object.entries(h.networks).sort(byName);
  const held = poolRecords(name, entries, pool);
  for (let i = 0; i < entries.length; i++) {
    const [net, n] = entries[i]!;
    const fixed = n.prefix;
    const record = held[i];
    const p = fixed !== undefined ? placed(fixed) : record === undefined ? undefined : placedRecord(record, lookup);
    if (p === undefined) {
      problems.push(problem('not-allocated', `Network ${net} of host ${name} has no prefix yet (IPAM has not allocated one).`, { path: `hosts.${name}.networks.${net}` }));
    } else {
      networks.push({ name: net, prefix: p.text });
      ranges.push(p.range);
    }
  }
  const published: PublishedTarget[] = [];
  for (const p of h.publishedPorts) {
    const target = p.address !== undefined ? canonicalPrefix(p.address) : networks.find((n) => n.name === p.network)?.prefix;
    if (target !== undefined) published.push({ protocol: p.protocol, prefix: target, ports: portRange(p.port) });
  }
  // The plain form: kept with the host, the text would only fill the memo (see placed).
  const resolved = { name, iface: h.interface, nextHop: plainCanonicalAddress(h.nextHop), prefix: own.text, networks, published };
  hostPrefixesMemo.set(resolved, prefixesFrom(ranges));
  return resolved;
}

/** Whether two JSON-shaped values (what the schema outputs) are equal; walks keys without listing them. */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let keys = 0;
  for (const k in x) {
    if (!Object.hasOwn(y, k) || !sameData(x[k], y[k])) return false;
    keys++;
  }
  for (const _ in y) keys--;
  return keys === 0;
}

function sameRecords(a: readonly AllocationRecord[], b: readonly AllocationRecord[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y && (x.owner !== y.owner || x.prefix !== y.prefix)) return false;
  }
  return true;
}

/** What a host was resolved from, and the result; only hosts resolved without problems are kept. */
interface Remembered {
  readonly config: HostConfig;
  readonly hostPrefix: string | undefined;
  readonly pool: readonly AllocationRecord[];
  readonly resolved: ResolvedHost;
}

/** The last resolution of each host name; bounded like the text memos, pruned to the hosts of the latest config. */
const remembered = new Map<string, Remembered>();

function pruneRemembered(config: Config): void {
  if (remembered.size <= MEMO_LIMIT && remembered.size <= 2 * Object.keys(config.hosts).length + 1024) return;
  for (const name of remembered.keys()) if (config.hosts[name] === undefined) remembered.delete(name);
  if (remembered.size > MEMO_LIMIT) remembered.clear();
}

const NO_RECORDS: readonly AllocationRecord[] = [];

/** Every host of `config` with its prefixes, in name order, and what could not be resolved. */
export function resolveHosts(config: Config, allocations: readonly AllocationRecord[]): { hosts: ResolvedHost[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const hosts: ResolvedHost[] = [];
  const held = heldPrefixes(allocations);
  const lookup = indexedLookup(allocations);
  for (const name of Object.keys(config.hosts).sort()) {
    const h = config.hosts[name]!;
    const hostRecord = held.hosts.get(name);
    const hostPrefix = hostRecord?.prefix;
    const pool = held.pools.get(networkPool(name)) ?? NO_RECORDS;
    const before = remembered.get(name);
    if (before !== undefined && before.hostPrefix === hostPrefix && sameRecords(before.pool, pool) && sameData(before.config, h)) {
      hosts.push(before.resolved);
      continue;
    }
    const count = problems.length;
    const r = resolveHost(name, h, hostRecord, pool, lookup, problems);
    if (r === undefined) continue;
    hosts.push(r);
    if (problems.length === count) remembered.set(name, { config: h, hostPrefix, pool, resolved: r });
    else remembered.delete(name);
  }
  pruneRemembered(config);
  return { hosts, problems };
}

/** Forgets every remembered host (tests use it to compare cold and warm results). */
export function clearResolvedHosts(): void {
  remembered.clear();
}
