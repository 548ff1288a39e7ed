// Ethernet + IPv6 + ICMPv6 checks for the proxy's AF_PACKET socket. Frames from a packet socket
// have had no kernel checks at all, so every header and every receive rule of RFC 4861 §7.1.1
// is checked here, on the bytes where they lie: no address text, no parsed message, no option
// list. The drop reasons are those of src/proto/ndp's validateReceived, in the same order, so a
// counter means the same thing whichever path dropped the packet; two differences are deliberate
// (a multicast source is dropped, a malformed option an NS does not use is ignored). Pure.
import type { DropReason } from '../../proto/ndp/index.ts';
import { icmpChecksum, readAddress, readMac, type MacValue } from './wire.ts';

export const ETHERNET_HEADER = 14;
export const IPV6_HEADER = 40;
export const ETHERTYPE_IPV6 = 0x86dd;
const NEXT_HEADER_ICMPV6 = 58;
const NEIGHBOR_SOLICITATION = 135;
/** RFC 4861 §7.1.1: type, code, checksum, reserved word and target. */
const NS_LENGTH = 24;
const SOURCE_LLA = 1;

/** Why a frame is not a Neighbor Solicitation worth deciding on. */
export type FrameDropReason =
  | 'frame-too-short'
  | 'not-ipv6'
  | 'ip-version'
  | 'ip-length'
  | 'extension-header'
  | 'not-ns'
  | 'source-multicast'
  | DropReason;

export interface ReceivedNs {
  readonly sourceMac: MacValue;
  readonly source: bigint;
  readonly destination: bigint;
  readonly target: bigint;
  /** A Source Link-Layer Address option of Ethernet size (the first SLLAO, when it is one). */
  readonly sourceLla: MacValue | undefined;
}

export type FrameResult = { readonly ok: true; readonly ns: ReceivedNs } | { readonly ok: false; readonly reason: FrameDropReason };

const fail = (reason: FrameDropReason): FrameResult => ({ ok: false, reason });

/**
 * Parses and validates one frame from the packet socket. Ethernet padding past the IPv6 payload
 * length is ignored (short frames are padded to 60 bytes); a payload length pointing past the
 * frame is a truncated packet.
 */
export function receiveNs(frame: Uint8Array): FrameResult {
  if (frame.length < ETHERNET_HEADER + IPV6_HEADER) return fail('frame-too-short');
  if (((frame[12]! << 8) | frame[13]!) !== ETHERTYPE_IPV6) return fail('not-ipv6');
  const ip = ETHERNET_HEADER;
  if (frame[ip]! >> 4 !== 6) return fail('ip-version');
  const length = (frame[ip + 4]! << 8) | frame[ip + 5]!;
  const icmp = ip + IPV6_HEADER;
  if (icmp + length > frame.length) return fail('ip-length');
  // A genuine NS has no extension header, and one in a fragment must be dropped (RFC 6980 §5).
  if (frame[ip + 6] !== NEXT_HEADER_ICMPV6) return fail('extension-header');
  if (length < 1 || frame[icmp] !== NEIGHBOR_SOLICITATION) return fail('not-ns');
  // §7.1.1: 255 proves no router forwarded it.
  if (frame[ip + 7] !== 255) return fail('hop-limit');
  if (length >= 2 && frame[icmp + 1] !== 0) return fail('bad-code');
  if (length < 4 || icmpChecksum(frame, ip, length) !== 0) return fail('bad-checksum');
  if (length < NS_LENGTH) return fail('too-short');
  const options = scanOptions(frame, icmp + NS_LENGTH, icmp + length);
  if (typeof options === 'string') return fail(options);
  // The first byte tells multicast (ff00::/8) apart; the bigints are made only for what passes.
  if (frame[icmp + 8] === 0xff) return fail('ns-multicast-target');
  // RFC 4291 §2.7: a multicast source is never valid, and the answer would go to a group.
  if (frame[ip + 8] === 0xff) return fail('source-multicast');
  if (isUnspecifiedAt(frame, ip + 8)) {
    if (!isSolicitedNodeAt(frame, ip + 24)) return fail('ns-unspecified-bad-destination');
    if (options.hasSourceLla) return fail('ns-unspecified-with-sllao');
  }
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const ns: ReceivedNs = {
    sourceMac: readMac(frame, 6),
    source: readAddress(view, ip + 8),
    destination: readAddress(view, ip + 24),
    target: readAddress(view, icmp + 8),
    sourceLla: options.sourceLla,
  };
  return { ok: true, ns };
}

interface NsOptions {
  readonly hasSourceLla: boolean;
  /** The first SLLAO's MAC when that option is one unit (6 bytes): only then can it address an Ethernet frame. */
  readonly sourceLla: MacValue | undefined;
}

const NO_OPTIONS: NsOptions = { hasSourceLla: false, sourceLla: undefined };

/**
 * Walks the options from `at` to `end` (RFC 4861 §4.6 framing: a type and a length byte, length
 * in 8-byte units, never 0, never past the end). Only the SLLAO is read: §7.1.1 has a receiver
 * ignore the contents of options an NS does not use, and skip unknown ones.
 */
function scanOptions(frame: Uint8Array, at: number, end: number): NsOptions | DropReason {
  if (at === end) return NO_OPTIONS;
  let hasSourceLla = false;
  let sourceLla: MacValue | undefined;
  while (at < end) {
    if (at + 2 > end) return 'option-overrun';
    const units = frame[at + 1]!;
    if (units === 0) return 'option-length-zero';
    if (at + units * 8 > end) return 'option-overrun';
    if (frame[at] === SOURCE_LLA && !hasSourceLla) {
      hasSourceLla = true;
      if (units === 1) sourceLla = readMac(frame, at + 2);
    }
    at += units * 8;
  }
  return { hasSourceLla, sourceLla };
}

function isUnspecifiedAt(frame: Uint8Array, at: number): boolean {
  for (let i = at; i < at + 16; i++) if (frame[i] !== 0) return false;
  return true;
}

/** RFC 4291 §2.7.1: ff02::1:ff00:0/104. */
const SOLICITED_NODE_HEAD = [0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff] as const;

function isSolicitedNodeAt(frame: Uint8Array, at: number): boolean {
  for (let i = 0; i < SOLICITED_NODE_HEAD.length; i++) if (frame[at + i] !== SOLICITED_NODE_HEAD[i]) return false;
  return true;
}
