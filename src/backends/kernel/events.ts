// Kernel events over an rtnetlink subscription, in place of `ip monitor`: links, neighbours,
// IPv6 addresses and IPv6 routes. An event only means "look again" (level-triggered reconcile);
// the echo of our own route adds is not one, or a converge of 110,000 routes would hear itself
// 110,000 times, and neither is a neighbour cache entry changing state (with traffic, every few
// seconds per neighbour): the backend observes only proxy entries. Events the kernel dropped
// (ENOBUFS on the socket) are an event too: what they said is unknown, so everything is read again.
import {
  ACCEPT_WHOLE, jumpIfEqual, loadByte, loadHalf, netlinkTypeAsLoaded, NLMSG_PAYLOAD_OFFSET, NLMSG_TYPE_OFFSET, ret, type BpfInstruction,
} from '../../io/bpf.ts';
import { subscribe, NETLINK_ROUTE } from '../../io/netlink.ts';
import type { NetlinkSubscription } from '../../io/netlink.ts';
import type { NetlinkMessage } from '../../proto/netlink/message.ts';
import { decodeLinkName, RTM_DELLINK, RTM_NEWLINK } from '../../proto/netlink/link.ts';
import { decodeRoute, RTM_DELROUTE, RTM_NEWROUTE, RTMSG_LEN } from '../../proto/netlink/route.ts';
import { ROUTE_PROTOCOL_NUMBER } from '../../reconcile/types.ts';
import type { Unsubscribe } from '../types.ts';

/** Multicast groups (include/uapi/linux/rtnetlink.h, enum rtnetlink_groups). */
export const RTNLGRP_LINK = 1;
export const RTNLGRP_NEIGH = 3;
export const RTNLGRP_IPV6_IFADDR = 9;
export const RTNLGRP_IPV6_ROUTE = 11;
export const KERNEL_EVENT_GROUPS: readonly number[] = [RTNLGRP_LINK, RTNLGRP_NEIGH, RTNLGRP_IPV6_IFADDR, RTNLGRP_IPV6_ROUTE];

const RTM_NEWADDR = 20;
const RTM_DELADDR = 21;
const RTM_NEWNEIGH = 28;
const RTM_DELNEIGH = 29;
/** struct ndmsg: family, pad, pad (u16), ifindex (s32), state (u16), flags (u8), type (u8). */
const NDMSG_FLAGS = 10;
const NTF_PROXY = 0x08;

/**
 * A route added with our protocol is the echo of our own apply (nobody else uses protocol 250);
 * every other event counts, deletions of our routes included.
 */
export function isOwnEcho(m: NetlinkMessage): boolean {
  return m.type === RTM_NEWROUTE && m.end - m.payload >= RTMSG_LEN && m.buf[m.payload + RTM_PROTOCOL_OFFSET] === ROUTE_PROTOCOL_NUMBER;
}

/** rtm_protocol in struct rtmsg (family, dst_len, src_len, tos, table, protocol, …). */
const RTM_PROTOCOL_OFFSET = 5;

/** A neighbour cache entry (not a proxy entry): nothing the backend observes. */
export function isCacheNeighbour(m: NetlinkMessage): boolean {
  if (m.type !== RTM_NEWNEIGH && m.type !== RTM_DELNEIGH) return false;
  return m.end - m.payload > NDMSG_FLAGS && (m.buf[m.payload + NDMSG_FLAGS]! & NTF_PROXY) === 0;
}

/** Whether a message means "look again". */
export function isEvent(m: NetlinkMessage): boolean {
  return !isOwnEcho(m) && !isCacheNeighbour(m);
}

/** A few words for the log about what changed. */
export function describeEvent(m: NetlinkMessage): string {
  switch (m.type) {
    case RTM_NEWROUTE:
    case RTM_DELROUTE: {
      const r = decodeRoute(m);
      const what = r.ok ? `route ${r.value.dst} proto ${r.value.protocol}` : 'route';
      return `${what} ${m.type === RTM_NEWROUTE ? 'added' : 'deleted'}`;
    }
    case RTM_NEWLINK:
    case RTM_DELLINK:
      return `link ${decodeLinkName(m)?.name ?? '?'} ${m.type === RTM_NEWLINK ? 'changed' : 'deleted'}`;
    case RTM_NEWADDR:
      return 'address added or changed';
    case RTM_DELADDR:
      return 'address deleted';
    case RTM_NEWNEIGH:
    case RTM_DELNEIGH:
      return 'proxy neighbour changed';
    default:
      return `netlink message type ${m.type}`;
  }
}

/**
 * Drops our own route echoes in the kernel (RTM_NEWROUTE with protocol 250), before they are
 * queued: a converge of 110,000 routes would otherwise wake us 110,000 times (and overflow the
 * socket), only for each to be recognised as ours. A multicast datagram holds one message.
 */
export function ownEchoFilter(): BpfInstruction[] {
  return [
    /* 0 */ loadHalf(NLMSG_TYPE_OFFSET),
    /* 1 */ jumpIfEqual(netlinkTypeAsLoaded(RTM_NEWROUTE), 0, 2), // not a route add: keep
    /* 2 */ loadByte(NLMSG_PAYLOAD_OFFSET + RTM_PROTOCOL_OFFSET),
    /* 3 */ jumpIfEqual(ROUTE_PROTOCOL_NUMBER, 1, 0), // ours: drop
    /* 4 */ ret(ACCEPT_WHOLE),
    /* 5 */ ret(0),
  ];
}

/**
 * The first event of each datagram calls `onChange` (one call says "look again" as well as many
 * would). A big apply overflows the subscription by itself (the kernel multicasts each of our
 * route adds while the synchronous apply keeps the event loop from reading); the addon reports
 * the loss once the backlog is read, and that is an event too.
 */
export function watchKernel(netns: string | undefined, onChange: (why: string) => void): Unsubscribe {
  const sub: NetlinkSubscription = subscribe(
    NETLINK_ROUTE,
    KERNEL_EVENT_GROUPS,
    (messages) => {
      const event = messages.find(isEvent);
      if (event !== undefined) onChange(`kernel event: ${describeEvent(event)}`);
    },
    (error) => onChange(`kernel events were lost (${error.message}): reading everything again`),
    netns,
    ownEchoFilter(),
  );
  return () => sub.close();
}
