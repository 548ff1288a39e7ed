// Proxy Neighbor Advertisements as whole Ethernet frames, filled into one preallocated frame per
// upstream interface. Everything that belongs to the interface (its MAC as the frame source and
// as the Target Link-Layer Address, its link-local address as the IPv6 source) is written once;
// an answer writes only the asker's MAC and address, the flags, the target and the checksum. Pure.
import { ETHERNET_HEADER, ETHERTYPE_IPV6, IPV6_HEADER } from './frame.ts';
import { icmpChecksum, writeAddress, writeMac, type MacValue } from './wire.ts';

/** RFC 4861 §4.4: 24 bytes of NA, then the 8-byte Target Link-Layer Address option (§4.6.1). */
const NA_LENGTH = 24 + 8;
export const NA_FRAME_LENGTH = ETHERNET_HEADER + IPV6_HEADER + NA_LENGTH;
const IP = ETHERNET_HEADER;
const ICMP = IP + IPV6_HEADER;
const NEIGHBOR_ADVERTISEMENT = 136;
const TARGET_LLA = 2;
// §4.4 flag bits in the byte after the checksum.
const ROUTER = 0x80;
const SOLICITED = 0x40;
const OVERRIDE = 0x20;

/** What belongs to the interface the answers leave from. */
export interface NaSender {
  readonly mac: MacValue;
  /** An address of the sending interface (its link-local one), as §7.2.2 asks of NA sources. */
  readonly linkLocal: bigint;
}

/** What one answer says. */
export interface NaAnswer {
  readonly destinationMac: MacValue;
  readonly destination: bigint;
  readonly target: bigint;
  readonly router: boolean;
  readonly solicited: boolean;
  readonly override: boolean;
}

export interface NaTemplate {
  /**
   * The frame for `answer`, hop limit 255 (§7.1.2) and checksum filled in. The same bytes are
   * rewritten by the next call: send them (the socket copies them) before filling again.
   */
  fill(answer: NaAnswer): Uint8Array;
}

export function naTemplate(sender: NaSender): NaTemplate {
  const frame = new Uint8Array(NA_FRAME_LENGTH);
  const view = new DataView(frame.buffer);
  writeMac(frame, 6, sender.mac);
  view.setUint16(12, ETHERTYPE_IPV6);
  view.setUint32(IP, 0x60000000);
  view.setUint16(IP + 4, NA_LENGTH);
  frame[IP + 6] = 58;
  frame[IP + 7] = 255;
  writeAddress(view, IP + 8, sender.linkLocal);
  frame[ICMP] = NEIGHBOR_ADVERTISEMENT;
  frame[ICMP + 24] = TARGET_LLA;
  frame[ICMP + 25] = 1;
  writeMac(frame, ICMP + 26, sender.mac);
  return {
    fill(answer: NaAnswer): Uint8Array {
      writeMac(frame, 0, answer.destinationMac);
      writeAddress(view, IP + 24, answer.destination);
      frame[ICMP + 4] = (answer.router ? ROUTER : 0) | (answer.solicited ? SOLICITED : 0) | (answer.override ? OVERRIDE : 0);
      writeAddress(view, ICMP + 8, answer.target);
      view.setUint16(ICMP + 2, 0);
      view.setUint16(ICMP + 2, icmpChecksum(frame, IP, NA_LENGTH));
      return frame;
    },
  };
}

/** One NA frame in a fresh array (tests and one-off answers). */
export function buildNaFrame(sender: NaSender, answer: NaAnswer): Uint8Array {
  return naTemplate(sender).fill(answer);
}
