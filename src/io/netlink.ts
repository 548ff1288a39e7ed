// Netlink sockets through the native addon: a request socket (batches of requests and dumps,
// answered by the kernel from within the send, so the calls are synchronous) and an event
// subscription (multicast groups, delivered on the event loop). The message codecs are pure and
// live in src/proto/netlink.
import { getSystemErrorName } from 'node:util';
import { nextTurn } from '../lib/turn.ts';
import { loadNative } from './addon.ts';
import type { BpfInstruction } from './bpf.ts';
import { netnsPath } from './raw.ts';
import { NLMSG_DONE, NLMSG_ERROR, NLM_F_DUMP_INTR, parseAck, parseMessages, type NetlinkAck, type NetlinkMessage } from '../proto/netlink/message.ts';

export const NETLINK_ROUTE = 0;
export const NETLINK_NETFILTER = 12;

type NativeHandle = object;

interface NetlinkAddon {
  netlinkOpen(protocol: number, netns: string | undefined): number;
  netlinkSend(fd: number, bytes: Uint8Array): void;
  netlinkSendAsync(fd: number, bytes: Uint8Array, cb: (error: Error | null) => void): void;
  netlinkRecv(fd: number, into: Uint8Array, timeoutMs: number): number;
  netlinkClose(fd: number): void;
  netlinkSubscribe(
    protocol: number,
    netns: string | undefined,
    groups: readonly number[],
    filter: readonly BpfInstruction[] | undefined,
    cb: (error: Error | null, bytes?: Buffer) => void,
  ): NativeHandle;
  close(h: NativeHandle): void;
}

/** The kernel answers within the send; a reply this late means something is wrong. */
const REPLY_TIMEOUT_MS = 10_000;
/** Datagrams a long dump reads between two turns of the event loop (~8 ms of work). */
const DATAGRAMS_PER_TURN = 16;

/** Large enough for the biggest dump datagram the kernel builds (32 KiB) with room to spare. */
const RECV_BUFFER = 256 * 1024;

/** A request the kernel refused, by its sequence number, with errno name and sentence. */
export interface NetlinkRefusal extends NetlinkAck {
  readonly code: string;
}

export function refusalOf(ack: NetlinkAck): NetlinkRefusal {
  let code = `E${ack.errno}`;
  try {
    code = getSystemErrorName(-ack.errno);
  } catch {
    // An errno Node has no name for keeps its number.
  }
  return { ...ack, code };
}

/** What the kernel answered to a datagram of requests: refusals by sequence number, and other replies. */
export interface Answers {
  readonly refused: Map<number, NetlinkRefusal>;
  readonly replies: NetlinkMessage[];
}

export class NetlinkError extends Error {
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.name = 'NetlinkError';
    this.code = code;
  }
}

/** A blocking netlink socket for requests and dumps, in a namespace when asked. */
export class NetlinkSocket {
  readonly #native: NetlinkAddon;
  readonly #fd: number;
  readonly #buf = Buffer.alloc(RECV_BUFFER);
  #seq = Math.floor(Math.random() * 0x7fffffff);
  #closed = false;

  private constructor(native: NetlinkAddon, fd: number) {
    this.#native = native;
    this.#fd = fd;
  }

  /** `netns`: a name under /run/netns or a path; the current namespace when absent. */
  static open(protocol: number, netns?: string): NetlinkSocket {
    const native = loadNative<NetlinkAddon>();
    return new NetlinkSocket(native, native.netlinkOpen(protocol, netnsPath(netns)));
  }

  /** A fresh sequence number for the next message. */
  nextSeq(): number {
    this.#seq = (this.#seq + 1) >>> 0;
    return this.#seq;
  }

  send(datagram: Uint8Array): void {
    this.#native.netlinkSend(this.#open(), datagram);
  }

  /** The descriptor, refusing once closed: the number may already belong to another file. */
  #open(): number {
    if (this.#closed) throw new NetlinkError('the netlink socket is closed', 'EBADF');
    return this.#fd;
  }

  /** Reads one datagram's messages; throws on a timeout (the kernel never answered). */
  receive(timeoutMs = REPLY_TIMEOUT_MS): NetlinkMessage[] {
    const n = this.#native.netlinkRecv(this.#open(), this.#buf, timeoutMs);
    if (n === 0) throw new NetlinkError(`no netlink reply within ${timeoutMs} ms`, 'ETIMEDOUT');
    // Each datagram gets its own copy: callers keep messages across receives.
    return parseMessages(Buffer.from(this.#buf.subarray(0, n)));
  }

  /**
   * Sends a datagram from a libuv pool thread: the kernel does the requests' work inside the
   * send, so this thread is free until it resolves (to encode the next datagram, or to drive
   * another socket whose work then runs on the other core). The answers wait on the socket for
   * `answers`. `datagram` must not change until the promise settles.
   */
  sendInBackground(datagram: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#native.netlinkSendAsync(this.#open(), datagram, (error) => (error === null ? resolve() : reject(error)));
    });
  }

  /**
   * Sends one datagram of requests and collects the kernel's answers until `until` is answered
   * (its ack or its error); requests that asked for no ack answer only when refused. Returns the
   * refusals by sequence number and any other message the kernel sent back (echoes).
   */
  exchange(datagram: Uint8Array, until: ReadonlySet<number>): Answers {
    this.send(datagram);
    return this.answers(until);
  }

  /** `exchange` with the send in the background (see sendInBackground). */
  async exchangeInBackground(datagram: Uint8Array, until: ReadonlySet<number>): Promise<Answers> {
    await this.sendInBackground(datagram);
    return this.answers(until);
  }

  /** The answers to requests already sent, read until every sequence number of `until` is answered. */
  answers(until: ReadonlySet<number>): Answers {
    const refused = new Map<number, NetlinkRefusal>();
    const replies: NetlinkMessage[] = [];
    let waiting = until.size;
    while (waiting > 0) {
      for (const m of this.receive()) {
        if (m.type !== NLMSG_ERROR) {
          replies.push(m);
          continue;
        }
        const ack = parseAck(m);
        if (ack.errno !== 0) refused.set(ack.seq, refusalOf(ack));
        if (until.has(ack.seq)) waiting--;
      }
    }
    return { refused, replies };
  }

  /**
   * Sends a dump request and hands every reply message to `each` until NLMSG_DONE. A dump the
   * kernel marks interrupted (the table changed under it) is an error: the caller retries.
   */
  dump(request: Uint8Array, seq: number, each: (m: NetlinkMessage) => void): void {
    this.send(request);
    while (!this.#dumpDatagram(seq, each));
  }

  /**
   * `dump`, giving the event loop a turn every DATAGRAMS_PER_TURN datagrams: the kernel keeps the dump's
   * place between reads, and a 110,000-route table is ~450 datagrams that would otherwise hold
   * the thread (and every service in the daemon) for a third of a second. Nothing else may use
   * the socket until it resolves.
   */
  async dumpInTurns(request: Uint8Array, seq: number, each: (m: NetlinkMessage) => void): Promise<void> {
    this.send(request);
    for (let n = 1; !this.#dumpDatagram(seq, each); n++) if (n % DATAGRAMS_PER_TURN === 0) await nextTurn();
  }

  /** Reads one datagram of a dump; true once the dump is done. */
  #dumpDatagram(seq: number, each: (m: NetlinkMessage) => void): boolean {
    for (const m of this.receive()) {
      if (m.seq !== seq) continue;
      if ((m.flags & NLM_F_DUMP_INTR) !== 0) throw new NetlinkError('the netlink dump was interrupted by a concurrent change', 'EINTR');
      if (m.type === NLMSG_DONE) return true;
      if (m.type === NLMSG_ERROR) {
        const ack = refusalOf(parseAck(m));
        if (ack.errno === 0) return true;
        throw new NetlinkError(`the kernel refused the dump: ${ack.code}${ack.message === undefined ? '' : ` (${ack.message})`}`, ack.code);
      }
      each(m);
    }
    return false;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#native.netlinkClose(this.#fd);
  }
}

/**
 * A multicast subscription, optionally with a classic BPF `filter` run by the kernel on each
 * datagram (one notification each) before it is queued: events nobody would act on never wake us.
 * `onLost` hears that the kernel dropped events, once the backlog has
 * been read: resyncing from then on misses nothing (while a socket stays congested the kernel
 * drops every event but flags the loss only once).
 */
export interface NetlinkSubscription {
  close(): void;
}

export function subscribe(
  protocol: number,
  groups: readonly number[],
  onMessages: (messages: NetlinkMessage[]) => void,
  onLost: (error: Error) => void,
  netns?: string,
  filter?: readonly BpfInstruction[],
): NetlinkSubscription {
  const native = loadNative<NetlinkAddon>();
  const handle = native.netlinkSubscribe(protocol, netnsPath(netns), groups, filter, (error, bytes) => {
    if (error !== null) onLost(error);
    else if (bytes !== undefined) onMessages(parseMessages(bytes));
  });
  return { close: () => native.close(handle) };
}
