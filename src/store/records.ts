// Rows the store keeps beside config revisions. Shared by the store (persistence), IPAM
// (allocations) and the DHCPv6 server (leases), so each can be written without the others.

/** A prefix handed to a host or a container network by IPAM. */
export interface AllocationRecord {
  /** Pool the prefix came from, e.g. `hosts` or `host:web1` for a host's container networks. */
  readonly pool: string;
  /** Stable owner key within the pool: a host name, or `host/network`. */
  readonly owner: string;
  /** Canonical CIDR text, e.g. `2001:db8:1::/48`. */
  readonly prefix: string;
  /** Epoch milliseconds when released; a released prefix is quarantined until reuse is allowed. */
  readonly releasedAt?: number;
}

export type LeaseKind = 'na' | 'pd';
export type LeaseState = 'active' | 'released' | 'declined' | 'expired';

/** One DHCPv6 binding: an address (IA_NA) or a delegated prefix (IA_PD). */
export interface LeaseRecord {
  readonly iface: string;
  /** Client DUID as lowercase hex without separators. */
  readonly duid: string;
  readonly iaid: number;
  readonly kind: LeaseKind;
  /** Canonical address text for `na`, canonical CIDR for `pd`. */
  readonly lease: string;
  readonly preferredLifetime: number;
  readonly validLifetime: number;
  /** Epoch milliseconds at which the valid lifetime ends. */
  readonly expiresAt: number;
  readonly state: LeaseState;
  /** The client's link-local address, the next hop for a delegated prefix. */
  readonly clientLinkLocal?: string;
}
