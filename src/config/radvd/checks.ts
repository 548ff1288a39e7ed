// The checks radvd makes once a block is read (its check_iface and the end-of-block actions of
// its grammar), each reported at the value that breaks it.
import { problem } from '../../lib/result.ts';
import type { Problem, Where } from '../../lib/result.ts';
import type { RadvdInterface, RadvdNat64Prefix, RadvdPrefix } from './ast.ts';

/** Where each option's value was written, by AST field name. */
export type Positions = Map<string, Where>;

export interface Limits {
  readonly maxRtrAdvInterval: number;
  readonly maxDefaultLifetime: number;
}

export const LIMITS = {
  // RFC 4861 §6.2.1, as radvd 2.19 enforces.
  'radvd-2.19': { maxRtrAdvInterval: 1800, maxDefaultLifetime: 9000 },
  // RFC 8319 §4 raises both to the 16-bit field maximum; newer radvd follows it.
  rfc8319: { maxRtrAdvInterval: 65535, maxDefaultLifetime: 65535 },
} as const satisfies Record<string, Limits>;

// radvd's defaults when an option is absent (radvd.conf(5)).
const DEFAULT_MAX_RTR_ADV_INTERVAL = 600;
const DEFAULT_VALID_LIFETIME = 86400;
const DEFAULT_PREFERRED_LIFETIME = 14400;
// Home Agent Lifetime is 16 bits; radvd caps it at 65520 s (RFC 6275 §7.4 allows 18.2 hours).
const MAX_HOME_AGENT_LIFETIME = 65520;

/** Mobile IPv6 relaxes the interval minimums (RFC 6275 §7.5, §13). */
function usesMobileIpv6(iface: RadvdInterface): boolean {
  const o = iface.options;
  return (
    o.advHomeAgentFlag === true ||
    o.advHomeAgentInfo === true ||
    o.advIntervalOpt === true ||
    iface.prefixes.some((p) => p.options.advRouterAddr === true)
  );
}

export function checkInterface(
  iface: RadvdInterface,
  positions: Positions,
  limits: Limits,
  block: Where,
): Problem | undefined {
  const o = iface.options;
  const pos = (field: string): Where => positions.get(field) ?? block;
  const range = (field: string, msg: string): Problem => problem('out-of-range', msg, pos(field));
  const mip = usesMobileIpv6(iface);
  const max = o.maxRtrAdvInterval ?? DEFAULT_MAX_RTR_ADV_INTERVAL;
  const maxFloor = mip ? 0.07 : 4;
  if (max < maxFloor || max > limits.maxRtrAdvInterval) {
    return range('maxRtrAdvInterval', `MaxRtrAdvInterval ${max} must be between ${maxFloor} and ${limits.maxRtrAdvInterval} seconds`);
  }
  const minFloor = mip ? 0.03 : 3;
  // RFC 4861 §6.2.1: MinRtrAdvInterval is at least 3 s and at most 0.75 × MaxRtrAdvInterval.
  if (o.minRtrAdvInterval !== undefined && (o.minRtrAdvInterval < minFloor || o.minRtrAdvInterval > 0.75 * max)) {
    return range(
      'minRtrAdvInterval',
      `MinRtrAdvInterval ${o.minRtrAdvInterval} must be between ${minFloor} and 0.75 × MaxRtrAdvInterval (${0.75 * max}) seconds`,
    );
  }
  // MIN_DELAY_BETWEEN_RAS, RFC 4861 §10; Mobile IPv6 lowers it (RFC 6275 §13).
  if (o.minDelayBetweenRAs !== undefined && o.minDelayBetweenRAs < minFloor) {
    return range('minDelayBetweenRAs', `MinDelayBetweenRAs ${o.minDelayBetweenRAs} must be at least ${minFloor} seconds`);
  }
  // RFC 4861 §6.2.1: AdvDefaultLifetime is 0 or between MaxRtrAdvInterval and the limit.
  const dl = o.advDefaultLifetime;
  const dlFloor = Math.max(1, max);
  if (dl !== undefined && dl !== 0 && (dl < dlFloor || dl > limits.maxDefaultLifetime)) {
    return range(
      'advDefaultLifetime',
      `AdvDefaultLifetime ${dl} must be 0 or between MaxRtrAdvInterval (${dlFloor}) and ${limits.maxDefaultLifetime} seconds`,
    );
  }
  if (o.advHomeAgentInfo === true && o.homeAgentLifetime !== undefined) {
    const hl = o.homeAgentLifetime;
    if (hl < 1 || hl > MAX_HOME_AGENT_LIFETIME) {
      return range('homeAgentLifetime', `HomeAgentLifetime ${hl} must be between 1 and ${MAX_HOME_AGENT_LIFETIME} seconds`);
    }
  }
  if (o.advHomeAgentInfo === true && o.advHomeAgentFlag !== true) {
    return problem('inconsistent', 'AdvHomeAgentInfo on needs AdvHomeAgentFlag on as well', pos('advHomeAgentInfo'));
  }
  if (o.advMobRtrSupportFlag === true && o.advHomeAgentInfo !== true) {
    return problem('inconsistent', 'AdvMobRtrSupportFlag on needs AdvHomeAgentInfo on as well', pos('advMobRtrSupportFlag'));
  }
  return undefined;
}

export function checkPrefix(prefix: RadvdPrefix, positions: Positions, head: Where): Problem | undefined {
  const o = prefix.options;
  const valid = o.advValidLifetime ?? DEFAULT_VALID_LIFETIME;
  const preferred = o.advPreferredLifetime ?? DEFAULT_PREFERRED_LIFETIME;
  // RFC 4862 §5.5.3 (c): a preferred lifetime above the valid lifetime is invalid.
  if (preferred > valid) {
    const where = positions.get('advPreferredLifetime') ?? positions.get('advValidLifetime') ?? head;
    const note = o.advPreferredLifetime === undefined ? ' (the default)' : '';
    const noteValid = o.advValidLifetime === undefined ? ' (the default)' : '';
    return problem(
      'inconsistent',
      `AdvPreferredLifetime ${preferred}${note} must not exceed AdvValidLifetime ${valid}${noteValid} for prefix ${prefix.address}/${prefix.length}`,
      where,
    );
  }
  if (o.base6Interface !== undefined && prefix.length !== 64) {
    return problem('inconsistent', `Base6Interface needs a /64 prefix, not /${prefix.length}`, positions.get('base6Interface') ?? head);
  }
  return undefined;
}

// RFC 8781 §4: the PREF64 option can carry only these prefix lengths.
const NAT64_LENGTHS = [32, 40, 48, 56, 64, 96];

export function checkNat64Prefix(prefix: RadvdNat64Prefix, addressAt: Where, lengthAt: Where): Problem | undefined {
  if (prefix.address === '::') {
    return problem('bad-address', 'nat64prefix must not be all zeros; use 64:ff9b::/96 or your own NAT64 prefix', addressAt);
  }
  if (!NAT64_LENGTHS.includes(prefix.length)) {
    return problem('bad-prefix-length', `nat64prefix length must be 32, 40, 48, 56, 64 or 96, not ${prefix.length}`, lengthAt);
  }
  return undefined;
}
