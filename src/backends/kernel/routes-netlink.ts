// The routes subsystem of the kernel backend, over rtnetlink instead of iproute2: changes go in
// as datagrams of ~32 KiB of requests (the kernel acknowledges only each datagram's last one and
// answers the others only when it refuses them), the table is read by one strict dump of table
// main, and an incremental pass reads back its few touched prefixes by single-address lookups
// that cost the change, not the table (iproute2 6.1's `route show exact` dumps the whole table per
// prefix). One socket per backend, opened on first use in the backend's namespace.
import { getSystemErrorMap } from 'node:util';
import { problem } from '../../lib/result.ts';
import type { Problem } from '../../lib/result.ts';
import { NetlinkSocket, NETLINK_ROUTE, NetlinkError } from '../../io/netlink.ts';
import type { NetlinkRefusal } from '../../io/netlink.ts';
import { NetlinkWriter } from '../../proto/netlink/message.ts';
import type { NetlinkMessage } from '../../proto/netlink/message.ts';
import { decodeLinkName, writeLinkDump } from '../../proto/netlink/link.ts';
import {
  decodeRoute, MAX_ROUTE_REQUEST, parseDestination, prepareRoute, RT_TABLE_MAIN, RTM_NEWROUTE, setHostBits,
  writeFibMatchRequest, writeRouteDump, writeRouteRequest,
} from '../../proto/netlink/route.ts';
import type { PreparedRoute, RouteMessage } from '../../proto/netlink/route.ts';
import { ROUTE_PROTOCOL_NUMBER } from '../../reconcile/types.ts';
import type { ChangeOf, Route } from '../../reconcile/types.ts';
import type { ApplyFailure, ApplyReport } from '../types.ts';
import { protocolName } from './protocol.ts';

/** Requests per datagram: the kernel takes a datagram whole, and 32 KiB keeps each one cheap to copy. */
export const DATAGRAM_BYTES = 32 * 1024;
const ROUTES_PER_DATAGRAM = Math.floor(DATAGRAM_BYTES / MAX_ROUTE_REQUEST);
/** Lookups per datagram: each is answered by a route message and an ack (~200 bytes). */
const LOOKUPS_PER_DATAGRAM = 256;
/** A dump the kernel marks interrupted (the table changed under it) is retried this often. */
const DUMP_ATTEMPTS = 3;

/** Interface names and indexes of the namespace, read once per operation. */
export interface LinkTable {
  readonly byName: ReadonlyMap<string, number>;
  readonly byIndex: ReadonlyMap<number, string>;
}

/**
 * A kernel route as the reconcile shapes see it; undefined for a route without an output device
 * (a multipath or nexthop-group route whose first hop names none): no route of ours is one, and
 * iproute2's read-back left those out as well.
 */
export function routeFromMessage(m: RouteMessage, links: LinkTable): Route | undefined {
  const dev = links.byIndex.get(m.oif);
  if (m.oif === 0 || dev === undefined) return undefined;
  const protocol = protocolName(m.protocol);
  return m.via === undefined ? { dst: m.dst, dev, protocol } : { dst: m.dst, via: m.via, dev, protocol };
}

export type Presence = 'present' | 'absent' | 'inconclusive';

/**
 * What one RTM_F_FIB_MATCH lookup of an address inside prefix P (of `length`) says about our
 * route at P. The lookup answers with the most specific usable route, after the policy rules:
 * - our route with P's own length: present;
 * - a route of main less specific than P, or no route at all (ENETUNREACH; EHOSTUNREACH from
 *   an unreachable route): P is not in main, or the lookup would have found it;
 * - a route more specific than P hides P at this address, a route from another table means a
 *   rule sent the lookup elsewhere, and a foreign route with P's length may hide ours at a
 *   worse metric: the lookup cannot tell, so another address or a dump must.
 * Any other refusal (EINVAL from a blackhole, EACCES from a prohibit route) is inconclusive too.
 */
export function classifyFibMatch(length: number, answer: RouteMessage | string): Presence {
  if (typeof answer === 'string') return answer === 'ENETUNREACH' || answer === 'EHOSTUNREACH' ? 'absent' : 'inconclusive';
  if (answer.table !== RT_TABLE_MAIN) return 'inconclusive';
  if (answer.dstLen < length) return 'absent';
  if (answer.dstLen > length) return 'inconclusive';
  return answer.protocol === ROUTE_PROTOCOL_NUMBER ? 'present' : 'inconclusive';
}

const errnoText = (code: string, errno: number): string => getSystemErrorMap().get(-errno)?.[1] ?? code;

/** `route 2001:db8::/48 via fe80::1 dev hosts0`: the object, in the words of `ip route`. */
const routeObject = (r: Route): string => `route ${r.dst}${r.via === undefined ? '' : ` via ${r.via}`} dev ${r.dev}`;

/** A refusal as the operator reads it: errno name and the kernel's own sentence, or errno's. */
export function refusalProblem(route: Route, refusal: Pick<NetlinkRefusal, 'code' | 'errno' | 'message'>): Problem {
  const why = refusal.message ?? errnoText(refusal.code, refusal.errno);
  return problem('kernel-refused', `${routeObject(route)}: ${refusal.code} (${why})`);
}

/** One prefix an incremental pass touched, with the two addresses a lookup may probe. */
interface Probe {
  readonly dst: string;
  readonly length: number;
  readonly first: Uint8Array;
  readonly last: Uint8Array;
}

function probeOf(dst: string): Probe | undefined {
  const parsed = parseDestination(dst);
  if (!parsed.ok) return undefined;
  const last = Uint8Array.from(parsed.value.bytes);
  setHostBits(last, parsed.value.length, 1);
  return { dst, length: parsed.value.length, first: parsed.value.bytes, last };
}

/** A datagram of route requests being sent, with what its answers map back to. */
interface InFlight {
  readonly sent: Promise<void>;
  readonly bySeq: ReadonlyMap<number, ChangeOf<'routes'>>;
  /** The sequence number of its last request, the only one that asks for an ack. */
  readonly last: number;
}

/** How the reads were answered, for tests and metrics: lookups sent and whole-table dumps. */
export interface RouteReadCounts {
  lookups: number;
  tableDumps: number;
}

export class NetlinkRoutes {
  readonly counts: RouteReadCounts = { lookups: 0, tableDumps: 0 };
  readonly #netns: string | undefined;
  readonly #w = new NetlinkWriter(DATAGRAM_BYTES + 4 * MAX_ROUTE_REQUEST);
  /** The second buffer of a batch: one datagram is encoded while the other is in the kernel. */
  readonly #spare = new NetlinkWriter(DATAGRAM_BYTES + 4 * MAX_ROUTE_REQUEST);
  #socket: NetlinkSocket | undefined;
  /** The operation running now; the next waits for it. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(netns?: string) {
    this.#netns = netns;
  }

  /**
   * Applies route changes in datagrams; every refusal is reported against its change with the
   * kernel's reason, and the rest go in. The kernel does the work on a pool thread, so a
   * 110,000-route batch does not stall the daemon's other work (or an nft load running beside it).
   */
  apply(changes: readonly ChangeOf<'routes'>[]): Promise<ApplyReport> {
    if (changes.length === 0) return Promise.resolve({ applied: 0, failures: [] });
    return this.#use(async (s) => {
      const links = await this.#links(s);
      const failures: ApplyFailure[] = [];
      const ready: Array<{ change: ChangeOf<'routes'>; request: PreparedRoute }> = [];
      for (const change of changes) {
        const oif = links.byName.get(change.route.dev);
        if (oif === undefined) {
          // The kernel removes a device's routes with it: a deletion on a missing device is done.
          if (change.op !== 'delete') failures.push({ change, problem: problem('no-device', `${routeObject(change.route)}: Cannot find device "${change.route.dev}"`) });
          continue;
        }
        const request = prepareRoute({ dst: change.route.dst, oif, protocol: ROUTE_PROTOCOL_NUMBER, ...(change.route.via === undefined ? {} : { via: change.route.via }) });
        if (request.ok) ready.push({ change, request: request.value });
        else failures.push({ change, problem: problem(request.error.code, `${routeObject(change.route)}: ${request.error.message}`) });
      }
      // Two datagrams in flight at most: while the kernel works through one (sent from a pool
      // thread), the next is encoded; its answers are read before the one after is sent.
      let sending: InFlight | undefined;
      for (let at = 0, k = 0; at < ready.length; at += ROUTES_PER_DATAGRAM, k++) {
        const w = k % 2 === 0 ? this.#w : this.#spare;
        const next = this.#encode(s, w, ready.slice(at, at + ROUTES_PER_DATAGRAM));
        if (sending !== undefined) failures.push(...(await this.#settle(s, sending)));
        sending = { ...next, sent: s.sendInBackground(w.view()) };
      }
      if (sending !== undefined) failures.push(...(await this.#settle(s, sending)));
      return { applied: changes.length - failures.length, failures };
    });
  }

  /** One datagram of route requests; only the last asks for an ack, which ends the wait for answers. */
  #encode(s: NetlinkSocket, w: NetlinkWriter, batch: ReadonlyArray<{ change: ChangeOf<'routes'>; request: PreparedRoute }>): Omit<InFlight, 'sent'> {
    w.reset();
    const bySeq = new Map<number, ChangeOf<'routes'>>();
    let last = 0;
    batch.forEach(({ change, request }, i) => {
      last = s.nextSeq();
      bySeq.set(last, change);
      writeRouteRequest(w, change.op, request, last, i === batch.length - 1);
    });
    return { bySeq, last };
  }

  /** Waits for a datagram's send and reads its answers: the refusals, each against its change. */
  async #settle(s: NetlinkSocket, d: InFlight): Promise<ApplyFailure[]> {
    await d.sent;
    const { refused } = s.answers(new Set([d.last]));
    const failures: ApplyFailure[] = [];
    for (const [seq, refusal] of refused) {
      const change = d.bySeq.get(seq);
      if (change === undefined) continue;
      // Deleting a route that is already gone leaves the kernel as the change wanted it.
      if (change.op === 'delete' && refusal.code === 'ESRCH') continue;
      failures.push({ change, problem: refusalProblem(change.route, refusal) });
    }
    return failures;
  }

  /** Every route of table main, by one dump. */
  observe(): Promise<Route[]> {
    return this.#use(async (s) => this.#table(s, await this.#links(s)));
  }

  /**
   * The routes at the touched destinations, our own and foreign ones. Each prefix is looked up
   * at its first address, then at its last when that could not tell (see classifyFibMatch); a
   * prefix neither settles costs one full dump for all that remain.
   */
  observeTouched(dsts: readonly string[]): Promise<Route[]> {
    if (dsts.length === 0) return Promise.resolve([]);
    return this.#use(async (s) => {
      const links = await this.#links(s);
      const found: Route[] = [];
      let open = dsts.flatMap((d) => probeOf(d) ?? []);
      for (const end of ['first', 'last'] as const) {
        if (open.length === 0) break;
        // A /128 has one address: its second look would repeat the first.
        const asked = end === 'last' ? open.filter((p) => p.length < 128) : open;
        const answers = this.#lookup(s, asked.map((p) => p[end]));
        const next: Probe[] = end === 'last' ? open.filter((p) => p.length === 128) : [];
        asked.forEach((p, i) => {
          const answer = answers[i]!;
          const presence = classifyFibMatch(p.length, answer);
          if (presence === 'inconclusive') next.push(p);
          else if (presence === 'present' && typeof answer !== 'string') {
            const route = routeFromMessage(answer, links);
            if (route !== undefined) found.push(route);
          }
        });
        open = next;
      }
      if (open.length === 0) return found;
      const unsettled = new Set(open.map((p) => p.dst));
      return [...found, ...(await this.#table(s, links)).filter((r) => unsettled.has(r.dst))];
    });
  }

  close(): void {
    this.#socket?.close();
    this.#socket = undefined;
  }

  /**
   * Runs `f` on the socket, opening it first, after any operation still running (one that gives
   * the event loop turns must not have another interleave its requests). A socket that failed
   * mid-exchange is dropped, since stray answers may still be queued on it.
   */
  #use<T>(f: (s: NetlinkSocket) => Promise<T>): Promise<T> {
    const run = this.#queue.then(async () => {
      this.#socket ??= NetlinkSocket.open(NETLINK_ROUTE, this.#netns);
      try {
        return await f(this.#socket);
      } catch (e) {
        this.close();
        throw e;
      }
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * One dump's messages, retried when the kernel marks it interrupted; a small one (links) is
   * read at once, a large one (the table) in turns of the event loop. The messages are handed
   * to `each` only once the dump is whole, so a retry never sees half of one.
   */
  async #dump(s: NetlinkSocket, write: (w: NetlinkWriter, seq: number) => void, each: (m: NetlinkMessage) => void, inTurns: boolean): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const w = this.#w;
      w.reset();
      const seq = s.nextSeq();
      write(w, seq);
      const got: NetlinkMessage[] = [];
      try {
        if (inTurns) await s.dumpInTurns(w.view(), seq, (m) => got.push(m));
        else s.dump(w.view(), seq, (m) => got.push(m));
      } catch (e) {
        if (e instanceof NetlinkError && e.code === 'EINTR' && attempt < DUMP_ATTEMPTS) continue;
        throw e;
      }
      got.forEach(each);
      return;
    }
  }

  async #links(s: NetlinkSocket): Promise<LinkTable> {
    const byName = new Map<string, number>();
    const byIndex = new Map<number, string>();
    await this.#dump(s, writeLinkDump, (m) => {
      const l = decodeLinkName(m);
      if (l === undefined) return;
      byName.set(l.name, l.index);
      byIndex.set(l.index, l.name);
    }, false);
    return { byName, byIndex };
  }

  async #table(s: NetlinkSocket, links: LinkTable): Promise<Route[]> {
    this.counts.tableDumps++;
    const out: Route[] = [];
    await this.#dump(s, (w, seq) => writeRouteDump(w, seq, RT_TABLE_MAIN), (m) => {
      if (m.type !== RTM_NEWROUTE) return;
      const decoded = decodeRoute(m);
      if (!decoded.ok) throw new NetlinkError(`the route dump has a malformed message: ${decoded.error.message}`, 'EBADMSG');
      const route = routeFromMessage(decoded.value, links);
      if (route !== undefined) out.push(route);
    }, true);
    return out;
  }

  /** RTM_F_FIB_MATCH lookups, answered in order: the matching route, or the errno name of the refusal. */
  #lookup(s: NetlinkSocket, addresses: readonly Uint8Array[]): Array<RouteMessage | string> {
    const out: Array<RouteMessage | string> = [];
    for (let at = 0; at < addresses.length; at += LOOKUPS_PER_DATAGRAM) {
      const w = this.#w;
      w.reset();
      const seqs = addresses.slice(at, at + LOOKUPS_PER_DATAGRAM).map((a) => {
        const seq = s.nextSeq();
        writeFibMatchRequest(w, a, seq);
        this.counts.lookups++;
        return seq;
      });
      const { refused, replies } = s.exchange(w.view(), new Set(seqs));
      const bySeq = new Map(replies.filter((m) => m.type === RTM_NEWROUTE).map((m) => [m.seq, m]));
      for (const seq of seqs) {
        const refusal = refused.get(seq);
        const reply = bySeq.get(seq);
        const decoded = reply === undefined ? undefined : decodeRoute(reply);
        out.push(refusal?.code ?? (decoded?.ok === true ? decoded.value : 'EBADMSG'));
      }
    }
    return out;
  }
}
