// No two owners may claim overlapping address space: interface prefixes, prefix delegation
// pools, hosts' fixed prefixes and container networks, and the IPAM host pool. Prefixes are
// nested or disjoint, so one sorted sweep with a stack of enclosing prefixes finds every clash.
import { problem, type Problem } from '../lib/result.ts';
import { onLinkPrefixes } from './facts.ts';
import { formatPath, type PathSegment } from './paths.ts';
import type { Config } from './schema.ts';
import { prefixValue } from './net-text.ts';
import { isLinkLocalUnicast } from '../net/kind.ts';
import { contains, formatPrefix, type Prefix } from '../net/prefix.ts';

type ClaimKind = 'interface' | 'pd-pool' | 'host' | 'ipam';

interface Claim {
  readonly cidr: Prefix;
  readonly text: string;
  readonly path: readonly PathSegment[];
  /** Claims with the same owner may nest (an interface listing its prefix twice, a host's networks). */
  readonly owner: string;
  readonly kind: ClaimKind;
  /** Document order, so the later claim is the one reported. */
  readonly order: number;
}

function collectClaims(config: Config): Claim[] {
  const claims: Claim[] = [];
  const add = (text: string, path: readonly PathSegment[], owner: string, kind: ClaimKind): void => {
    const c = prefixValue(text);
    if (c === undefined) return;
    // An interface naming its prefix in both `ips` and the RA is one claim, not two.
    if (claims.some((o) => o.owner === owner && o.cidr.network === c.network && o.cidr.length === c.length)) return;
    claims.push({ cidr: c, text, path, owner, kind, order: claims.length });
  };
  for (const [name, iface] of Object.entries(config.interfaces)) {
    // fe80::/10 is on every link by design (RFC 4291 §2.5.6), so it belongs to no one.
    for (const p of onLinkPrefixes(config, name)) if (!isLinkLocalUnicast(p.cidr.network)) add(formatPrefix(p.cidr), p.path, `interface:${name}`, 'interface');
    iface.dhcpv6?.prefixDelegationPools.forEach((pool, i) => {
      add(pool.prefix, ['interfaces', name, 'dhcpv6', 'prefixDelegationPools', i, 'prefix'], `pd:${name}:${i}`, 'pd-pool');
    });
  }
  for (const [host, h] of Object.entries(config.hosts)) {
    if (h.prefix !== undefined) add(h.prefix, ['hosts', host, 'prefix'], `host:${host}`, 'host');
    for (const [net, n] of Object.entries(h.networks)) {
      if (n.prefix !== undefined) add(n.prefix, ['hosts', host, 'networks', net, 'prefix'], `host:${host}`, 'host');
    }
  }
  if (config.ipam !== undefined) add(config.ipam.hostPool, ['ipam', 'hostPool'], 'ipam', 'ipam');
  return claims;
}

/** Host prefixes are carved out of the IPAM pool, so a host prefix inside it is expected. */
function allowed(outer: Claim, inner: Claim): boolean {
  if (outer.owner === inner.owner) return true;
  return outer.kind === 'ipam' && inner.kind === 'host';
}

export function overlapRuleProblems(config: Config): Problem[] {
  const claims = collectClaims(config).sort((a, b) =>
    a.cidr.network < b.cidr.network ? -1 : a.cidr.network > b.cidr.network ? 1 : a.cidr.length - b.cidr.length || a.order - b.order,
  );
  const out: Problem[] = [];
  const stack: Claim[] = [];
  const reported = new Set<string>();
  for (const c of claims) {
    while (stack.length > 0 && !contains(stack.at(-1)!.cidr, c.cidr)) stack.pop();
    for (const outer of stack) {
      if (allowed(outer, c)) continue;
      const [first, later] = outer.order < c.order ? [outer, c] : [c, outer];
      const key = `${later.order} ${first.owner}`;
      if (reported.has(key)) continue;
      reported.add(key);
      out.push(problem('overlap', `${later.text} overlaps ${first.text} (at ${formatPath(first.path)}); address space has one owner.`, { path: formatPath(later.path) }));
    }
    stack.push(c);
  }
  return out;
}
