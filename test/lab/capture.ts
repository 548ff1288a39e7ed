// Packet captures with dumpcap in a lab namespace, read back with tshark as JSON or as fields.
//
// libpcap on Linux fills a TPACKET_V3 ring block by block and hands a block to dumpcap only
// when it is full or its timer retires it (~250 ms). A SIGINT in between loses the open block:
// seen here as echo requests missing from captures stopped right after the ping. So stopping
// first sends a marker datagram on the interface and waits until the marker is in the file;
// everything captured before it is then on disk too.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { Lab } from './topology.ts';
import { run } from './exec.ts';
import type { Peer } from './peer.ts';
import { ownSockets } from './procsock.ts';
import { StopWaiting, waitFor, WaitTimeout } from './wait.ts';

export interface CaptureOptions {
  /** A capture (BPF) filter, e.g. `icmp6` or `udp port 547`. */
  readonly filter?: string;
  /** Stop by itself after this long (as `stop()` does). */
  readonly durationMs?: number;
  /** Names the pcap and log files; default `capture-<node>-<ifname>`. */
  readonly name?: string;
  /** How long dumpcap may take to start capturing; default 10 s. */
  readonly startTimeoutMs?: number;
}

const MARKER_PORT = 9; // discard (RFC 863): nothing answers it
/** Display filter that hides the lab's own flush markers. */
export const NOT_MARKER = `!(udp.dstport == ${MARKER_PORT} && ipv6.dst == ff02::1)`;

export class Capture {
  /** A classic pcap file (not pcapng), complete once `stop()` resolves; it includes the flush marker. */
  readonly pcapPath: string;
  readonly #peer: Peer;
  readonly #lab: Lab;
  readonly #node: string;
  readonly #ifname: string;
  #stopping: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(lab: Lab, node: string, ifname: string, peer: Peer, pcapPath: string, durationMs: number | undefined) {
    this.#lab = lab;
    this.#node = node;
    this.#ifname = ifname;
    this.#peer = peer;
    this.pcapPath = pcapPath;
    if (durationMs !== undefined) this.#timer = setTimeout(() => void this.stop().catch(() => undefined), durationMs);
  }

  /** Settles when dumpcap has ended (after `durationMs`, `stop()`, or teardown). */
  get done(): Promise<unknown> {
    return this.#peer.exited;
  }

  /** Flushes everything captured so far to the file, then stops dumpcap. Idempotent. */
  stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#stopping ??= (async () => {
      if (this.#peer.running) await this.#flush();
      await this.#peer.stop({ signal: 'SIGINT', graceMs: 5000 });
    })();
    return this.#stopping;
  }

  /** Every packet as tshark's JSON (`_source.layers…`), stopping the capture first; `displayFilter` is a `-Y` filter. */
  async json(displayFilter?: string): Promise<TsharkPacket[]> {
    const { stdout } = await this.#read(['-T', 'json'], displayFilter);
    return stdout.trim() === '' ? [] : (JSON.parse(stdout) as TsharkPacket[]);
  }

  /** One row per packet with the named fields (e.g. `icmpv6.type`), stopping the capture first; repeated fields are comma-joined. */
  async fields(names: readonly string[], displayFilter?: string): Promise<string[][]> {
    const format = ['-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=,', ...names.flatMap((n) => ['-e', n])];
    const { stdout } = await this.#read(format, displayFilter);
    return stdout.split('\n').filter((line) => line !== '').map((line) => line.split('\t'));
  }

  async #flush(): Promise<void> {
    const token = `v6edge-lab-flush-${randomBytes(6).toString('hex')}`;
    const send = `const s = require('node:dgram').createSocket('udp6');
s.send(${JSON.stringify(token)}, ${MARKER_PORT}, 'ff02::1%${this.#ifname}', () => s.close());`;
    const sent = await this.#lab.exec(this.#node, [process.execPath, '-e', send], { check: false, timeoutMs: 5000 });
    if (sent.code !== 0) return; // No IPv6 on the interface (or it is down): nothing more can arrive anyway.
    try {
      await waitFor(() => readFileSync(this.pcapPath).includes(token), { timeoutMs: 3000, intervalMs: 25, what: `the flush marker in ${this.pcapPath}` });
    } catch (e) {
      // A capture filter on the other direction never sees the marker; stop with what is there.
      if (!(e instanceof WaitTimeout)) throw e;
    }
  }

  async #read(format: readonly string[], displayFilter: string | undefined) {
    await this.stop();
    if (!existsSync(this.pcapPath)) throw new Error(`capture ${this.pcapPath} was never written; dumpcap said:\n${this.#peer.output()}`);
    const filter = displayFilter === undefined ? NOT_MARKER : `(${displayFilter}) && ${NOT_MARKER}`;
    return run(['tshark', '-n', '-r', this.pcapPath, ...format, '-Y', filter]);
  }
}

export interface TsharkPacket {
  readonly _source: { readonly layers: Record<string, unknown> };
}

export async function startCapture(lab: Lab, node: string, ifname: string, options: CaptureOptions): Promise<Capture> {
  const name = options.name ?? `capture-${node}-${ifname}`;
  const pcapPath = `${lab.dir}/${name}.pcap`;
  // dumpcap (tshark's capture engine) starts in a fraction of tshark's time: it loads no dissectors.
  const argv = ['dumpcap', '-q', '-i', ifname, '-P', '-w', pcapPath];
  if (options.filter !== undefined) argv.push('-f', `(${options.filter}) or (ip6 dst ff02::1 and udp dst port ${MARKER_PORT})`);
  const peer = lab.spawn(node, argv, { name });
  const ifindex = await lab.ifindex(node, ifname);
  // dumpcap prints "Capturing on" before its packet socket exists, so wait for the socket itself.
  await waitFor(
    () => {
      if (!peer.running) throw new StopWaiting(`dumpcap exited before capturing:\n${peer.output()}`);
      return packetSocketBound(peer.pid, ifindex);
    },
    { timeoutMs: options.startTimeoutMs ?? 10_000, what: `dumpcap to open ${node}/${ifname} (log ${peer.logPath})` },
  );
  return new Capture(lab, node, ifname, peer, pcapPath, options.durationMs);
}

/** Whether process `pid` holds a running AF_PACKET socket on `ifindex` (columns: sk RefCnt Type Proto Iface R …). */
function packetSocketBound(pid: number, ifindex: number): boolean {
  return ownSockets(pid, 'packet').some((cols) => cols[4] === String(ifindex) && cols[5] === '1');
}
