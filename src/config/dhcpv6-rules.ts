// DHCPv6 rules across fields: lifetimes and timers (RFC 8415 §21.4, §21.6), pools that must be
// on-link (an off-link address gets NotOnLink, RFC 8415 §18.3.2), reservations.
import { problem, type Problem } from '../lib/result.ts';
import type { Dhcpv6Config } from './dhcpv6-schema.ts';
import { onLinkPrefixes, type PlacedPrefix } from './facts.ts';
import { formatPath, type PathSegment } from './paths.ts';
import { lifetimeSeconds } from './primitives.ts';
import type { Config } from './schema.ts';
import { addressValue, prefixValue } from './net-text.ts';
import { contains } from '../net/prefix.ts';

function dhcpv6Problems(d: Dhcpv6Config, onLink: readonly PlacedPrefix[], base: readonly PathSegment[]): Problem[] {
  const out: Problem[] = [];
  const at = (code: string, message: string, ...rest: PathSegment[]): void => {
    out.push(problem(code, message, { path: formatPath([...base, ...rest]) }));
  };
  const onLinkText = onLink.length === 0 ? 'none configured' : onLink.map((p) => p.text).join(', ');
  const isOnLink = (address: bigint): boolean => onLink.some((p) => contains(p.cidr, address));

  if (lifetimeSeconds(d.preferredLifetime) > lifetimeSeconds(d.validLifetime)) {
    at('preferred-exceeds-valid', `Preferred lifetime ${d.preferredLifetime} is longer than valid lifetime ${d.validLifetime} (RFC 8415 §21.6).`, 'preferredLifetime');
  }
  if (d.renewTime !== undefined && d.rebindTime !== undefined) {
    const t1 = lifetimeSeconds(d.renewTime);
    const t2 = lifetimeSeconds(d.rebindTime);
    if (t1 > 0 && t2 > 0 && t1 > t2) {
      at('renew-after-rebind', `renewTime (T1) ${d.renewTime} is after rebindTime (T2) ${d.rebindTime}; clients discard such an IA (RFC 8415 §21.4).`, 'renewTime');
    }
  }
  if (d.mode === 'stateful' && d.addressPools.length === 0 && d.prefixDelegationPools.length === 0) {
    at('no-pools', 'Stateful DHCPv6 needs at least one address pool or prefix delegation pool.', 'mode');
  }
  d.addressPools.forEach((pool, i) => {
    if ('prefix' in pool) {
      const c = prefixValue(pool.prefix);
      if (c !== undefined && !onLink.some((p) => contains(p.cidr, c))) {
        at('outside-prefixes', `Pool ${pool.prefix} is not inside any prefix of this interface (${onLinkText}).`, 'addressPools', i, 'prefix');
      }
      return;
    }
    const start = addressValue(pool.start);
    const end = addressValue(pool.end);
    if (start === undefined || end === undefined) return;
    if (start > end) at('empty-range', `Pool end ${pool.end} comes before its start ${pool.start}.`, 'addressPools', i, 'end');
    const home = onLink.find((p) => contains(p.cidr, start) && contains(p.cidr, end));
    if (home === undefined) {
      at('outside-prefixes', `Pool ${pool.start}–${pool.end} is not inside one prefix of this interface (${onLinkText}).`, 'addressPools', i);
    }
  });
  d.prefixDelegationPools.forEach((pool, i) => {
    const c = prefixValue(pool.prefix);
    if (c !== undefined && pool.delegatedLength < c.length) {
      at('delegated-too-short', `Delegated length /${pool.delegatedLength} is shorter than the pool ${pool.prefix}; use /${c.length} or longer.`, 'prefixDelegationPools', i, 'delegatedLength');
    }
  });
  const duids = new Map<string, number>();
  d.reservations.forEach((r, i) => {
    const key = r.duid.replaceAll(':', '').toLowerCase();
    const first = duids.get(key);
    if (first !== undefined) at('duplicate', `DUID ${r.duid} is already reserved at reservations[${first}].`, 'reservations', i, 'duid');
    else duids.set(key, i);
    if (r.address === undefined && r.prefix === undefined) {
      at('empty-reservation', 'A reservation needs an address, a prefix, or both.', 'reservations', i);
    }
    const a = r.address === undefined ? undefined : addressValue(r.address);
    if (a !== undefined && !isOnLink(a)) {
      at('outside-prefixes', `Reserved address ${r.address} is not inside any prefix of this interface (${onLinkText}).`, 'reservations', i, 'address');
    }
    const p = r.prefix === undefined ? undefined : prefixValue(r.prefix);
    if (p !== undefined && !d.prefixDelegationPools.some((pool) => { const c = prefixValue(pool.prefix); return c !== undefined && contains(c, p); })) {
      at('outside-pools', `Reserved prefix ${r.prefix} is not inside any prefix delegation pool of this interface.`, 'reservations', i, 'prefix');
    }
  });
  return out;
}

export function dhcpv6RuleProblems(config: Config): Problem[] {
  return Object.entries(config.interfaces).flatMap(([name, iface]) =>
    iface.dhcpv6 === undefined ? [] : dhcpv6Problems(iface.dhcpv6, onLinkPrefixes(config, name), ['interfaces', name, 'dhcpv6']),
  );
}
