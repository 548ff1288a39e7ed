// Neighbor Solicitation frames built by hand, good and broken, for the frame parser's tables and
// for the lab's raw senders.
import { addressToBytes, formatAddress, parseAddress } from '../../../src/net/address.ts';
import { multicastMac, parseMac, solicitedNodeAddress } from '../../../src/net/eui64.ts';
import { NEXT_HEADER_ICMPV6, pseudoHeaderChecksum } from '../../../src/proto/checksum.ts';
import { unwrap } from '../../../src/lib/result.ts';
import { serializeNdp, type NdpOption } from '../../../src/proto/ndp/index.ts';

export interface NsSpec {
  readonly sourceMac?: string;
  readonly source?: string;
  readonly target: string;
  /** Default: the target's solicited-node group. */
  readonly destination?: string;
  readonly hopLimit?: number;
  readonly options?: readonly NdpOption[];
  readonly nextHeader?: number;
  /** Applied to the ICMPv6 bytes before the checksum is computed. */
  readonly corrupt?: (icmp: Uint8Array) => Uint8Array;
  /** Flips checksum bits after it is computed. */
  readonly breakChecksum?: boolean;
  /** Ethernet padding after the IPv6 packet. */
  readonly padding?: number;
}

export const value = (text: string): bigint => unwrap(parseAddress(text)).value;

export function nsFrame(spec: NsSpec): Uint8Array {
  const source = spec.source ?? 'fe80::1';
  const destination = spec.destination ?? formatAddress(solicitedNodeAddress(value(spec.target)));
  let icmp = unwrap(serializeNdp({ type: 'ns', target: spec.target, options: spec.options ?? [] }));
  if (spec.corrupt !== undefined) icmp = spec.corrupt(icmp);
  const sum = pseudoHeaderChecksum(addressToBytes(value(source)), addressToBytes(value(destination)), NEXT_HEADER_ICMPV6, icmp);
  new DataView(icmp.buffer, icmp.byteOffset).setUint16(2, spec.breakChecksum === true ? sum ^ 0xffff : sum);
  const frame = new Uint8Array(14 + 40 + icmp.length + (spec.padding ?? 0));
  const view = new DataView(frame.buffer);
  const dstMac = value(destination) >> 120n === 0xffn ? unwrap(multicastMac(value(destination))) : unwrap(parseMac('02:00:00:00:00:99'));
  frame.set(dstMac, 0);
  frame.set(unwrap(parseMac(spec.sourceMac ?? '02:00:00:00:00:01')), 6);
  view.setUint16(12, 0x86dd);
  view.setUint32(14, 0x60000000);
  view.setUint16(18, icmp.length);
  frame[20] = spec.nextHeader ?? 58;
  frame[21] = spec.hopLimit ?? 255;
  frame.set(addressToBytes(value(source)), 22);
  frame.set(addressToBytes(value(destination)), 38);
  frame.set(icmp, 54);
  return frame;
}
