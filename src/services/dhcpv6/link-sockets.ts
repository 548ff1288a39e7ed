// The server's sockets, one per served interface: ff02::1:2%IF for clients on the link, plus the
// interface's own unicast addresses so relay agents reach the server (RFC 8415 §19.1: a relay
// sends Relay-forward by unicast). A config change touches only the interfaces it changes.
//
// Binding a unicast address fails while the kernel still runs DAD on it (the address is
// tentative): the interface is then served by multicast alone and the unicast part is retried.
import type { Dhcp6MessageInfo, Dhcp6ServerSocket } from '../../io/udp.ts';
import { problem, type Problem } from '../../lib/result.ts';

/** Opens one interface's socket: multicast, plus these unicast addresses. */
export type OpenSocket = (ifname: string, unicast: readonly string[]) => Promise<Dhcp6ServerSocket>;

export interface LinkSocketHandlers {
  message(bytes: Uint8Array, info: Dhcp6MessageInfo, socket: Dhcp6ServerSocket): void;
  error(e: Error): void;
}

interface Entry {
  readonly socket: Dhcp6ServerSocket;
  /** The unicast addresses actually bound (none after a failed bind, until a retry works). */
  readonly bound: readonly string[];
}

const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

const reason = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class LinkSockets {
  readonly #open: OpenSocket;
  readonly #handlers: LinkSocketHandlers;
  readonly #entries = new Map<string, Entry>();
  /** What the last sync asked for, so a retry can finish it. */
  #wanted: ReadonlyMap<string, readonly string[]> = new Map();
  /** Socket changes run one at a time, so a retry never races a reconfigure. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(open: OpenSocket, handlers: LinkSocketHandlers) {
    this.#open = open;
    this.#handlers = handlers;
  }

  /**
   * Brings the sockets to `wanted` (interface → unicast addresses, sorted): closes those of
   * interfaces no longer served, opens new ones, reopens an interface only when its addresses
   * changed or were not all bound. Returns what could not be done; the rest is done.
   */
  sync(wanted: ReadonlyMap<string, readonly string[]>): Promise<Problem[]> {
    return this.#serial(async () => {
      this.#wanted = wanted;
      const problems: Problem[] = [];
      for (const [name, entry] of [...this.#entries]) {
        if (wanted.has(name)) continue;
        this.#entries.delete(name);
        await entry.socket.close();
      }
      for (const [name, addresses] of wanted) {
        const entry = this.#entries.get(name);
        if (entry !== undefined && sameList(entry.bound, addresses)) continue;
        problems.push(...(await this.#reopen(name, addresses)));
      }
      return problems;
    });
  }

  /** Tries again what the last sync could not do: sockets that did not open, unicast binds that failed. */
  retry(): Promise<Problem[]> {
    return this.#serial(async () => {
      const problems: Problem[] = [];
      for (const [name, addresses] of this.#wanted) {
        const entry = this.#entries.get(name);
        if (entry === undefined || !sameList(entry.bound, addresses)) problems.push(...(await this.#reopen(name, addresses)));
      }
      return problems;
    });
  }

  /** Interfaces with an open socket. */
  interfaces(): string[] {
    return [...this.#entries.keys()];
  }

  /** The unicast addresses bound on one interface. */
  unicast(ifname: string): readonly string[] {
    return this.#entries.get(ifname)?.bound ?? [];
  }

  close(): Promise<void> {
    return this.#serial(async () => {
      const sockets = [...this.#entries.values()].map((e) => e.socket);
      this.#entries.clear();
      this.#wanted = new Map();
      await Promise.all(sockets.map((s) => s.close()));
    });
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Closes the interface's socket (a brief gap; clients retransmit) and opens it with `addresses`. */
  async #reopen(name: string, addresses: readonly string[]): Promise<Problem[]> {
    const old = this.#entries.get(name);
    if (old !== undefined) {
      this.#entries.delete(name);
      await old.socket.close();
    }
    try {
      this.#add(name, await this.#open(name, addresses), addresses);
      return [];
    } catch (e) {
      if (addresses.length === 0) return [problem('socket', `Cannot serve DHCPv6 on ${name}: ${reason(e)}`)];
      const unicastFailed = problem(
        'unicast-bind',
        `DHCPv6 on ${name} listens on ff02::1:2 only for now: cannot bind ${addresses.join(', ')} (${reason(e)}); relay agents are not heard until a retry succeeds.`,
      );
      try {
        this.#add(name, await this.#open(name, []), []);
        return [unicastFailed];
      } catch (e2) {
        return [problem('socket', `Cannot serve DHCPv6 on ${name}: ${reason(e2)}`)];
      }
    }
  }

  #add(name: string, socket: Dhcp6ServerSocket, bound: readonly string[]): void {
    socket.on('message', (bytes, info) => this.#handlers.message(bytes, info, socket));
    socket.on('error', (e) => this.#handlers.error(e));
    this.#entries.set(name, { socket, bound });
  }
}
