// The proxy's socket filter: src/io's NS filter without its hop-limit test. The kernel would
// drop a forwarded (hop limit ≠ 255) solicitation silently; letting it through to frame.ts means
// it is dropped just the same (RFC 4861 §7.1.1) but counted, so an operator sees the attempt.
import { ACCEPT_WHOLE_FRAME, PACKET_OUTGOING, jumpIfEqual, loadByte, loadHalf, loadWord, ret, type BpfInstruction } from '../../io/bpf.ts';

const SKF_AD_PKTTYPE = 0x1_0000_0000 - 0x1000 + 4;
const ETHERTYPE = 12;
const NEXT_HEADER = 14 + 6;
const ICMPV6_TYPE = 14 + 40;

/** Accepts incoming IPv6 frames whose ICMPv6 header right after the fixed header says NS (135). */
export function proxySolicitationFilter(): BpfInstruction[] {
  const drop = 9;
  return [
    /* 0 */ loadWord(SKF_AD_PKTTYPE),
    /* 1 */ jumpIfEqual(PACKET_OUTGOING, drop - 2, 0), // our own answers
    /* 2 */ loadHalf(ETHERTYPE),
    /* 3 */ jumpIfEqual(0x86dd, 0, drop - 4),
    /* 4 */ loadByte(NEXT_HEADER),
    /* 5 */ jumpIfEqual(58, 0, drop - 6),
    /* 6 */ loadByte(ICMPV6_TYPE),
    /* 7 */ jumpIfEqual(135, 0, drop - 8),
    /* 8 */ ret(ACCEPT_WHOLE_FRAME),
    /* 9 */ ret(0),
  ];
}
