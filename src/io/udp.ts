// DHCPv6 sockets over node:dgram: one server socket per interface on ff02::1:2 port 547 (plus
// optional unicast addresses) and a client socket on port 546 (RFC 8415 §7.1, §7.2).
//
// What Linux delivers, checked in namespaces (test/io/udp.lab.test.ts, Linux 6.18):
// - A socket bound to `ff02::1:2%IF` port 547 is tied to IF (binding a link-scope address with a
//   zone sets the socket's bound device), and the destination must equal ff02::1:2: it gets the
//   multicast Solicits, Requests, Renews… that arrive on IF, none from other interfaces, and no
//   unicast datagrams to port 547 (those need a socket bound to the unicast address).
// - With reuseAddr, one such socket per interface coexists with the others in one process.
// - `rinfo.address` of a link-local source carries the zone, e.g. `fe80::1%lan0`.
// - The kernel chooses the source of a reply from this socket (a bound multicast address is never
//   used as a source): the interface's link-local address for a link-local client. A socket bound
//   to a unicast address sends from that address, so reply() answers from the request's socket.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { networkInterfaces } from 'node:os';
import { addressBytes, formatAddressBytes } from '../net/address.ts';
import { problem } from '../lib/result.ts';
import { ALL_DHCP_RELAY_AGENTS_AND_SERVERS, CLIENT_PORT, SERVER_PORT } from '../proto/dhcpv6/constants.ts';
import { IoError, toIoError, type SocketContext } from './errors.ts';


export interface Dhcp6MessageInfo {
  /** Canonical source address; a link-local one carries its zone, e.g. `fe80::1%lan0`. */
  readonly source: string;
  readonly port: number;
  /** The interface the datagram arrived on. */
  readonly ifname: string;
  /** True when sent to ff02::1:2; false when sent to one of our unicast addresses (RFC 8415 §16). */
  readonly multicast: boolean;
  /**
   * The address the datagram was sent to, as its socket is bound (canonical, no zone): ff02::1:2
   * or one of the server's unicast addresses; a client socket's own link-local address.
   */
  readonly local: string;
}

export interface Dhcp6ServerSocket {
  readonly ifname: string;
  on(event: 'message', listener: (bytes: Uint8Array, info: Dhcp6MessageInfo) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  /**
   * Unicasts to a client or relay (a link-local address without zone gets this interface's) from
   * the socket bound to `local`, the address the request came to (its `Dhcp6MessageInfo.local`), so
   * the answer leaves from that address; from the multicast socket when `local` is absent.
   */
  reply(bytes: Uint8Array, clientAddress: string, port?: number, local?: string): Promise<void>;
  close(): Promise<void>;
}

export interface Dhcp6ServerOptions {
  readonly ifname: string;
  /** Unicast addresses of the interface to serve too (Server Unicast option, RFC 8415 §21.12). */
  readonly unicast?: readonly string[];
  /**
   * SO_RCVBUF for each socket, in bytes, so a burst of Solicits waits in the kernel instead of
   * being dropped while the event loop is busy. Linux caps the request at net.core.rmem_max (often
   * 208 KiB; raise that sysctl for more) and reserves twice the granted size for bookkeeping, so
   * `ss -m` shows rb as double. Absent: the kernel default, net.core.rmem_default.
   */
  readonly recvBufferSize?: number;
}

export interface Dhcp6ClientSocket {
  readonly ifname: string;
  /** The link-local address the socket is bound to, with zone. */
  readonly address: string;
  on(event: 'message', listener: (bytes: Uint8Array, info: Dhcp6MessageInfo) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  /** Sends to ff02::1:2 port 547 on this interface unless told otherwise. */
  send(bytes: Uint8Array, destination?: string, port?: number): Promise<void>;
  close(): Promise<void>;
}

export interface Dhcp6ClientOptions {
  readonly ifname: string;
  /** The link-local address to bind; found from the interface when absent. */
  readonly address?: string;
}

/** Splits `fe80::1%lan0` into canonical address text and zone. */
export function splitZone(text: string): { readonly address: string; readonly zone: string | undefined } {
  const at = text.indexOf('%');
  const bare = at < 0 ? text : text.slice(0, at);
  const bytes = addressBytes(bare);
  return { address: bytes === undefined ? bare : formatAddressBytes(bytes), zone: at < 0 ? undefined : text.slice(at + 1) };
}

/** Adds `%ifname` where the kernel needs a zone: link-local unicast and link-scope multicast. */
export function withZone(address: string, ifname: string): string {
  const split = splitZone(address);
  if (split.zone !== undefined) return `${split.address}%${split.zone}`;
  const needsZone = /^fe[89ab]/i.test(split.address) || /^ff[0-9a-f]2:/i.test(split.address);
  return needsZone ? `${split.address}%${ifname}` : split.address;
}

function bind(socket: Socket, address: string, port: number, at: SocketContext): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (e: Error): void => reject(toIoError(e, { ...at, address }));
    socket.once('error', fail);
    socket.bind({ address, port }, () => {
      socket.off('error', fail);
      resolve();
    });
  });
}

function send(socket: Socket, bytes: Uint8Array, address: string, port: number, at: SocketContext): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.send(bytes, port, address, (e) => (e ? reject(toIoError(e, { ...at, address })) : resolve()));
  });
}

function closeAll(sockets: readonly Socket[]): Promise<void> {
  return Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))).then(() => undefined);
}

function messageInfo(rinfo: RemoteInfo, ifname: string, multicast: boolean, local: string): Dhcp6MessageInfo {
  return { source: withZone(rinfo.address, ifname), port: rinfo.port, ifname, multicast, local };
}

/** One bound socket of a server: `local` is its address, canonical and without zone. */
interface BoundSocket {
  readonly local: string;
  readonly socket: Socket;
}

class DgramDhcp6Server extends EventEmitter implements Dhcp6ServerSocket {
  readonly ifname: string;
  readonly #recvBufferSize: number | undefined;
  readonly #sockets: BoundSocket[] = [];
  #closed: Promise<void> | undefined;

  constructor(ifname: string, recvBufferSize: number | undefined) {
    super();
    this.ifname = ifname;
    this.#recvBufferSize = recvBufferSize;
  }

  /** Binds one socket; datagrams on it are reported with `multicast`. */
  async add(address: string, multicast: boolean): Promise<void> {
    const size = this.#recvBufferSize;
    const socket = createSocket({ type: 'udp6', reuseAddr: true, ...(size === undefined ? {} : { recvBufferSize: size }) });
    const local = splitZone(address).address;
    this.#sockets.push({ local, socket });
    await bind(socket, address, SERVER_PORT, { ifname: this.ifname });
    socket.on('message', (msg, rinfo) => this.emit('message', new Uint8Array(msg), messageInfo(rinfo, this.ifname, multicast, local)));
    socket.on('error', (e) => this.emit('error', toIoError(e, { ifname: this.ifname, address })));
    // RFC 8415 §7.1: servers join All_DHCP_Relay_Agents_and_Servers on each served interface.
    if (multicast) {
      try {
        socket.addMembership(ALL_DHCP_RELAY_AGENTS_AND_SERVERS, `::%${this.ifname}`);
      } catch (e) {
        throw toIoError(e, { ifname: this.ifname, address: ALL_DHCP_RELAY_AGENTS_AND_SERVERS });
      }
    }
  }

  reply(bytes: Uint8Array, clientAddress: string, port = CLIENT_PORT, local?: string): Promise<void> {
    if (this.#sockets.length === 0 || this.#closed !== undefined) return Promise.reject(closedError(this.ifname));
    // A socket bound to a unicast address sends from it; the multicast socket's source is the
    // kernel's choice (RFC 6724), which need not be the address a relay agent sent to.
    const want = local === undefined ? undefined : splitZone(local).address;
    const bound = want === undefined ? this.#sockets[0] : this.#sockets.find((s) => s.local === want);
    if (bound === undefined) {
      return Promise.reject(new IoError(problem('EADDRNOTAVAIL', `no DHCPv6 socket on ${this.ifname} is bound to ${local}, so the reply to ${clientAddress} was not sent`)));
    }
    return send(bound.socket, bytes, withZone(clientAddress, this.ifname), port, { ifname: this.ifname });
  }

  close(): Promise<void> {
    this.#closed ??= closeAll(this.#sockets.map((s) => s.socket));
    return this.#closed;
  }
}

function closedError(ifname: string): IoError {
  return new IoError(problem('ERR_SOCKET_CLOSED', `the DHCPv6 socket on ${ifname} is closed`));
}

/** Opens the DHCPv6 server sockets of one interface. Rejects with IoError. */
export async function openDhcp6ServerSocket(options: Dhcp6ServerOptions): Promise<Dhcp6ServerSocket> {
  const server = new DgramDhcp6Server(options.ifname, options.recvBufferSize);
  try {
    await server.add(`${ALL_DHCP_RELAY_AGENTS_AND_SERVERS}%${options.ifname}`, true);
    for (const address of options.unicast ?? []) await server.add(withZone(address, options.ifname), false);
  } catch (e) {
    await server.close();
    throw e;
  }
  return server;
}

class DgramDhcp6Client extends EventEmitter implements Dhcp6ClientSocket {
  readonly ifname: string;
  readonly address: string;
  readonly #socket: Socket;
  #closed: Promise<void> | undefined;

  constructor(ifname: string, address: string, socket: Socket) {
    super();
    this.ifname = ifname;
    this.address = address;
    this.#socket = socket;
    const local = splitZone(address).address;
    socket.on('message', (msg, rinfo) => this.emit('message', new Uint8Array(msg), messageInfo(rinfo, ifname, false, local)));
    socket.on('error', (e) => this.emit('error', toIoError(e, { ifname, address })));
  }

  send(bytes: Uint8Array, destination = ALL_DHCP_RELAY_AGENTS_AND_SERVERS, port = SERVER_PORT): Promise<void> {
    if (this.#closed !== undefined) return Promise.reject(closedError(this.ifname));
    return send(this.#socket, bytes, withZone(destination, this.ifname), port, { ifname: this.ifname });
  }

  close(): Promise<void> {
    this.#closed ??= closeAll([this.#socket]);
    return this.#closed;
  }
}

/** The interface's link-local address as this process's namespace sees it. */
function linkLocalOf(ifname: string): string {
  const found = (networkInterfaces()[ifname] ?? []).find((a) => a.family === 'IPv6' && /^fe[89ab]/i.test(a.address));
  if (found === undefined)
    throw new IoError(problem('ENODEV', `interface ${ifname} does not exist or has no link-local address yet`));
  return splitZone(found.address).address;
}

/** Opens a DHCPv6 client socket bound to the interface's link-local address, port 546. */
export async function openDhcp6ClientSocket(options: Dhcp6ClientOptions): Promise<Dhcp6ClientSocket> {
  const address = withZone(options.address ?? linkLocalOf(options.ifname), options.ifname);
  const socket = createSocket({ type: 'udp6' });
  try {
    await bind(socket, address, CLIENT_PORT, { ifname: options.ifname });
  } catch (e) {
    await closeAll([socket]);
    throw e;
  }
  return new DgramDhcp6Client(options.ifname, address, socket);
}
