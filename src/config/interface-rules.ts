// Rules within one interface's own fields: each `ips` token and address appears once, and
// gateways are reachable (link-local, or inside one of the interface's prefixes).
import { isLinkLocalUnicast } from '../net/kind.ts';
import { contains } from '../net/prefix.ts';
import { problem, type Problem } from '../lib/result.ts';
import { onLinkPrefixes } from './facts.ts';
import { addressValue } from './net-text.ts';
import { formatPath } from './paths.ts';
import type { Config } from './schema.ts';

export function interfaceRuleProblems(config: Config): Problem[] {
  const out: Problem[] = [];
  for (const [name, iface] of Object.entries(config.interfaces)) {
    const seen = new Map<string, number>();
    iface.ips.forEach((ip, i) => {
      // Compare addresses by value so 2001:db8::1/64 and 2001:DB8:0::1/64 are the same entry.
      const key = ip === 'slaac' || ip === 'dhcpv6' ? ip : String(addressValue(ip.slice(0, ip.indexOf('/'))));
      const first = seen.get(key);
      if (first !== undefined) {
        out.push(problem('duplicate', `${ip} is already listed at ips[${first}]; each address and token appears once.`, { path: formatPath(['interfaces', name, 'ips', i]) }));
      } else seen.set(key, i);
    });
    const onLink = onLinkPrefixes(config, name);
    iface.gateways.forEach((g, i) => {
      const v = addressValue(g);
      if (v === undefined || isLinkLocalUnicast(v) || onLink.some((p) => contains(p.cidr, v))) return;
      if (iface.ips.includes('slaac') || iface.ips.includes('dhcpv6')) return; // its prefix is learned, not configured
      out.push(problem('not-on-link', `Gateway ${g} is neither link-local nor inside a prefix of "${name}".`, { path: formatPath(['interfaces', name, 'gateways', i]) }));
    });
  }
  return out;
}
