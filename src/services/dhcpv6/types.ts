// The DHCPv6 server's vocabulary: the links it serves, what decide() is told and what it answers.
import type { Dhcp6Message, Duid, ServerDropReason } from '../../proto/dhcpv6/index.ts';
import type { Dhcpv6Config } from '../../config/dhcpv6-schema.ts';
import type { LeaseKind, LeaseRecord } from '../../store/records.ts';
import type { Prefix } from '../../net/prefix.ts';

/** An inclusive range of addresses handed out by IA_NA. */
export interface AddressRange {
  readonly start: bigint;
  readonly end: bigint;
}

/** A prefix carved into delegated prefixes of `delegatedLength` for IA_PD (RFC 8415 §6.3). */
export interface DelegationPool {
  readonly prefix: Prefix;
  readonly delegatedLength: number;
}

/** One link the server answers for: an interface in stateless or stateful mode. */
export interface ServerLink {
  /** The interface name; leases on this link are stored under it. */
  readonly name: string;
  readonly config: Dhcpv6Config;
  /** Prefixes on the link (RFC 8415 §18.3.2 "appropriate for the link"), pools included. */
  readonly onLink: readonly Prefix[];
  /** Empty in stateless mode. */
  readonly addressRanges: readonly AddressRange[];
  readonly delegationPools: readonly DelegationPool[];
  /** Reservations by client DUID (lowercase hex, no separators). */
  readonly reservations: ReadonlyMap<string, { readonly address?: string; readonly prefix?: string }>;
  /** Every reserved address and prefix, kept out of the dynamic pools. */
  readonly reserved: ReadonlySet<string>;
}

/** The lease questions decide() asks; answered from memory, kept in step with the store. */
export interface LeaseView {
  /** Active bindings of one client on one link. */
  bindings(link: string, duid: string, now: number): readonly LeaseRecord[];
  /** The active or quarantined (declined) lease of an address or prefix, if any. */
  holder(link: string, kind: LeaseKind, lease: string, now: number): LeaseRecord | undefined;
  /** Active bindings on a link. */
  activeCount(link: string, now: number): number;
}

/** What the runner knows about a received datagram, and who we are. */
export interface DecideMeta {
  /** The interface the datagram arrived on. */
  readonly iface: string;
  /** The source address (a link-local one may carry `%zone`). */
  readonly source: string;
  /** Sent to ff02::1:2 rather than one of our unicast addresses. */
  readonly multicast: boolean;
  readonly serverDuid: Duid;
  /** The links we serve, by interface name. */
  readonly links: ReadonlyMap<string, ServerLink>;
}

/**
 * `withdraw`: the server ended a binding the running config no longer covers, telling the client
 * with lifetimes 0; the row is kept with state `released`.
 */
export type LeaseAction = 'bind' | 'renew' | 'release' | 'decline' | 'withdraw';

/** One lease row to write before the reply leaves. */
export interface LeaseChange {
  readonly action: LeaseAction;
  readonly lease: LeaseRecord;
}

/** Why decide() answered nothing, beyond the codec's receive checks. */
export type DecideDropReason =
  | ServerDropReason
  /** The interface is not served, or a relay's link-address matches no served link. */
  | 'no-link'
  /** Confirm without addresses, or for a link we cannot judge (RFC 8415 §18.3.3). */
  | 'confirm-undecidable';

export interface Decision {
  /** The message to send back (a Relay-reply when the request came through relays). */
  readonly reply?: Dhcp6Message;
  /** Where the reply goes: the client (port 546) or the relay it came through (port 547). */
  readonly replyTo?: { readonly address: string; readonly port: number };
  readonly changes: readonly LeaseChange[];
  readonly drop?: DecideDropReason;
  /** The client's message type, relays unwrapped, for the counters. */
  readonly messageType: string;
  /** The link whose pools answered, when one was chosen. */
  readonly link?: string;
}
