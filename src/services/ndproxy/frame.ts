// Ethernet + IPv6 framing for the proxy's AF_PACKET socket. Frames from a packet socket have had
// no kernel checks at all, so every header is checked here before the ND rules of
// src/proto/ndp (RFC 4861 §7.1.1) are applied; answers are built as whole frames. Pure.
import { addressFromBytes, addressToBytes, formatAddress } from '../../net/address.ts';
import { formatMac, parseMac } from '../../net/eui64.ts';
import { NEXT_HEADER_ICMPV6 } from '../../proto/checksum.ts';
import { parseNdp, serializeNdp, validateReceived, type DropReason } from '../../proto/ndp/index.ts';

const ETHERNET_HEADER = 14;
const IPV6_HEADER = 40;
const ETHERTYPE_IPV6 = 0x86dd;

/** Why a frame is not a Neighbor Solicitation worth deciding on. */
export type FrameDropReason =
  | 'frame-too-short'
  | 'not-ipv6'
  | 'ip-version'
  | 'ip-length'
  | 'extension-header'
  | 'not-ns'
  | DropReason;

export interface ReceivedNs {
  readonly sourceMac: string;
  readonly destinationMac: string;
  readonly source: bigint;
  readonly destination: bigint;
  readonly target: bigint;
  readonly sourceLla?: string;
}

export type FrameResult = { readonly ok: true; readonly ns: ReceivedNs } | { readonly ok: false; readonly reason: FrameDropReason };

const fail = (reason: FrameDropReason): FrameResult => ({ ok: false, reason });

/**
 * Parses and validates one frame from the packet socket. Ethernet padding past the IPv6 payload
 * length is ignored (short frames are padded to 60 bytes); a payload length pointing past the
 * frame is a truncated packet.
 */
export function receiveNs(frame: Uint8Array, ifindex: number): FrameResult {
  if (frame.length < ETHERNET_HEADER + IPV6_HEADER) return fail('frame-too-short');
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  if (view.getUint16(12) !== ETHERTYPE_IPV6) return fail('not-ipv6');
  const ip = ETHERNET_HEADER;
  if (frame[ip]! >> 4 !== 6) return fail('ip-version');
  const payloadLength = view.getUint16(ip + 4);
  const end = ip + IPV6_HEADER + payloadLength;
  if (end > frame.length) return fail('ip-length');
  // A genuine NS has no extension header, and one in a fragment must be dropped (RFC 6980 §5).
  if (frame[ip + 6] !== NEXT_HEADER_ICMPV6) return fail('extension-header');
  const source = addressFromBytes(frame, ip + 8).value;
  const destination = addressFromBytes(frame, ip + 24).value;
  const icmp = frame.subarray(ip + IPV6_HEADER, end);
  if (icmp.length < 1 || icmp[0] !== 135) return fail('not-ns');
  const reason = validateReceived(icmp, {
    hopLimit: frame[ip + 7]!,
    source: formatAddress(source),
    destination: formatAddress(destination),
    ifindex,
  });
  if (reason !== undefined) return fail(reason);
  const msg = parseNdp(icmp);
  // validateReceived has parsed the same bytes already; this cannot fail, but stays total.
  if (!msg.ok || msg.value.type !== 'ns') return fail('not-ns');
  const sllao = msg.value.options.find((o) => o.type === 'source-lla');
  return {
    ok: true,
    ns: {
      sourceMac: formatMac(frame.subarray(6, 12)),
      destinationMac: formatMac(frame.subarray(0, 6)),
      source,
      destination,
      target: addressFromBytes(icmp, 8).value,
      // Only an Ethernet-sized SLLAO can address an Ethernet frame; otherwise answer the frame's source.
      ...(sllao?.type === 'source-lla' && parseMac(sllao.address).ok ? { sourceLla: sllao.address } : {}),
    },
  };
}

export interface NaFrame {
  readonly sourceMac: string;
  readonly destinationMac: string;
  /** An address of the sending interface (its link-local one), as §7.2.2 asks of NA sources. */
  readonly source: bigint;
  readonly destination: bigint;
  readonly target: bigint;
  readonly router: boolean;
  readonly solicited: boolean;
  readonly override: boolean;
  /** The Target Link-Layer Address option: the MAC the asker should send to (ours). */
  readonly targetLla: string;
}

/** A whole Ethernet frame carrying the NA, hop limit 255 (§7.1.2) and its checksum filled in. */
export function buildNaFrame(na: NaFrame): Uint8Array {
  const icmp = serializeNdp(
    {
      type: 'na',
      router: na.router,
      solicited: na.solicited,
      override: na.override,
      target: formatAddress(na.target),
      options: [{ type: 'target-lla', address: na.targetLla }],
    },
    { source: formatAddress(na.source), destination: formatAddress(na.destination) },
  );
  if (!icmp.ok) throw new Error(`cannot build a proxy NA: ${icmp.error.message}`);
  const dst = parseMac(na.destinationMac);
  const src = parseMac(na.sourceMac);
  if (!dst.ok || !src.ok) throw new Error(`cannot build a proxy NA: bad MAC ${na.destinationMac} or ${na.sourceMac}`);
  const frame = new Uint8Array(ETHERNET_HEADER + IPV6_HEADER + icmp.value.length);
  const view = new DataView(frame.buffer);
  frame.set(dst.value, 0);
  frame.set(src.value, 6);
  view.setUint16(12, ETHERTYPE_IPV6);
  view.setUint32(ETHERNET_HEADER, 0x60000000);
  view.setUint16(ETHERNET_HEADER + 4, icmp.value.length);
  frame[ETHERNET_HEADER + 6] = NEXT_HEADER_ICMPV6;
  frame[ETHERNET_HEADER + 7] = 255;
  frame.set(addressToBytes(na.source), ETHERNET_HEADER + 8);
  frame.set(addressToBytes(na.destination), ETHERNET_HEADER + 24);
  frame.set(icmp.value, ETHERNET_HEADER + IPV6_HEADER);
  return frame;
}
