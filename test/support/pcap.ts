// Writes pcap files of raw IPv6 packets, so tshark can dissect what our codecs produce.
import { writeFileSync } from 'node:fs';
import { NEXT_HEADER_UDP, pseudoHeaderChecksum } from '../../src/proto/checksum.ts';

const LINKTYPE_RAW = 101;

export interface Ipv6PacketSpec {
  readonly source: Uint8Array;
  readonly destination: Uint8Array;
  readonly nextHeader: number;
  readonly hopLimit: number;
  readonly payload: Uint8Array;
}

/** A whole IPv6 packet (fixed header, no extension headers) around `payload`. */
export function ipv6Packet(spec: Ipv6PacketSpec): Uint8Array {
  const out = new Uint8Array(40 + spec.payload.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x60000000);
  view.setUint16(4, spec.payload.length);
  out[6] = spec.nextHeader;
  out[7] = spec.hopLimit;
  out.set(spec.source, 8);
  out.set(spec.destination, 24);
  out.set(spec.payload, 40);
  return out;
}

/** A UDP datagram with a correct checksum. */
export function udpDatagram(
  source: Uint8Array,
  destination: Uint8Array,
  sourcePort: number,
  destinationPort: number,
  data: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(8 + data.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, sourcePort);
  view.setUint16(2, destinationPort);
  view.setUint16(4, out.length);
  out.set(data, 8);
  view.setUint16(6, pseudoHeaderChecksum(source, destination, NEXT_HEADER_UDP, out) || 0xffff);
  return out;
}

/** Writes `packets` (whole IPv6 packets) as a pcap file with link type RAW. */
export function writePcap(path: string, packets: readonly Uint8Array[]): void {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(LINKTYPE_RAW, 20);
  const records = packets.map((p, i) => {
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(1_700_000_000 + i, 0);
    rec.writeUInt32LE(p.length, 8);
    rec.writeUInt32LE(p.length, 12);
    return Buffer.concat([rec, p]);
  });
  writeFileSync(path, Buffer.concat([header, ...records]));
}
