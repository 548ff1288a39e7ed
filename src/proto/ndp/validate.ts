// Receive-side validity checks (RFC 4861 §6.1.1, §6.1.2, §7.1.1, §7.1.2, §8.1; RFC 6980 §5).
// A node silently discards a message that fails any of them; the reason is returned for counters
// and logs. Pure: the caller supplies what the socket reported about the packet.
import { addressBytes } from '../../net/address.ts';
import { parseNdp, verifyChecksum } from './messages.ts';
import type { NdpMessage } from './types.ts';

export type DropReason =
  | 'fragmented'
  | 'hop-limit'
  | 'bad-code'
  | 'bad-checksum'
  | 'not-ndp'
  | 'too-short'
  | 'too-long'
  | 'option-length-zero'
  | 'option-overrun'
  | 'malformed-option'
  | 'bad-address'
  | 'rs-unspecified-with-sllao'
  | 'ra-source-not-link-local'
  | 'ns-multicast-target'
  | 'ns-unspecified-bad-destination'
  | 'ns-unspecified-with-sllao'
  | 'na-multicast-target'
  | 'na-solicited-to-multicast'
  | 'redirect-source-not-link-local'
  | 'redirect-multicast-destination'
  | 'redirect-bad-target';

export interface ReceiveMeta {
  /** The IPv6 Hop Limit the packet arrived with (IPV6_RECVHOPLIMIT). */
  readonly hopLimit: number;
  /** IPv6 source and destination addresses, as text without a zone. */
  readonly source: string;
  readonly destination: string;
  /** Interface the packet arrived on; the scope that gives link-local addresses meaning. */
  readonly ifindex: number;
  /** True when the packet carried a Fragment header (RFC 6980 §5). */
  readonly hasFragmentHeader?: boolean;
}

// Parse failures that map one-to-one onto a drop reason; every other option failure is
// reported as `malformed-option`.
const FRAMING: ReadonlySet<string> = new Set(['not-ndp', 'too-short', 'too-long', 'option-length-zero', 'option-overrun']);

/**
 * Why a received ND message must be discarded, or undefined when it may be processed. Given raw
 * bytes it also checks the checksum and framing; given a parsed message it trusts that the kernel
 * verified the checksum, as Linux does on raw ICMPv6 sockets.
 */
export function validateReceived(input: NdpMessage | Uint8Array, meta: ReceiveMeta): DropReason | undefined {
  // RFC 6980 §5: ND messages inside fragments are dropped, whatever they say.
  if (meta.hasFragmentHeader === true) return 'fragmented';
  // RFC 4861 §6.1 and §7.1: 255 proves the packet was not forwarded by a router.
  if (meta.hopLimit !== 255) return 'hop-limit';
  const source = addressBytes(meta.source);
  const destination = addressBytes(meta.destination);
  if (source === undefined || destination === undefined) return 'bad-address';
  let msg: NdpMessage;
  if (input instanceof Uint8Array) {
    if (input.length >= 2 && input[1] !== 0) return 'bad-code';
    if (!verifyChecksum(input, meta.source, meta.destination)) return 'bad-checksum';
    const parsed = parseNdp(input);
    if (!parsed.ok) return FRAMING.has(parsed.error.code) ? (parsed.error.code as DropReason) : 'malformed-option';
    msg = parsed.value;
  } else {
    msg = input;
  }
  if ((msg.code ?? 0) !== 0) return 'bad-code';
  return checkMessage(msg, source, destination);
}

const isUnspecified = (a: Uint8Array): boolean => a.every((b) => b === 0);
const isMulticast = (a: Uint8Array): boolean => a[0] === 0xff;
const isLinkLocal = (a: Uint8Array): boolean => a[0] === 0xfe && (a[1]! & 0xc0) === 0x80;
const hasSourceLla = (msg: NdpMessage): boolean => msg.options.some((o) => o.type === 'source-lla');

/** RFC 4291 §2.7.1: ff02::1:ff00:0/104. */
function isSolicitedNode(a: Uint8Array): boolean {
  const head = [0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff];
  return head.every((b, i) => a[i] === b);
}

function targetBytes(text: string): Uint8Array {
  // Parsed messages always hold canonical text; a hand-built one with a bad target is treated
  // as multicast so it is dropped rather than trusted.
  return addressBytes(text) ?? Uint8Array.of(0xff);
}

function checkMessage(msg: NdpMessage, source: Uint8Array, destination: Uint8Array): DropReason | undefined {
  switch (msg.type) {
    case 'rs':
      // §6.1.1: an RS from the unspecified address carries no source link-layer address.
      if (isUnspecified(source) && hasSourceLla(msg)) return 'rs-unspecified-with-sllao';
      return undefined;
    case 'ra':
      // §6.1.2: routers speak from their link-local address.
      if (!isLinkLocal(source)) return 'ra-source-not-link-local';
      return undefined;
    case 'ns':
      // §7.1.1.
      if (isMulticast(targetBytes(msg.target))) return 'ns-multicast-target';
      if (isUnspecified(source)) {
        if (!isSolicitedNode(destination)) return 'ns-unspecified-bad-destination';
        if (hasSourceLla(msg)) return 'ns-unspecified-with-sllao';
      }
      return undefined;
    case 'na':
      // §7.1.2.
      if (isMulticast(targetBytes(msg.target))) return 'na-multicast-target';
      if (isMulticast(destination) && msg.solicited) return 'na-solicited-to-multicast';
      return undefined;
    case 'redirect': {
      // §8.1: from a link-local router address, about a unicast destination, to a target that is
      // either a link-local router or the destination itself.
      if (!isLinkLocal(source)) return 'redirect-source-not-link-local';
      const dest = targetBytes(msg.destination);
      if (isMulticast(dest)) return 'redirect-multicast-destination';
      const target = targetBytes(msg.target);
      if (!isLinkLocal(target) && !target.every((b, i) => b === dest[i])) return 'redirect-bad-target';
      return undefined;
    }
  }
}
