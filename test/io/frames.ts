// Hand-made Ethernet frames for the lab tests: what a peer would put on the wire.
import { addressBytes } from '../../src/net/address.ts';
import { NEXT_HEADER_ICMPV6, pseudoHeaderChecksum } from '../../src/proto/checksum.ts';
import { ipv6Packet } from '../support/pcap.ts';

function macBytes(text: string): Uint8Array {
  return Uint8Array.from(text.split(':').map((h) => parseInt(h, 16)));
}

function address(text: string): Uint8Array {
  const bytes = addressBytes(text);
  if (bytes === undefined) throw new Error(`not an IPv6 address: ${text}`);
  return bytes;
}

/** Ethernet II around an IPv6 packet. */
export function ethernetFrame(destinationMac: string, sourceMac: string, packet: Uint8Array): Uint8Array {
  const out = new Uint8Array(14 + packet.length);
  out.set(macBytes(destinationMac), 0);
  out.set(macBytes(sourceMac), 6);
  out[12] = 0x86;
  out[13] = 0xdd;
  out.set(packet, 14);
  return out;
}

export interface IcmpFrameSpec {
  readonly sourceMac: string;
  readonly destinationMac: string;
  readonly source: string;
  readonly destination: string;
  readonly hopLimit: number;
  /** The ICMPv6 message with its checksum field zero; the checksum is filled in here. */
  readonly icmp: Uint8Array;
}

/** A whole frame carrying an ICMPv6 message with a correct checksum (RFC 4443 §2.3). */
export function icmpFrame(spec: IcmpFrameSpec): Uint8Array {
  const source = address(spec.source);
  const destination = address(spec.destination);
  const icmp = Uint8Array.from(spec.icmp);
  new DataView(icmp.buffer).setUint16(2, pseudoHeaderChecksum(source, destination, NEXT_HEADER_ICMPV6, icmp));
  const packet = ipv6Packet({ source, destination, nextHeader: NEXT_HEADER_ICMPV6, hopLimit: spec.hopLimit, payload: icmp });
  return ethernetFrame(spec.destinationMac, spec.sourceMac, packet);
}

/** An Echo Request (RFC 4443 §4.1) with identifier and sequence number, checksum zero. */
export function echoRequest(identifier: number, sequence: number): Uint8Array {
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  out[0] = 128;
  view.setUint16(4, identifier);
  view.setUint16(6, sequence);
  return out;
}
