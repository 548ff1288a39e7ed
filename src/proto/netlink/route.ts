// rtnetlink for IPv6 routes (include/uapi/linux/rtnetlink.h): RTM_NEWROUTE/RTM_DELROUTE requests
// for our routes, the strict dump of one table, the single-address RTM_F_FIB_MATCH lookup, and
// the decoding of the RTM_NEWROUTE messages the kernel answers with. Pure: it writes into a
// NetlinkWriter and reads received messages; the socket lives in src/io/netlink.ts.
import { err, ok, problem } from '../../lib/result.ts';
import type { Result } from '../../lib/result.ts';
import { formatAddressAt, formatPrefixAt, writeAddress } from '../../net/address-bytes.ts';
import { align4, NLA_HDRLEN, NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REPLACE, NLM_F_REQUEST } from './message.ts';
import type { NetlinkMessage, NetlinkWriter } from './message.ts';

export const RTM_NEWROUTE = 24;
export const RTM_DELROUTE = 25;
export const RTM_GETROUTE = 26;

export const AF_INET6 = 10;
export const RT_TABLE_MAIN = 254;
export const RT_SCOPE_UNIVERSE = 0;
export const RT_SCOPE_NOWHERE = 255;
export const RTN_UNSPEC = 0;
export const RTN_UNICAST = 1;
/** rtm_flags: answer a lookup with the FIB entry that matched, not the resolved next hop. */
export const RTM_F_FIB_MATCH = 0x2000;

export const RTA_DST = 1;
export const RTA_OIF = 4;
export const RTA_GATEWAY = 5;
export const RTA_PRIORITY = 6;
export const RTA_MULTIPATH = 9;
export const RTA_TABLE = 15;

/** struct rtmsg: family, dst_len, src_len, tos, table, protocol, scope, type (u8 each), flags (u32). */
export const RTMSG_LEN = 12;
/** struct rtnexthop: len (u16), flags, hops (u8), ifindex (s32); its attributes follow. */
const RTNH_LEN = 8;

/** A unicast IPv6 route as a request carries it: the caller resolved the device to its ifindex. */
export interface RouteRequest {
  /** `address/length`, host bits clear (the kernel clears them anyway). */
  readonly dst: string;
  readonly via?: string;
  readonly oif: number;
  /** rtm_protocol, 0–255. */
  readonly protocol: number;
}

export type RouteOp = 'add' | 'replace' | 'delete';

/** One route as the kernel reports it. Addresses are RFC 5952 canonical text. */
export interface RouteMessage {
  /** The destination as `address/length` (one flat string: a dump's are all Map keys); `::/0` for the default route. */
  readonly dst: string;
  readonly dstLen: number;
  readonly via?: string;
  /** 0 when the route has no output device (some reject routes; multipath without a first hop). */
  readonly oif: number;
  readonly protocol: number;
  /** RTA_TABLE when present (tables above 255 only fit there), else rtm_table. */
  readonly table: number;
  /** RTN_* (1 unicast, 6 blackhole, 7 unreachable, 8 prohibit, …). */
  readonly type: number;
  /** The metric; 0 when absent. */
  readonly priority: number;
}

interface RtmsgFields {
  readonly dstLen?: number;
  readonly table?: number;
  readonly protocol?: number;
  readonly scope?: number;
  readonly type?: number;
  readonly flags?: number;
}

/** Filled per message and copied into the writer at once: a batch writes 110,000 of these. */
const RTMSG = Buffer.alloc(RTMSG_LEN);

function rtmsg(f: RtmsgFields): Uint8Array {
  const b = RTMSG;
  b.fill(0);
  b[0] = AF_INET6;
  b[1] = f.dstLen ?? 0;
  b[4] = f.table ?? 0;
  b[5] = f.protocol ?? 0;
  b[6] = f.scope ?? RT_SCOPE_UNIVERSE;
  b[7] = f.type ?? RTN_UNSPEC;
  b.writeUInt32LE(f.flags ?? 0, 8);
  return b;
}

/** `address/length` as its network's 16 bytes (host bits cleared) and a length, or why not. */
export function parseDestination(text: string): Result<{ bytes: Uint8Array; length: number }> {
  const slash = text.indexOf('/');
  const lengthText = slash < 0 ? '' : text.slice(slash + 1);
  const length = /^\d{1,3}$/.test(lengthText) ? Number(lengthText) : NaN;
  const bytes = new Uint8Array(16);
  if (!(length <= 128) || !writeAddress(text.slice(0, slash), bytes, 0)) {
    return err(problem('bad-destination', `${text} is not an IPv6 prefix (address/length, length 0–128)`));
  }
  setHostBits(bytes, length, 0);
  return ok({ bytes, length });
}

/** Sets the bits after the first `length` of a 16-byte address to `bit` (0: network, 1: last address). */
export function setHostBits(bytes: Uint8Array, length: number, bit: 0 | 1): void {
  for (let i = 0; i < 16; i++) {
    const keep = Math.max(0, Math.min(8, length - 8 * i));
    const hostMask = 0xff >> keep;
    bytes[i] = bit === 1 ? bytes[i]! | hostMask : bytes[i]! & ~hostMask & 0xff;
  }
}

const FLAGS: Record<RouteOp, number> = {
  // include/uapi/linux/netlink.h: EXCL refuses to overwrite a route of the same destination and
  // metric (EEXIST), REPLACE overwrites it; CREATE makes either add one that is missing.
  add: NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL,
  replace: NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE,
  delete: NLM_F_REQUEST,
};

/** A route request checked and turned into bytes, ready to be written into any datagram. */
export interface PreparedRoute {
  readonly dst: Uint8Array;
  readonly dstLen: number;
  readonly via?: Uint8Array;
  readonly oif: number;
  readonly protocol: number;
}

/** Checks a route request's texts once, so writing it can no longer fail. */
export function prepareRoute(route: RouteRequest): Result<PreparedRoute> {
  const dst = parseDestination(route.dst);
  if (!dst.ok) return dst;
  if (!Number.isInteger(route.protocol) || route.protocol < 0 || route.protocol > 255) {
    return err(problem('bad-protocol', `route protocol ${route.protocol} is not a number 0–255`));
  }
  if (!Number.isInteger(route.oif) || route.oif < 0 || route.oif > 0x7fffffff) {
    return err(problem('bad-ifindex', `interface index ${route.oif} is out of range`));
  }
  const base = { dst: dst.value.bytes, dstLen: dst.value.length, oif: route.oif, protocol: route.protocol };
  if (route.via === undefined) return ok(base);
  const via = new Uint8Array(16);
  if (!writeAddress(route.via, via, 0)) return err(problem('bad-gateway', `${route.via} is not an IPv6 address`));
  return ok({ ...base, via });
}

/** The most a route request takes: header, rtmsg, RTA_DST, RTA_GATEWAY, RTA_OIF, RTA_TABLE. */
export const MAX_ROUTE_REQUEST = 16 + RTMSG_LEN + 20 + 20 + 8 + 8;

/**
 * Appends one RTM_NEWROUTE (add, replace) or RTM_DELROUTE message for `route` in table main.
 * `ack` asks the kernel to acknowledge success too (otherwise it answers only a refusal). A
 * deletion names the protocol, so the kernel removes only a route of that protocol
 * (ip6_route_del skips others), and its device; like iproute2 it leaves scope and type open
 * and names no gateway.
 */
export function writeRouteRequest(w: NetlinkWriter, op: RouteOp, route: PreparedRoute, seq: number, ack: boolean): void {
  const removing = op === 'delete';
  w.begin(removing ? RTM_DELROUTE : RTM_NEWROUTE, FLAGS[op] | (ack ? NLM_F_ACK : 0), seq);
  w.bytes(rtmsg({
    dstLen: route.dstLen,
    table: RT_TABLE_MAIN,
    protocol: route.protocol,
    scope: removing ? RT_SCOPE_NOWHERE : RT_SCOPE_UNIVERSE,
    type: removing ? RTN_UNSPEC : RTN_UNICAST,
  }));
  // The default route carries no RTA_DST, as iproute2 sends it.
  if (route.dstLen > 0) w.attr(RTA_DST, route.dst);
  if (route.via !== undefined && !removing) w.attr(RTA_GATEWAY, route.via);
  w.u32(RTA_OIF, route.oif);
  w.u32(RTA_TABLE, RT_TABLE_MAIN);
  w.end();
}

/**
 * A dump of one table's IPv6 routes. With NETLINK_GET_STRICT_CHK the kernel filters by table
 * itself (ip_valid_fib_dump_req: only RTA_TABLE and RTA_OIF may follow the header, and dst_len,
 * src_len, tos and scope must be 0) and walks only that table.
 */
export function writeRouteDump(w: NetlinkWriter, seq: number, table = RT_TABLE_MAIN): void {
  w.begin(RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, seq);
  w.bytes(rtmsg({ table: table <= 255 ? table : 0 }));
  w.u32(RTA_TABLE, table);
  w.end();
}

/**
 * A route lookup for one address answered with the FIB entry that matched (RTM_F_FIB_MATCH),
 * acknowledged so that every request gets an answer. The strict checker allows no table here
 * (inet6_rtm_valid_getroute_req): the answer is whatever the policy rules led to.
 */
export function writeFibMatchRequest(w: NetlinkWriter, address: Uint8Array, seq: number): void {
  w.begin(RTM_GETROUTE, NLM_F_REQUEST | NLM_F_ACK, seq);
  w.bytes(rtmsg({ dstLen: 128, flags: RTM_F_FIB_MATCH }));
  w.attr(RTA_DST, address);
  w.end();
}

/** An RTM_NEWROUTE (or RTM_DELROUTE) message as a route; an error names the offending offset. */
export function decodeRoute(m: NetlinkMessage): Result<RouteMessage> {
  const { buf, payload, end } = m;
  if (end - payload < RTMSG_LEN) return err(problem('too-short', `a route message needs ${RTMSG_LEN} bytes of rtmsg; it has ${end - payload}`, { offset: payload }));
  if (buf[payload] !== AF_INET6) return err(problem('not-ipv6', `the route message is of address family ${buf[payload]}, not AF_INET6 (10)`, { offset: payload }));
  const dstLen = buf[payload + 1]!;
  let dst: string | undefined;
  let via: string | undefined;
  let oif = 0;
  let table = buf[payload + 4]!;
  let priority = 0;
  // The attributes walked inline rather than through forEachAttr: a full dump decodes 110,000 of
  // these, and the closures showed in the profile.
  for (let at = payload + RTMSG_LEN; at + NLA_HDRLEN <= end; at += align4(buf.readUInt16LE(at))) {
    const len = buf.readUInt16LE(at);
    if (len < NLA_HDRLEN || at + len > end) return err(problem('bad-attribute', `malformed route attribute: length ${len}`, { offset: at }));
    const type = buf.readUInt16LE(at + 2) & NLA_TYPE_MASK;
    const from = at + NLA_HDRLEN;
    const size = len - NLA_HDRLEN;
    const want = ATTR_SIZES[type];
    if (want !== undefined && size !== want) {
      return err(problem('bad-attribute', `malformed route attribute: type ${type} has ${size} bytes, not ${want}`, { offset: from }));
    }
    if (type === RTA_DST) dst = formatPrefixAt(buf, from, dstLen);
    else if (type === RTA_GATEWAY) via = gatewayText(buf, from);
    else if (type === RTA_OIF) oif = buf.readUInt32LE(from);
    else if (type === RTA_TABLE) table = buf.readUInt32LE(from);
    else if (type === RTA_PRIORITY) priority = buf.readUInt32LE(from);
    else if (type === RTA_MULTIPATH) {
      // A multipath route has no RTA_OIF; its first hop stands for it (ours never are).
      const first = firstHop(buf, from, from + size);
      if (first !== undefined && oif === 0) {
        oif = first.oif;
        if (via === undefined && first.via !== undefined) via = first.via;
      }
    }
  }
  dst ??= `::/${dstLen}`;
  const protocol = buf[payload + 5]!;
  const type = buf[payload + 7]!;
  // Two literals rather than a spread: the spread costs more than the rest of the decode.
  return ok(via === undefined ? { dst, dstLen, oif, protocol, table, type, priority } : { dst, dstLen, via, oif, protocol, table, type, priority });
}

const NLA_TYPE_MASK = 0x3fff;
/** Sizes the kernel always gives these attributes; anything else is malformed. */
const ATTR_SIZES: Partial<Record<number, number>> = { [RTA_DST]: 16, [RTA_GATEWAY]: 16, [RTA_OIF]: 4, [RTA_TABLE]: 4, [RTA_PRIORITY]: 4 };

/**
 * A dump's routes mostly share a few next hops, so the last gateway's text is kept and reused
 * when the next route's 16 bytes are the same.
 */
const lastGateway = new Uint8Array(16);
let lastGatewayText: string | undefined;

function gatewayText(buf: Buffer, from: number): string {
  if (lastGatewayText !== undefined && buf.compare(lastGateway, 0, 16, from, from + 16) === 0) return lastGatewayText;
  lastGateway.set(buf.subarray(from, from + 16));
  lastGatewayText = formatAddressAt(buf, from);
  return lastGatewayText;
}

/** The first struct rtnexthop of an RTA_MULTIPATH value; undefined when it is malformed. */
function firstHop(buf: Buffer, from: number, to: number): { oif: number; via?: string } | undefined {
  if (to - from < RTNH_LEN) return undefined;
  const len = buf.readUInt16LE(from);
  if (len < RTNH_LEN || from + len > to) return undefined;
  const oif = buf.readInt32LE(from + 4);
  for (let at = from + RTNH_LEN; at + NLA_HDRLEN <= from + len; ) {
    const alen = buf.readUInt16LE(at);
    if (alen < NLA_HDRLEN || at + alen > from + len) return undefined;
    if ((buf.readUInt16LE(at + 2) & NLA_TYPE_MASK) === RTA_GATEWAY && alen === NLA_HDRLEN + 16) return { oif, via: formatAddressAt(buf, at + NLA_HDRLEN) };
    at += align4(alen);
  }
  return { oif };
}
