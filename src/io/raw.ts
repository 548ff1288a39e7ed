// Typed wrappers over the native addon: an ICMPv6 raw socket for RS/RA/NS/NA and an AF_PACKET
// socket for the NDP proxy. The interfaces are small so a fake can stand in for them in tests.
import { EventEmitter } from 'node:events';
import { addressBytes, formatAddressBytes } from '../net/address.ts';
import { problem } from '../lib/result.ts';
import type { BpfInstruction } from './bpf.ts';
import { loadNative } from './addon.ts';
import { IoError, toIoError, type SocketContext } from './errors.ts';

export { ndpNeighborSolicitationFilter, type BpfInstruction } from './bpf.ts';
export { IoError } from './errors.ts';

export interface Icmp6MessageInfo {
  /** Canonical text (RFC 5952) of the IPv6 source, `::` for an unspecified source. */
  readonly source: string;
  readonly destination: string;
  readonly ifindex: number;
  /** IPv6 hop limit as received; ND demands 255 (RFC 4861 §6.1, §7.1). */
  readonly hopLimit: number;
}

export interface Icmp6Socket {
  readonly ifname: string;
  readonly ifindex: number;
  /** One event per ICMPv6 message (the bytes start at the ICMPv6 type; no IPv6 header). */
  on(event: 'message', listener: (bytes: Uint8Array, info: Icmp6MessageInfo) => void): this;
  on(event: 'error', listener: (error: IoError) => void): this;
  /**
   * Sends ICMPv6 bytes with hop limit 255 out of this interface. The kernel fills in the checksum,
   * so the codec leaves it 0. `source` picks the source address (IPV6_PKTINFO); addresses carry no
   * zone: the socket's interface is the zone. Throws IoError.
   */
  send(bytes: Uint8Array, destination: string, options?: { readonly source?: string }): void;
  join(group: string): void;
  leave(group: string): void;
  /** Idempotent; afterwards the socket no longer keeps the process alive. */
  close(): void;
}

export interface Icmp6SocketOptions {
  readonly ifname: string;
  /** A name under /run/netns, or an absolute path such as /proc/PID/ns/net. */
  readonly netns?: string;
  /** ICMPv6 types to receive (kernel ICMP6_FILTER); everything else is dropped before it is queued. */
  readonly types: readonly number[];
  /** Multicast groups to join now, e.g. `ff02::2` (all-routers) or a solicited-node group. */
  readonly join?: readonly string[];
}

export interface PacketFrameInfo {
  readonly ifindex: number;
}

export interface PacketSocket {
  readonly ifname: string;
  readonly ifindex: number;
  /** One event per Ethernet frame the filter accepted (starting at the destination MAC). */
  on(event: 'frame', listener: (frame: Uint8Array, info: PacketFrameInfo) => void): this;
  on(event: 'error', listener: (error: IoError) => void): this;
  /** Sends a whole Ethernet frame out of this interface, as is. Throws IoError. */
  send(frame: Uint8Array): void;
  close(): void;
}

export interface PacketSocketOptions {
  readonly ifname: string;
  readonly netns?: string;
  readonly filter: readonly BpfInstruction[];
  /** Receive all multicast frames (PACKET_MR_ALLMULTI), as a proxy for solicited-node groups needs. */
  readonly allMulticast: boolean;
}

type NativeHandle = { readonly ifindex: number };
type Icmp6Callback = (
  error: Error | null,
  bytes?: Buffer,
  source?: Buffer,
  destination?: Buffer,
  ifindex?: number,
  hopLimit?: number,
) => void;
type FrameCallback = (error: Error | null, frame?: Buffer, ifindex?: number) => void;

interface Addon {
  openIcmp6(ifname: string, netns: string | undefined, types: Uint8Array, cb: Icmp6Callback): NativeHandle;
  openPacket(
    ifname: string,
    netns: string | undefined,
    filter: readonly BpfInstruction[],
    allMulticast: boolean,
    cb: FrameCallback,
  ): NativeHandle;
  icmp6Send(h: NativeHandle, bytes: Uint8Array, destination: Uint8Array, source?: Uint8Array): void;
  membership(h: NativeHandle, group: Uint8Array, join: boolean): void;
  packetSend(h: NativeHandle, frame: Uint8Array): void;
  close(h: NativeHandle): void;
}

const loadAddon = (): Addon => loadNative<Addon>();

/** `ip netns` names live under /run/netns; anything with a slash is taken as a path. */
export function netnsPath(netns: string | undefined): string | undefined {
  if (netns === undefined) return undefined;
  return netns.includes('/') ? netns : `/run/netns/${netns}`;
}

function address(text: string, at: SocketContext): Uint8Array {
  const bytes = addressBytes(text);
  if (bytes === undefined)
    throw new IoError(problem('not-ipv6', `${text} is not an IPv6 address without zone or prefix (socket on ${at.ifname})`));
  return bytes;
}

function contextOf(options: { readonly ifname: string; readonly netns?: string }): SocketContext {
  return options.netns === undefined ? { ifname: options.ifname } : { ifname: options.ifname, netns: options.netns };
}

class NativeIcmp6Socket extends EventEmitter implements Icmp6Socket {
  readonly ifname: string;
  readonly ifindex: number;
  readonly #native: Addon;
  readonly #handle: NativeHandle;
  readonly #at: SocketContext;

  constructor(native: Addon, options: Icmp6SocketOptions) {
    super();
    this.#native = native;
    this.#at = contextOf(options);
    this.ifname = options.ifname;
    const badType = options.types.find((t) => !Number.isInteger(t) || t < 0 || t > 255);
    if (badType !== undefined) throw new IoError(problem('invalid-type', `${badType} is not an ICMPv6 type (0–255)`));
    const types = Uint8Array.from(options.types);
    try {
      this.#handle = native.openIcmp6(options.ifname, netnsPath(options.netns), types, (error, bytes, src, dst, ifindex, hopLimit) => {
        if (error !== null) this.emit('error', toIoError(error, this.#at));
        else
          this.emit('message', bytes, {
            source: formatAddressBytes(src!),
            destination: formatAddressBytes(dst!),
            ifindex: ifindex!,
            hopLimit: hopLimit!,
          });
      });
    } catch (e) {
      throw toIoError(e, this.#at);
    }
    this.ifindex = this.#handle.ifindex;
    try {
      for (const group of options.join ?? []) this.join(group);
    } catch (e) {
      this.close();
      throw e;
    }
  }

  send(bytes: Uint8Array, destination: string, options?: { readonly source?: string }): void {
    const at = options?.source === undefined ? this.#at : { ...this.#at, address: options.source };
    const source = options?.source === undefined ? undefined : address(options.source, at);
    try {
      this.#native.icmp6Send(this.#handle, bytes, address(destination, at), source);
    } catch (e) {
      throw toIoError(e, at);
    }
  }

  join(group: string): void {
    this.#membership(group, true);
  }

  leave(group: string): void {
    this.#membership(group, false);
  }

  #membership(group: string, join: boolean): void {
    const at = { ...this.#at, address: group };
    try {
      this.#native.membership(this.#handle, address(group, at), join);
    } catch (e) {
      throw toIoError(e, at);
    }
  }

  close(): void {
    this.#native.close(this.#handle);
  }
}

class NativePacketSocket extends EventEmitter implements PacketSocket {
  readonly ifname: string;
  readonly ifindex: number;
  readonly #native: Addon;
  readonly #handle: NativeHandle;
  readonly #at: SocketContext;

  constructor(native: Addon, options: PacketSocketOptions) {
    super();
    this.#native = native;
    this.#at = contextOf(options);
    this.ifname = options.ifname;
    try {
      this.#handle = native.openPacket(options.ifname, netnsPath(options.netns), options.filter, options.allMulticast, (error, frame, ifindex) => {
        if (error !== null) this.emit('error', toIoError(error, this.#at));
        else this.emit('frame', frame, { ifindex: ifindex! });
      });
    } catch (e) {
      throw toIoError(e, this.#at);
    }
    this.ifindex = this.#handle.ifindex;
  }

  send(frame: Uint8Array): void {
    try {
      this.#native.packetSend(this.#handle, frame);
    } catch (e) {
      throw toIoError(e, this.#at);
    }
  }

  close(): void {
    this.#native.close(this.#handle);
  }
}

/** Opens an ICMPv6 raw socket bound to one interface. Throws IoError (needs CAP_NET_RAW). */
export function openIcmp6Socket(options: Icmp6SocketOptions): Icmp6Socket {
  return new NativeIcmp6Socket(loadAddon(), options);
}

/** Opens an AF_PACKET socket for IPv6 frames on one interface. Throws IoError (needs CAP_NET_RAW). */
export function openPacketSocket(options: PacketSocketOptions): PacketSocket {
  return new NativePacketSocket(loadAddon(), options);
}
