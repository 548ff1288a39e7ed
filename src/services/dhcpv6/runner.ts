// The DHCPv6 server's thin edge: one socket per served interface; each datagram is decoded,
// checked, decided, its lease rows committed, and only then answered (RFC 8415 §18.3: a binding
// the client is told about is on disk). Counts every message and every drop; sweeps expired leases.
// A new config applies live (reconfigure): the next message is decided with it, and only the
// sockets of interfaces that start or stop being served, or whose addresses changed, move.
import { EventEmitter } from 'node:events';
import { networkInterfaces } from 'node:os';
import type { Config } from '../../config/schema.ts';
import { openDhcp6ServerSocket, type Dhcp6MessageInfo, type Dhcp6ServerSocket } from '../../io/udp.ts';
import { err, ok, problem, type Problem, type Result } from '../../lib/result.ts';
import { macBytes, parseDhcp6, serializeDhcp6, type Duid } from '../../proto/dhcpv6/index.ts';
import type { LeaseStore } from '../../store/leases.ts';
import type { LeaseWriter } from '../../store/lease-writer.ts';
import type { StoreError } from '../../store/errors.ts';
import type { LeaseRecord, LeaseState } from '../../store/records.ts';
import { leaseRoutesOf, type LeaseRoute } from '../../reconcile/desired.ts';
import { decide } from './decide.ts';
import { LeaseTable } from './lease-table.ts';
import { LinkSockets, type OpenSocket } from './link-sockets.ts';
import { canonicalLease, listenAddressesFromConfig, serverLinksFromConfig } from './links.ts';
import { loadOrCreateServerDuid, makeServerDuid } from './server-duid.ts';
import type { LeaseAction, LeaseChange, ServerLink } from './types.ts';

/** The parts of the store the server uses. */
export interface ServerStore {
  readonly leases: LeaseStore;
  readonly leaseWriter: LeaseWriter;
  getMeta(key: string): unknown;
  setMeta(key: string, value: unknown): Result<void, StoreError>;
}

export interface Dhcpv6ServerOptions {
  readonly store: ServerStore;
  readonly config: Config;
  /**
   * Opens one interface's server socket; node:dgram on ff02::1:2%IF plus the interface's unicast
   * addresses (for relay agents) by default.
   */
  readonly openSocket?: OpenSocket;
  /** Epoch milliseconds. */
  readonly now?: () => number;
  /** How often expired leases are swept; default 5 s. */
  readonly sweepIntervalMs?: number;
  /** Makes the server DUID the first time; DUID-LLT from a served interface's MAC by default. */
  readonly makeDuid?: () => Duid;
}

/** What the rest of the system hears: a lease bound, renewed, released, declined or expired. */
export interface LeaseEvent {
  readonly action: LeaseAction | 'expire';
  readonly lease: LeaseRecord;
}

export interface Dhcpv6Status {
  /** Active leases per link and kind (the pools of that link). */
  readonly leases: Record<string, { readonly na: number; readonly pd: number }>;
  readonly drops: Record<string, number>;
  readonly messages: Record<string, number>;
  readonly replies: number;
}

const PAGE = 1000;

/**
 * Receive buffer per socket: room for a few thousand queued Solicits while a group commit holds
 * the event loop (its fsync runs there). Linux grants at most net.core.rmem_max (see openDhcp6ServerSocket).
 */
const RECV_BUFFER_BYTES = 4 * 1024 * 1024;

function bump(counter: Map<string, number>, key: string): void {
  counter.set(key, (counter.get(key) ?? 0) + 1);
}

/** Every lease row in `state`, page by page. */
function loadState(leases: LeaseStore, state: LeaseState): LeaseRecord[] {
  const out: LeaseRecord[] = [];
  let page = leases.list({ state, limit: PAGE });
  out.push(...page.leases);
  while (page.next !== undefined) {
    page = leases.list({ state, limit: PAGE, after: page.next });
    out.push(...page.leases);
  }
  return out;
}

/** A MAC of one of the served interfaces, for a DUID-LLT. */
function macOf(links: Iterable<ServerLink>): Uint8Array | undefined {
  const ifs = networkInterfaces();
  for (const link of links) {
    const mac = ifs[link.name]?.[0]?.mac;
    const bytes = mac === undefined ? undefined : macBytes(mac);
    if (bytes !== undefined) return bytes;
  }
  return undefined;
}

export class Dhcpv6Server extends EventEmitter<{ lease: [LeaseEvent]; error: [Error] }> {
  readonly #store: ServerStore;
  #links: ReadonlyMap<string, ServerLink>;
  #listen: ReadonlyMap<string, readonly string[]>;
  readonly #sockets: LinkSockets;
  readonly #now: () => number;
  readonly #sweepMs: number;
  readonly #makeDuid: () => Duid;
  readonly #table = new LeaseTable();
  readonly #drops = new Map<string, number>();
  readonly #messages = new Map<string, number>();
  #replies = 0;
  #serverDuid: Duid | undefined;
  #sweep: NodeJS.Timeout | undefined;
  #started = false;

  constructor(options: Dhcpv6ServerOptions) {
    super();
    this.#store = options.store;
    this.#links = serverLinksFromConfig(options.config);
    this.#listen = listenAddressesFromConfig(options.config);
    const open = options.openSocket ?? ((ifname, unicast) => openDhcp6ServerSocket({ ifname, unicast, recvBufferSize: RECV_BUFFER_BYTES }));
    this.#sockets = new LinkSockets(open, {
      message: (bytes, info, socket) => void this.handle(bytes, info, socket),
      error: (e) => {
        bump(this.#drops, 'socket-error');
        this.emit('error', e);
      },
    });
    this.#now = options.now ?? Date.now;
    this.#sweepMs = options.sweepIntervalMs ?? 5000;
    this.#makeDuid = options.makeDuid ?? (() => makeServerDuid(macOf(this.#links.values()), new Date(this.#now())));
  }

  /** Loads the server DUID and the lease table, then opens a socket per served interface. */
  async start(): Promise<Result<void, Problem>> {
    const duid = loadOrCreateServerDuid(this.#store, this.#makeDuid);
    if (!duid.ok) return duid;
    this.#serverDuid = duid.value;
    for (const state of ['active', 'declined'] as const) for (const l of loadState(this.#store.leases, state)) this.#table.apply(l);
    this.sweep();
    const failed = this.#report(await this.#sockets.sync(this.#listen));
    if (failed !== undefined) {
      await this.stop();
      return err(failed);
    }
    this.#started = true;
    this.#sweep = setInterval(() => {
      this.sweep();
      void this.#sockets.retry().then((p) => {
        const failed = this.#report(p);
        if (failed !== undefined) this.#warn(new Error(failed.message));
      });
    }, this.#sweepMs);
    this.#sweep.unref();
    return ok(undefined);
  }

  /**
   * Serves `config` from the next message on: pools, options, lifetimes and reservations at once;
   * sockets opened or closed only where an interface starts or stops being served (or its unicast
   * addresses changed). Leases are untouched: one the new pools no longer cover is answered with
   * lifetimes 0 when its client next renews or rebinds (RFC 8415 §18.3.4, §18.3.5), and a link no
   * longer served keeps its leases until they expire. Fails only when a socket cannot be opened;
   * the other interfaces are served all the same.
   */
  async reconfigure(config: Config): Promise<Result<void, Problem>> {
    this.#links = serverLinksFromConfig(config);
    this.#listen = listenAddressesFromConfig(config);
    if (!this.#started) return ok(undefined);
    const failed = this.#report(await this.#sockets.sync(this.#listen));
    return failed === undefined ? ok(undefined) : err(failed);
  }

  /**
   * An operator ends a lease (an address or a prefix, any text form): every active binding of it
   * is marked released on disk, then announced, so a delegated prefix loses its route. The client
   * is not told; its next Renew gets NoBinding (§18.3.4) and it starts over.
   */
  async release(lease: string): Promise<Result<LeaseRecord[], Problem>> {
    const key = canonicalLease(lease);
    if (key === undefined) return err(problem('bad-lease', `${lease} is neither an IPv6 address nor a prefix.`));
    const held = this.#table.holding(key);
    if (held.length === 0) return err(problem('not-found', `No active lease holds ${key}.`));
    const now = this.#now();
    const changes: LeaseChange[] = held.map((l) => ({
      action: 'release',
      lease: { ...l, state: 'released', preferredLifetime: 0, validLifetime: 0, expiresAt: now },
    }));
    if (!(await this.#commit(changes))) return err(problem('store', `The release of ${key} could not be written; the lease is unchanged.`));
    for (const c of changes) this.emit('lease', { action: c.action, lease: c.lease });
    return ok(changes.map((c) => c.lease));
  }

  /** The unicast addresses bound for relay agents on each served interface. */
  unicastAddresses(): Record<string, readonly string[]> {
    return Object.fromEntries(this.#sockets.interfaces().map((name) => [name, this.#sockets.unicast(name)]));
  }

  /**
   * Counts what the socket changes could not do and announces the unicast binds that failed (they
   * are retried); returns the first failure that leaves an interface unserved, for the caller.
   */
  #report(problems: readonly Problem[]): Problem | undefined {
    for (const p of problems) {
      const unicast = p.code === 'unicast-bind';
      bump(this.#drops, unicast ? 'unicast-bind-failed' : 'socket-open-failed');
      if (unicast) this.#warn(new Error(p.message));
    }
    return problems.find((p) => p.code !== 'unicast-bind');
  }

  /** An 'error' event, when someone listens (an unheard one would throw in the timer). */
  #warn(e: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', e);
  }

  get serverDuid(): Duid | undefined {
    return this.#serverDuid;
  }

  /** One datagram, start to finish; resolves once it is answered or dropped. */
  async handle(bytes: Uint8Array, info: Dhcp6MessageInfo, socket: Dhcp6ServerSocket): Promise<void> {
    const serverDuid = this.#serverDuid;
    if (serverDuid === undefined) return;
    const parsed = parseDhcp6(bytes);
    if (!parsed.ok) {
      bump(this.#messages, 'malformed');
      bump(this.#drops, `malformed:${parsed.error.code}`);
      return;
    }
    const now = this.#now();
    const d = decide(this.#table, parsed.value, { iface: info.ifname, source: info.source, multicast: info.multicast, serverDuid, links: this.#links }, now);
    bump(this.#messages, d.messageType);
    if (d.drop !== undefined || d.reply === undefined || d.replyTo === undefined) {
      bump(this.#drops, d.drop ?? 'no-reply');
      return;
    }
    const wire = serializeDhcp6(d.reply);
    if (!wire.ok) {
      bump(this.#drops, 'serialize-failed');
      return;
    }
    if (!(await this.#commit(d.changes))) {
      bump(this.#drops, 'commit-failed');
      return;
    }
    try {
      await socket.reply(wire.value, d.replyTo.address, d.replyTo.port, info.local);
      this.#replies++;
    } catch (e) {
      bump(this.#drops, 'send-failed');
      this.emit('error', e as Error);
    }
    for (const c of d.changes) this.emit('lease', { action: c.action, lease: c.lease });
  }

  /**
   * Writes the rows through the group-committing writer. The table takes them at once, so a
   * packet decided while this one waits for the disk sees its bindings; a failed write is undone.
   */
  async #commit(changes: readonly LeaseChange[]): Promise<boolean> {
    if (changes.length === 0) return true;
    const before = changes.map((c) => this.#table.row(c.lease));
    for (const c of changes) this.#table.apply(c.lease);
    const results = await Promise.all(changes.map((c) => this.#store.leaseWriter.write(c.lease)));
    if (results.every((r) => r.ok)) return true;
    changes.forEach((c, i) => {
      const old = before[i];
      if (old === undefined) this.#table.remove(c.lease);
      else this.#table.apply(old);
    });
    return false;
  }

  /** Marks leases past their valid lifetime expired, in the store and in memory. */
  sweep(): LeaseRecord[] {
    const expired = this.#store.leases.expire(this.#now());
    if (!expired.ok) {
      bump(this.#drops, 'sweep-failed');
      return [];
    }
    for (const l of expired.value) {
      this.#table.apply(l);
      this.emit('lease', { action: 'expire', lease: l });
    }
    return expired.value;
  }

  /** Routes for the delegated prefixes held now, by the conversion the apply loop uses. */
  desiredRoutes(): LeaseRoute[] {
    return leaseRoutesOf(this.#table.active(), this.#now());
  }

  status(): Dhcpv6Status {
    const leases: Record<string, { na: number; pd: number }> = {};
    for (const name of this.#links.keys()) leases[name] = { na: 0, pd: 0 };
    for (const [link, counts] of this.#table.counts()) leases[link] = { na: counts.na, pd: counts.pd };
    return {
      leases,
      drops: Object.fromEntries(this.#drops),
      messages: Object.fromEntries(this.#messages),
      replies: this.#replies,
    };
  }

  async stop(): Promise<void> {
    if (this.#sweep !== undefined) clearInterval(this.#sweep);
    this.#sweep = undefined;
    this.#started = false;
    await this.#sockets.close();
  }
}
