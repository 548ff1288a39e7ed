// The objects the apply loop owns, in one shape for both sides: what the config wants (desired)
// and what the kernel reports (observed). One schema for both sides is what lets plan() be a
// plain diff and verify() be "plan again and expect nothing" (nmstate's habit).

/** Link kinds we create ourselves; ethernet and veth links exist already and we only tune them. */
export type CreatedKind = 'vlan' | 'bridge' | 'bond' | 'dummy';
export type LinkKind = CreatedKind | 'ethernet' | 'veth';

export const CREATED_KINDS: readonly LinkKind[] = ['vlan', 'bridge', 'bond', 'dummy'];

/** The ifalias that marks a link as created by v6edge, so we delete only our own. */
export const OWNER_ALIAS = 'v6edge';

export interface Link {
  readonly name: string;
  readonly kind: LinkKind;
  readonly mtu: number;
  readonly up: boolean;
  /** vlan: the parent link. */
  readonly parent?: string;
  /** vlan: the 802.1Q id. */
  readonly vlanId?: number;
  /** bond: the mode name as iproute2 spells it. */
  readonly bondMode?: string;
  /** The bridge or bond this link is a port or member of. */
  readonly master?: string;
}

/** An observed link also says whether it carries our ownership mark. */
export interface ObservedLink extends Link {
  readonly owned: boolean;
}

/** An interface address with its on-link prefix length, canonical text (`2001:db8::1/64`). */
export interface Address {
  readonly dev: string;
  readonly cidr: string;
}

/** A sysctl by its dotted key, e.g. `net.ipv6.conf.wan0.accept_ra`. */
export interface Sysctl {
  readonly key: string;
  readonly value: string;
}

/** Route protocol name and number registered in /etc/iproute2/rt_protos.d/v6edge.conf. */
export const ROUTE_PROTOCOL = 'v6edge';
export const ROUTE_PROTOCOL_NUMBER = 250;

export interface Route {
  /** Canonical CIDR of the destination. */
  readonly dst: string;
  /** Next hop; absent for a route straight onto the link. */
  readonly via?: string;
  readonly dev: string;
  /** `v6edge` for ours; observed routes carry whatever the kernel says. */
  readonly protocol: string;
}

/** A kernel proxy NDP entry (`ip -6 neigh add proxy ADDRESS dev DEV`). */
export interface ProxyNeighbor {
  readonly address: string;
  readonly dev: string;
}

/** An nft interval or plain set of the v6edge table. */
export interface SetSpec {
  readonly name: string;
  /** nft type names; more than one makes a concatenation. */
  readonly type: readonly string[];
  readonly interval: boolean;
  /** Canonical element keys: `a . b` text for concatenations, CIDR or `lo-hi` for intervals. */
  readonly elements: readonly string[];
}

export interface RuleSpec {
  /** Also the name of the rule's counter. */
  readonly name: string;
  /** nft JSON statements (libnftables-json(5)), without the counter, which is prepended. */
  readonly expr: readonly unknown[];
  /** `name hash` — how a rule is recognised when the table is read back. */
  readonly comment: string;
}

export interface ChainSpec {
  readonly name: string;
  readonly hook: 'input' | 'forward' | 'output';
  readonly priority: number;
  readonly policy: 'accept' | 'drop';
  readonly rules: readonly RuleSpec[];
}

/** Everything table `inet v6edge` holds. */
export interface FilterSpec {
  readonly sets: readonly SetSpec[];
  readonly chains: readonly ChainSpec[];
}

/** What nft reports about our table: the same skeleton, rules recognised by their comments. */
export interface ObservedFilter {
  readonly sets: readonly SetSpec[];
  readonly chains: ReadonlyArray<Omit<ChainSpec, 'rules'> & { readonly rules: readonly string[] }>;
  readonly counters: readonly string[];
}

export interface DesiredState {
  readonly links: readonly Link[];
  readonly addresses: readonly Address[];
  readonly sysctls: readonly Sysctl[];
  readonly routes: readonly Route[];
  readonly proxyNeighbors: readonly ProxyNeighbor[];
  readonly nft: FilterSpec;
}

export interface ObservedState {
  readonly links: readonly ObservedLink[];
  readonly addresses: readonly Address[];
  /** Only the keys asked for; a key the kernel lacks is absent. */
  readonly sysctls: readonly Sysctl[];
  readonly routes: readonly Route[];
  readonly proxyNeighbors: readonly ProxyNeighbor[];
  /** undefined when table inet v6edge does not exist. */
  readonly nft: ObservedFilter | undefined;
}

/** Subsystems in the order a pass applies them: links before what sits on them. */
export const SUBSYSTEMS = ['links', 'sysctls', 'addresses', 'routes', 'proxyNeighbors', 'nft'] as const;
export type Subsystem = (typeof SUBSYSTEMS)[number];

export type Change =
  | { readonly subsystem: 'links'; readonly op: 'add'; readonly link: Link }
  | { readonly subsystem: 'links'; readonly op: 'set'; readonly link: Link; readonly before: Link }
  | { readonly subsystem: 'links'; readonly op: 'delete'; readonly link: Link }
  | { readonly subsystem: 'sysctls'; readonly op: 'set'; readonly sysctl: Sysctl; readonly before?: string }
  | { readonly subsystem: 'addresses'; readonly op: 'add' | 'delete'; readonly address: Address }
  | { readonly subsystem: 'routes'; readonly op: 'add' | 'delete'; readonly route: Route }
  | { readonly subsystem: 'routes'; readonly op: 'replace'; readonly route: Route; readonly before: Route }
  | { readonly subsystem: 'proxyNeighbors'; readonly op: 'add' | 'delete'; readonly neighbor: ProxyNeighbor }
  /** The table's skeleton (sets, chains, rules) differs: rebuild it in one transaction. */
  | { readonly subsystem: 'nft'; readonly op: 'replace-table'; readonly filter: FilterSpec }
  | { readonly subsystem: 'nft'; readonly op: 'add-elements' | 'delete-elements'; readonly set: string; readonly elements: readonly string[] };

export type ChangeOf<S extends Subsystem> = Extract<Change, { subsystem: S }>;
