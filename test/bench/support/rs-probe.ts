// The host side of the RA benchmark: a raw ICMPv6 socket that sends Router Solicitations carrying
// a Source Link-Layer Address option from one of several link-local addresses and times the
// unicast RA that answers each (RFC 7772 §5.1: an RS with a source and an SLLAO may be answered
// unicast, so the router needs no multicast rate limit and no neighbour discovery to reply).
import { openIcmp6Socket, type Icmp6Socket } from '../../../src/io/raw.ts';
import { unwrap } from '../../../src/lib/result.ts';
import { serializeNdp } from '../../../src/proto/ndp/index.ts';

export interface BurstOutcome {
  readonly sent: number;
  /** Unicast RAs that came back to one of the sources during the burst and its grace period. */
  readonly answered: number;
  readonly elapsedMs: number;
}

interface Waiter {
  readonly sentAt: bigint;
  readonly resolve: (latencyMs: number | undefined) => void;
  readonly timer: NodeJS.Timeout;
}

const ALL_ROUTERS = 'ff02::2';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class RsProbe {
  readonly #socket: Icmp6Socket;
  readonly #rs: Uint8Array;
  readonly #waiting = new Map<string, Waiter>();
  /** Unicast RAs received per destination since the last reset. */
  #answers = 0;
  #counting: ReadonlySet<string> = new Set();

  private constructor(socket: Icmp6Socket, mac: string) {
    this.#socket = socket;
    // The checksum is left 0: the kernel fills it in on an ICMPv6 raw socket.
    this.#rs = unwrap(serializeNdp({ type: 'rs', options: [{ type: 'source-lla', address: mac }] }));
    socket.on('message', (_bytes, info) => {
      const at = process.hrtime.bigint();
      if (this.#counting.has(info.destination)) this.#answers++;
      const w = this.#waiting.get(info.destination);
      if (w === undefined) return;
      this.#waiting.delete(info.destination);
      clearTimeout(w.timer);
      w.resolve(Number(at - w.sentAt) / 1e6);
    });
  }

  /** Opens the probe on `ifname` (its MAC goes in the SLLAO) inside namespace `netns`. */
  static open(netns: string, ifname: string, mac: string): RsProbe {
    return new RsProbe(openIcmp6Socket({ ifname, netns, types: [134] }), mac);
  }

  /**
   * Sends one RS from `source` and resolves with the milliseconds until the RA addressed to
   * `source` arrived, or undefined after `timeoutMs`. The clock is read in the receive callback,
   * so the figure includes the router, both kernels and one turn of this event loop.
   */
  solicit(source: string, timeoutMs: number): Promise<number | undefined> {
    if (this.#waiting.has(source)) return Promise.reject(new Error(`an RS from ${source} is already waiting`));
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(source);
        resolve(undefined);
      }, timeoutMs);
      this.#waiting.set(source, { sentAt: process.hrtime.bigint(), resolve, timer });
      this.#socket.send(this.#rs, ALL_ROUTERS, { source });
    });
  }

  /**
   * Sends `count` RSs round-robin from `sources` at `perSecond` (in 10 ms batches), then waits
   * `graceMs` for the last answers. With N sources each one speaks every N / perSecond seconds,
   * which must exceed the router's reply delay, or a router may fold two RSs into one RA.
   */
  async burst(sources: readonly string[], count: number, perSecond: number, graceMs: number): Promise<BurstOutcome> {
    this.#answers = 0;
    this.#counting = new Set(sources);
    const started = Date.now();
    let sent = 0;
    const perBatch = Math.max(1, Math.round(perSecond / 100));
    while (sent < count) {
      const due = Math.min(count, Math.floor(((Date.now() - started) / 1000) * perSecond) + perBatch);
      for (; sent < due; sent++) this.#socket.send(this.#rs, ALL_ROUTERS, { source: sources[sent % sources.length]! });
      await sleep(10);
    }
    await sleep(graceMs);
    const answered = this.#answers;
    this.#counting = new Set();
    return { sent, answered, elapsedMs: Date.now() - started };
  }

  close(): void {
    for (const w of this.#waiting.values()) {
      clearTimeout(w.timer);
      w.resolve(undefined);
    }
    this.#waiting.clear();
    this.#socket.close();
  }
}
