// Shared by the live-reconfiguration and release tests: a two-link config that can be edited, a
// server over a real store (node:sqlite in a temp dir), and in-memory sockets that record what
// was opened, closed and sent.
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../../src/config/schema.ts';
import { validateConfig } from '../../../src/config/validate.ts';
import type { Dhcp6MessageInfo, Dhcp6ServerSocket } from '../../../src/io/udp.ts';
import { unwrap } from '../../../src/lib/result.ts';
import { parseDhcp6, serializeDhcp6, type Dhcp6Message } from '../../../src/proto/dhcpv6/index.ts';
import { Dhcpv6Server, type LeaseEvent } from '../../../src/services/dhcpv6/runner.ts';
import { openStore, type Store } from '../../../src/store/store.ts';

export interface LinkEdit {
  readonly mode?: 'off' | 'stateless' | 'stateful';
  readonly ips?: readonly string[];
  readonly addressPools?: readonly object[];
  readonly prefixDelegationPools?: readonly object[];
  readonly dnsServers?: readonly string[];
  readonly reservations?: readonly object[];
}

/** lan0 on 2001:db8:1::/64 and lan1 on 2001:db8:2::/64, both stateful unless edited. */
export function twoLinks(lan0: LinkEdit = {}, lan1: LinkEdit = {}): Config {
  const iface = (n: number, e: LinkEdit) => ({
    kind: 'ethernet',
    role: 'lan',
    ips: e.ips ?? [`2001:db8:${n}::1/64`],
    dhcpv6: {
      mode: e.mode ?? 'stateful',
      addressPools: e.addressPools ?? [{ start: `2001:db8:${n}::100`, end: `2001:db8:${n}::1ff` }],
      prefixDelegationPools: e.prefixDelegationPools ?? [{ prefix: `2001:db8:f00${n}::/48`, delegatedLength: 56 }],
      dnsServers: e.dnsServers ?? [`2001:db8:${n}::53`],
      reservations: e.reservations ?? [],
      preferredLifetime: 60,
      validLifetime: 120,
    },
  });
  const config = validateConfig({ version: 1, interfaces: { lan0: iface(1, lan0), lan1: iface(2, lan1) } });
  if (!config.ok) throw new Error(config.error.map((p) => p.message).join('; '));
  return config.value;
}

export class FakeSocket extends EventEmitter implements Dhcp6ServerSocket {
  readonly ifname: string;
  readonly unicast: readonly string[];
  readonly sent: Array<{ message: Dhcp6Message; address: string; port: number; local: string | undefined }> = [];
  closed = false;
  constructor(ifname: string, unicast: readonly string[]) {
    super();
    this.ifname = ifname;
    this.unicast = unicast;
  }
  async reply(bytes: Uint8Array, address: string, port = 546, local?: string): Promise<void> {
    if (this.closed) throw new Error(`socket on ${this.ifname} is closed`);
    this.sent.push({ message: unwrap(parseDhcp6(bytes)), address, port, local });
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

/**
 * Opens fake sockets and remembers each one. Opens fail for a unicast address in `refused` (as
 * a bind to a tentative address does) and for any interface in `down`.
 */
export class FakeNetwork {
  readonly opened: FakeSocket[] = [];
  readonly refused = new Set<string>();
  readonly down = new Set<string>();
  readonly open = async (ifname: string, unicast: readonly string[]): Promise<Dhcp6ServerSocket> => {
    if (this.down.has(ifname)) throw new Error(`no such device ${ifname}`);
    const bad = unicast.find((a) => this.refused.has(a));
    if (bad !== undefined) throw new Error(`bind ${bad}: EADDRNOTAVAIL`);
    const socket = new FakeSocket(ifname, unicast);
    this.opened.push(socket);
    return socket;
  };
  /** The open socket of an interface (the newest one). */
  socket(ifname: string): FakeSocket {
    const s = this.opened.filter((o) => o.ifname === ifname && !o.closed).at(-1);
    if (s === undefined) throw new Error(`no open socket on ${ifname}`);
    return s;
  }
  log(): string[] {
    return this.opened.map((s) => `${s.ifname}[${s.unicast.join(' ')}]${s.closed ? ' closed' : ''}`);
  }
}

export const wire = (m: Dhcp6Message): Uint8Array => unwrap(serializeDhcp6(m));

export interface Running {
  readonly store: Store<Config>;
  readonly server: Dhcpv6Server;
  readonly net: FakeNetwork;
  readonly events: LeaseEvent[];
  readonly errors: string[];
  /** Delivers a message as if it arrived on `ifname`'s socket; returns what that socket sent back. */
  send(m: Dhcp6Message, ifname?: string, info?: Partial<Dhcp6MessageInfo>): Promise<FakeSocket['sent'][number] | undefined>;
  advance(ms: number): void;
  close(): void;
}

/** A started server on a fresh store in a temp dir (removed after the test). */
export async function startServer(t: { after: (fn: () => void) => void }, config: Config, path?: string): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), 'v6t-dhcplive-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  let clock = 1_700_000_000_000;
  const store = unwrap(openStore<Config>({ path: path ?? join(dir, 'state.db'), validate: validateConfig, now: () => clock }));
  const net = new FakeNetwork();
  const server = new Dhcpv6Server({ store, config, openSocket: net.open, now: () => clock, sweepIntervalMs: 3_600_000 });
  const events: LeaseEvent[] = [];
  const errors: string[] = [];
  server.on('lease', (e) => events.push(e));
  server.on('error', (e) => errors.push(e.message));
  unwrap(await server.start());
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    void server.stop();
    store.close();
  };
  t.after(close);
  return {
    store,
    server,
    net,
    events,
    errors,
    async send(m, ifname = 'lan0', info = {}) {
      const socket = net.socket(ifname);
      const before = socket.sent.length;
      await server.handle(wire(m), { source: `fe80::2%${ifname}`, port: 546, ifname, multicast: true, local: 'ff02::1:2', ...info }, socket);
      return socket.sent.length > before ? socket.sent.at(-1) : undefined;
    },
    advance: (ms) => void (clock += ms),
    close,
  };
}
