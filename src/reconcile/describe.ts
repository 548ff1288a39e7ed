// Changes as one line each, in iproute2/nft words, for `v6edge plan`, events and error messages.
import type { Change, Link, Route } from './types.ts';

function linkText(l: Link): string {
  const parts = [`link ${l.name}`, l.kind];
  if (l.parent !== undefined) parts.push(`link ${l.parent}`);
  if (l.vlanId !== undefined) parts.push(`id ${l.vlanId}`);
  if (l.bondMode !== undefined) parts.push(`mode ${l.bondMode}`);
  parts.push(`mtu ${l.mtu}`, l.up ? 'up' : 'down');
  if (l.master !== undefined) parts.push(`master ${l.master}`);
  return parts.join(' ');
}

export const routeText = (r: Route): string => `route ${r.dst}${r.via === undefined ? '' : ` via ${r.via}`} dev ${r.dev} proto ${r.protocol}`;

/** What the change touches, e.g. `route 2001:db8::/48`: the object an error is reported against. */
export function changeObject(c: Change): string {
  switch (c.subsystem) {
    case 'links':
      return `link ${c.link.name}`;
    case 'sysctls':
      return `sysctl ${c.sysctl.key}`;
    case 'addresses':
      return `address ${c.address.cidr} dev ${c.address.dev}`;
    case 'routes':
      return `route ${c.route.dst}`;
    case 'proxyNeighbors':
      return `proxy ${c.neighbor.address} dev ${c.neighbor.dev}`;
    case 'nft':
      return c.op === 'replace-table' ? 'table inet v6edge' : `set ${c.set}`;
  }
}

/** `+ route 2001:db8::/48 via fe80::1 dev hosts0 proto v6edge`; `-` removes, `~` changes. */
export function describeChange(c: Change): string {
  switch (c.subsystem) {
    case 'links':
      if (c.op === 'set') return `~ ${linkText(c.link)} (was ${linkText(c.before)})`;
      return `${c.op === 'add' ? '+' : '-'} ${linkText(c.link)}`;
    case 'sysctls':
      return `~ sysctl ${c.sysctl.key} = ${c.sysctl.value}${c.before === undefined ? '' : ` (was ${c.before})`}`;
    case 'addresses':
      return `${c.op === 'add' ? '+' : '-'} address ${c.address.cidr} dev ${c.address.dev}`;
    case 'routes':
      if (c.op === 'replace') return `~ ${routeText(c.route)} (was ${routeText(c.before)})`;
      return `${c.op === 'add' ? '+' : '-'} ${routeText(c.route)}`;
    case 'proxyNeighbors':
      return `${c.op === 'add' ? '+' : '-'} proxy ${c.neighbor.address} dev ${c.neighbor.dev}`;
    case 'nft':
      if (c.op === 'replace-table') {
        const rules = c.filter.chains.reduce((n, ch) => n + ch.rules.length, 0);
        const elements = c.filter.sets.reduce((n, s) => n + s.elements.length, 0);
        return `~ table inet v6edge (${c.filter.chains.length} chains, ${rules} rules, ${c.filter.sets.length} sets, ${elements} elements)`;
      }
      return `${c.op === 'add-elements' ? '+' : '-'} ${c.elements.length} element(s) of set ${c.set}: ${c.elements.slice(0, 3).join(', ')}${c.elements.length > 3 ? ', …' : ''}`;
  }
}
