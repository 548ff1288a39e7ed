// Router Advertisement rules that relate one field to another (RFC 4861 §6.2.1, RFC 6275 §7.4).
import { problem, type Problem } from '../lib/result.ts';
import { formatPath, type PathSegment } from './paths.ts';
import { lifetimeSeconds } from './primitives.ts';
import type { RaConfig } from './ra-schema.ts';
import type { Config } from './schema.ts';
import { prefixValue } from './net-text.ts';
import { isLinkLocalUnicast } from '../net/kind.ts';

function raProblems(ra: RaConfig, mtu: number, base: readonly PathSegment[]): Problem[] {
  const out: Problem[] = [];
  const at = (code: string, message: string, ...rest: PathSegment[]): void => {
    out.push(problem(code, message, { path: formatPath([...base, ...rest]) }));
  };
  const max = ra.maxRtrAdvInterval;
  if (ra.minRtrAdvInterval !== undefined && ra.minRtrAdvInterval > 0.75 * max) {
    at('min-interval-too-large', `MinRtrAdvInterval ${ra.minRtrAdvInterval} s exceeds 0.75 × MaxRtrAdvInterval (${0.75 * max} s); lower it or raise maxRtrAdvInterval (RFC 4861 §6.2.1).`, 'minRtrAdvInterval');
  }
  if (ra.defaultLifetime !== undefined && ra.defaultLifetime !== 0 && ra.defaultLifetime < max) {
    at('router-lifetime-too-short', `Router lifetime ${ra.defaultLifetime} s must be 0 or at least maxRtrAdvInterval (${max} s), or hosts drop the router between RAs (RFC 4861 §6.2.1).`, 'defaultLifetime');
  }
  if (ra.linkMtu > mtu) {
    at('link-mtu-too-large', `Advertised MTU ${ra.linkMtu} exceeds the interface MTU ${mtu}.`, 'linkMtu');
  }
  if (ra.homeAgentInfo !== undefined && !ra.homeAgentFlag) {
    at('home-agent-flag-off', 'Home Agent Information is sent only by a home agent; set homeAgentFlag or remove homeAgentInfo (RFC 6275 §7.4).', 'homeAgentInfo');
  }
  const seen = new Map<string, number>();
  ra.prefixes.forEach((p, i) => {
    if (lifetimeSeconds(p.preferredLifetime) > lifetimeSeconds(p.validLifetime)) {
      at('preferred-exceeds-valid', `Preferred lifetime ${p.preferredLifetime} is longer than valid lifetime ${p.validLifetime}; hosts ignore such a prefix (RFC 4862 §5.5.3).`, 'prefixes', i, 'preferredLifetime');
    }
    const c = prefixValue(p.prefix);
    if (c !== undefined && isLinkLocalUnicast(c.network) && c.length >= 10) {
      at('link-local-prefix', 'The link-local prefix must not be advertised in a Prefix Information option (RFC 4861 §4.6.2).', 'prefixes', i, 'prefix');
    }
    const first = seen.get(p.prefix);
    if (first !== undefined) at('duplicate', `Prefix ${p.prefix} is already listed at prefixes[${first}].`, 'prefixes', i, 'prefix');
    else seen.set(p.prefix, i);
  });
  return out;
}

export function raRuleProblems(config: Config): Problem[] {
  return Object.entries(config.interfaces).flatMap(([name, iface]) =>
    iface.ra === undefined ? [] : raProblems(iface.ra, iface.mtu, ['interfaces', name, 'ra']),
  );
}
