// Classic BPF (the socket-filter dialect of SO_ATTACH_FILTER) as plain data, and the program the
// NDP proxy attaches to its AF_PACKET socket. Pure: no I/O, so it can be tested as a table.

/** One `struct sock_filter`: opcode, jump-if-true, jump-if-false (relative, forward), constant. */
export interface BpfInstruction {
  readonly code: number;
  readonly jt: number;
  readonly jf: number;
  readonly k: number;
}

// Opcode parts from linux/bpf_common.h.
const BPF_LD = 0x00;
const BPF_JMP = 0x05;
const BPF_RET = 0x06;
const BPF_W = 0x00;
const BPF_H = 0x08;
const BPF_B = 0x10;
const BPF_ABS = 0x20;
const BPF_JEQ = 0x10;
const BPF_K = 0x00;

/** Loads at or past this offset read packet metadata rather than bytes (linux/filter.h SKF_AD_OFF). */
const SKF_AD_OFF = 0x1_0000_0000 - 0x1000;
const SKF_AD_PKTTYPE = 4;
/** `sll_pkttype` of a frame this host is sending (linux/if_packet.h). */
export const PACKET_OUTGOING = 4;

/** Bytes a matching frame keeps: all of it (the value tcpdump uses as its snap length). */
export const ACCEPT_WHOLE_FRAME = 0x40000;

/** What a netlink filter returns to keep a datagram whole (the kernel trims to this many bytes). */
export const ACCEPT_WHOLE = 0xffff_ffff;

/**
 * A netlink message type as `loadHalf` sees it: BPF loads are big-endian, netlink headers are in
 * host order (little-endian here), so the two bytes come out swapped.
 */
export const netlinkTypeAsLoaded = (type: number): number => ((type & 0xff) << 8) | (type >> 8);

/** Offset of nlmsg_type in a netlink header, and of the first byte after the header. */
export const NLMSG_TYPE_OFFSET = 4;
export const NLMSG_PAYLOAD_OFFSET = 16;

export const loadByte = (offset: number): BpfInstruction => ({ code: BPF_LD | BPF_B | BPF_ABS, jt: 0, jf: 0, k: offset });
export const loadHalf = (offset: number): BpfInstruction => ({ code: BPF_LD | BPF_H | BPF_ABS, jt: 0, jf: 0, k: offset });
export const loadWord = (offset: number): BpfInstruction => ({ code: BPF_LD | BPF_W | BPF_ABS, jt: 0, jf: 0, k: offset });
export const jumpIfEqual = (k: number, jt: number, jf: number): BpfInstruction => ({ code: BPF_JMP | BPF_JEQ | BPF_K, jt, jf, k });
export const ret = (k: number): BpfInstruction => ({ code: BPF_RET | BPF_K, jt: 0, jf: 0, k });

// Offsets in an Ethernet frame carrying IPv6 (the kernel has already removed any VLAN tag).
const ETHERTYPE = 12;
const IPV6 = 14;
const NEXT_HEADER = IPV6 + 6;
const HOP_LIMIT = IPV6 + 7;
const ICMPV6_TYPE = IPV6 + 40;

/**
 * Accepts only Neighbor Solicitations arriving from the wire: Ethernet → IPv6 → ICMPv6 type 135
 * directly after the fixed header, with hop limit 255. Frames with extension headers are dropped:
 * RFC 6980 forbids fragmented ND, and a genuine NS has no other extension header. The proxy still
 * validates everything else itself (RFC 4861 §7.1.1): AF_PACKET gets no kernel ND checks.
 */
export function ndpNeighborSolicitationFilter(): BpfInstruction[] {
  const drop = 11;
  // Each jump is relative to the next instruction, so "to drop from i" is drop - (i + 1).
  return [
    /* 0 */ loadWord(SKF_AD_OFF + SKF_AD_PKTTYPE), // A = direction/kind of the frame
    /* 1 */ jumpIfEqual(PACKET_OUTGOING, drop - 2, 0), // our own sends (e.g. the proxy's probes): drop
    /* 2 */ loadHalf(ETHERTYPE),
    /* 3 */ jumpIfEqual(0x86dd, 0, drop - 4), // not IPv6: drop
    /* 4 */ loadByte(NEXT_HEADER),
    /* 5 */ jumpIfEqual(58, 0, drop - 6), // not ICMPv6 right after the fixed header: drop
    /* 6 */ loadByte(HOP_LIMIT),
    /* 7 */ jumpIfEqual(255, 0, drop - 8), // forwarded, so not from this link (RFC 4861 §7.1.1): drop
    /* 8 */ loadByte(ICMPV6_TYPE), // a frame too short for this load is dropped by the kernel
    /* 9 */ jumpIfEqual(135, 0, drop - 10), // not a Neighbor Solicitation: drop
    /* 10 */ ret(ACCEPT_WHOLE_FRAME),
    /* 11 */ ret(0),
  ];
}
