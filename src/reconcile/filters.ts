// The nftables ruleset of table `inet v6edge`, generated from the config. Everything that grows
// with the number of hosts lives in interval sets keyed by prefix, so the rules are a fixed
// handful and a change of hosts is a change of set elements: no flush, no rule churn (hitless).
import type { Config } from '../config/schema.ts';
import { onLinkPrefixes } from '../config/facts.ts';
import { prefixRange, type PrefixRange } from './canonical.ts';
import type { LeaseRoute } from './desired.ts';
import { blockOf, disjointBlocks, disjointItems, separateBlocks, type Block } from './prefix-blocks.ts';
import { hostPrefixes, type ResolvedHost } from './hosts.ts';
import {
  ACCEPT, DADDR, DROP, ICMPV6_TYPE, IIFNAME, L4PROTO, OIFNAME, SADDR, TCP_DPORT, TH_DPORT, UDP_DPORT, UDP_SPORT,
  anyOf, concat, ctState, inSet, is, log, notInSet,
} from './nft-expr.ts';
import type { ChainSpec, FilterSpec, RuleSpec, SetSpec } from './types.ts';

export const TABLE_FAMILY = 'inet';
export const TABLE_NAME = 'v6edge';

/**
 * RFC 4890 §4.3.1 (must not be dropped in transit: 1, 2, 3 code 0, 4 codes 1–2, 128, 129) and
 * §4.3.2 (normally not dropped: 3 code 1, 4 code 0, 144–147). Every code of 3 and 4 is in one
 * of the two lists (type 4 code 3, RFC 7112, rides along), so matching on the type suffices.
 */
export const FORWARD_ICMPV6_TYPES: readonly number[] = [1, 2, 3, 4, 128, 129, 144, 145, 146, 147];

/**
 * RFC 4890 §4.4.1 (must not be dropped on input: the transit set plus ND 133–136, MLD 130–132
 * and 143, inverse ND 141–142, SEND 148–149, multicast router discovery 151–153).
 * Redirect (137) is left to policy (§4.4.3); firewall.redirects decides.
 */
export const INPUT_ICMPV6_TYPES: readonly number[] = [
  ...FORWARD_ICMPV6_TYPES, 130, 131, 132, 133, 134, 135, 136, 141, 142, 143, 148, 149, 151, 152, 153,
].sort((a, b) => a - b);

export const ICMPV6_REDIRECT = 137;
export const ROUTER_ADVERTISEMENT = 134;
/** RFC 8415 §7.2: clients listen on 546, servers and relays on 547. */
export const DHCPV6_CLIENT_PORT = 546;
export const DHCPV6_SERVER_PORT = 547;
export const SSH_PORT = 22;

/** A 32-bit FNV-1a hash; a rule's comment carries it so a changed rule is noticed on read-back. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

function rule(name: string, expr: readonly unknown[]): RuleSpec {
  return { name, expr, comment: `${name} ${fnv1a(JSON.stringify(expr))}` };
}

const itself = (r: PrefixRange): PrefixRange => r;

function rangesOf(prefixes: Iterable<string>): PrefixRange[] {
  const out: PrefixRange[] = [];
  for (const text of prefixes) {
    const r = prefixRange(text);
    if (r !== undefined) out.push(r);
  }
  return out;
}

/** Orders prefix-keyed elements and drops any covered by an earlier one: nft refuses overlapping intervals. */
export function disjointPrefixes(prefixes: Iterable<string>): string[] {
  return disjointItems(rangesOf(prefixes), itself).map((r) => r.text);
}

function addBlock(blocks: Map<string, Block<PrefixRange>[]>, iface: string, block: Block<PrefixRange> | undefined): void {
  if (block === undefined) return;
  const list = blocks.get(iface);
  if (list === undefined) blocks.set(iface, [block]);
  else list.push(block);
}

const portText = ([lo, hi]: readonly [number, number]): string => (lo === hi ? String(lo) : `${lo}-${hi}`);

/** What one resolved host adds to the sets; kept per host object, which resolveHosts reuses while the host is unchanged. */
interface HostElements {
  /** Its prefix and its networks (on its interface, for the source sets). */
  readonly prefixes: Block<PrefixRange> | undefined;
  readonly published: readonly string[];
}

const hostElementsMemo = new WeakMap<ResolvedHost, HostElements>();

function hostElements(h: ResolvedHost): HostElements {
  const hit = hostElementsMemo.get(h);
  if (hit !== undefined) return hit;
  const made = {
    prefixes: hostPrefixes(h).block,
    published: h.published.map((p) => `${p.prefix} . ${p.protocol} . ${portText(p.ports)}`),
  };
  hostElementsMemo.set(h, made);
  return made;
}

interface Sides {
  readonly wan: string[];
  readonly inside: string[];
  readonly mgmt: string[];
}

function sides(config: Config): Sides {
  const byRole = (role: string) => Object.entries(config.interfaces).filter(([, i]) => i.role === role).map(([n]) => n);
  const inside = [...byRole('lan'), ...byRole('hosts')].sort();
  const mgmt = [...new Set([...config.firewall.management.interfaces, ...byRole('mgmt')])].sort();
  return { wan: byRole('wan').sort(), inside, mgmt };
}

/**
 * The source set of each inside interface, by position in `inside` (interface names may hold
 * characters a set name should not). One plain interval set per interface, not one set keyed by
 * `ifname . prefix`: a concatenated interval set is a pipapo set, whose insert rebuilds its
 * lookup tables, so filling 10,000 elements took 1.55 s against 0.12 s for a plain one.
 */
export const sourceSetName = (index: number): string => `inside_sources_${index}`;

function sets(config: Config, s: Sides, hosts: readonly ResolvedHost[], leases: readonly LeaseRoute[]): SetSpec[] {
  const sources = new Map<string, Block<PrefixRange>[]>();
  const hostBlocks: Block<PrefixRange>[] = [];
  const published = new Set<string>();
  const single = (iface: string, prefix: string): void => addBlock(sources, iface, blockOf(rangesOf([prefix]), itself));
  for (const iface of s.inside) for (const p of onLinkPrefixes(config, iface)) single(iface, p.text);
  for (const h of hosts) {
    const e = hostElements(h);
    addBlock(sources, h.iface, e.prefixes);
    if (e.prefixes !== undefined) hostBlocks.push(e.prefixes);
    for (const p of e.published) published.add(p);
  }
  for (const l of leases) single(l.dev, l.prefix);
  const mgmtSources = config.firewall.management.sources;
  const ifnames = (name: string, elements: readonly string[]): SetSpec => ({ name, type: ['ifname'], interval: false, elements });
  const prefixes = (name: string, elements: readonly string[]): SetSpec => ({ name, type: ['ipv6_addr'], interval: true, elements });
  return [
    ifnames('wan_ifaces', s.wan),
    ifnames('inside_ifaces', s.inside),
    ifnames('mgmt_ifaces', s.mgmt),
    // No management sources configured means any source on the management interfaces.
    prefixes('mgmt_sources', disjointPrefixes(mgmtSources.length === 0 ? ['::/0'] : mgmtSources)),
    ...s.inside.map((iface, i) => prefixes(sourceSetName(i), disjointBlocks(sources.get(iface) ?? [], itself).map((r) => r.text))),
    // Each host's prefix with its networks (those inside it drop out as covered): 10,000
    // elements for 10,000 hosts rather than one per network, which only a counter would notice.
    prefixes('host_prefixes', disjointBlocks(hostBlocks, itself).map((r) => r.text)),
    { name: 'published', type: ['ipv6_addr', 'inet_proto', 'inet_service'], interval: true, elements: [...published].sort() },
  ];
}

/** The explicit last rule of a chain: counted (and logged when asked) before the policy drop. */
function finalDrop(name: string, config: Config): RuleSpec {
  return rule(name, config.firewall.logDrops ? [log(`v6edge ${name}: `), DROP] : [DROP]);
}

function inputChain(config: Config, s: Sides): ChainSpec {
  const fw = config.firewall;
  const icmp = fw.redirects === 'allow' ? [...INPUT_ICMPV6_TYPES, ICMPV6_REDIRECT].sort((a, b) => a - b) : INPUT_ICMPV6_TYPES;
  const rules = [
    rule('in_established', [ctState('established', 'related'), ACCEPT]),
    rule('in_invalid', [ctState('invalid'), DROP]),
    rule('in_loopback', [is(IIFNAME, 'lo'), ACCEPT]),
    // Rogue guard: only we advertise and serve DHCPv6 downstream (RFC 6104 describes the problem).
    rule('in_rogue_ra', [inSet(IIFNAME, 'inside_ifaces'), is(ICMPV6_TYPE, ROUTER_ADVERTISEMENT), DROP]),
    rule('in_rogue_dhcpv6', [inSet(IIFNAME, 'inside_ifaces'), is(UDP_SPORT, DHCPV6_SERVER_PORT), DROP]),
    rule('in_icmpv6', [anyOf(ICMPV6_TYPE, icmp), ACCEPT]),
    rule('in_dhcpv6_server', [inSet(IIFNAME, 'inside_ifaces'), is(UDP_DPORT, DHCPV6_SERVER_PORT), ACCEPT]),
    rule('in_dhcpv6_client', [inSet(IIFNAME, 'wan_ifaces'), is(UDP_DPORT, DHCPV6_CLIENT_PORT), ACCEPT]),
  ];
  // SSH only from the management side: its interfaces (if any are named) and its sources.
  const mgmtConfigured = s.mgmt.length > 0 || fw.management.sources.length > 0;
  if (fw.allowSsh && mgmtConfigured) {
    const iface = s.mgmt.length > 0 ? [inSet(IIFNAME, 'mgmt_ifaces')] : [];
    rules.push(rule('in_ssh', [...iface, inSet(SADDR, 'mgmt_sources'), is(TCP_DPORT, SSH_PORT), ACCEPT]));
  }
  rules.push(finalDrop('in_drop', config));
  return { name: 'input', hook: 'input', priority: 0, policy: 'drop', rules };
}

function forwardChain(config: Config, s: Sides): ChainSpec {
  const rules = [
    rule('fwd_established', [ctState('established', 'related'), ACCEPT]),
    rule('fwd_invalid', [ctState('invalid'), DROP]),
    // Anti-spoofing (BCP 38 / RFC 2827): a packet from a downstream link must come from a prefix
    // that lives behind that link. One rule per inside interface, all counted as fwd_spoofed.
    ...s.inside.map((iface, i) => rule('fwd_spoofed', [is(IIFNAME, iface), notInSet(SADDR, sourceSetName(i)), DROP])),
    rule('fwd_icmpv6', [anyOf(ICMPV6_TYPE, FORWARD_ICMPV6_TYPES), ACCEPT]),
    rule('fwd_outbound', [inSet(IIFNAME, 'inside_ifaces'), inSet(OIFNAME, 'wan_ifaces'), ACCEPT]),
    rule('fwd_published', [inSet(concat(DADDR, L4PROTO, TH_DPORT), 'published'), ACCEPT]),
    // No NAT66: containers are reached by their own addresses, and only on published ports.
    rule('fwd_unpublished', [inSet(DADDR, 'host_prefixes'), DROP]),
    finalDrop('fwd_drop', config),
  ];
  return { name: 'forward', hook: 'forward', priority: 0, policy: 'drop', rules };
}

/** Table inet v6edge for `config`, its hosts and its delegated prefixes. */
export function filterSpec(config: Config, hosts: readonly ResolvedHost[], leases: readonly LeaseRoute[]): FilterSpec {
  const s = sides(config);
  return { sets: sets(config, s, hosts, leases), chains: [inputChain(config, s), forwardChain(config, s)] };
}

/** Every counter of the table, named after its rule (the per-interface anti-spoofing rules share one). */
export function counterNames(spec: FilterSpec): string[] {
  return [...new Set(spec.chains.flatMap((c) => c.rules.map((r) => r.name)))];
}
