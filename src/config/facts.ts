// Facts the cross-field rules share: which prefixes an interface is on, with the path that put
// each one there.
import type { PathSegment } from './paths.ts';
import type { Config } from './schema.ts';
import { prefixValue } from './net-text.ts';
import type { Prefix } from '../net/prefix.ts';

export interface PlacedPrefix {
  readonly cidr: Prefix;
  readonly text: string;
  readonly path: readonly PathSegment[];
}

/** RA `::/64` stands for "every global /64 on the interface" (radvd), not a prefix of its own. */
export const EVERY_PREFIX = '::/64';

/** The on-link prefixes of interface `name`: from `ips`, RA prefixes and a static upstream address. */
export function onLinkPrefixes(config: Config, name: string): PlacedPrefix[] {
  const iface = config.interfaces[name];
  if (iface === undefined) return [];
  const out: PlacedPrefix[] = [];
  const add = (text: string, path: readonly PathSegment[]): void => {
    const c = prefixValue(text);
    if (c !== undefined) out.push({ cidr: c, text, path });
  };
  iface.ips.forEach((ip, i) => {
    if (ip !== 'slaac' && ip !== 'dhcpv6') add(ip, ['interfaces', name, 'ips', i]);
  });
  iface.ra?.prefixes.forEach((p, i) => {
    if (p.prefix !== EVERY_PREFIX) add(p.prefix, ['interfaces', name, 'ra', 'prefixes', i, 'prefix']);
  });
  const up = config.upstream;
  if (up?.mode === 'static' && up.interface === name) add(up.address, ['upstream', 'address']);
  return out;
}
