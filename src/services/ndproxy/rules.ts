// Proxy rules as the decision core sees them: parsed prefixes, TTLs in milliseconds, and which
// rule answers for a target on an upstream interface. Pure.
import type { NdproxyConfig } from '../../config/schema.ts';
import { parseAddress } from '../../net/address.ts';
import { formatPrefix, parsePrefix, prefixMask } from '../../net/prefix.ts';
import type { Prefix } from '../../net/prefix.ts';

export type ProxyMode = 'static' | 'auto' | 'iface' | 'kernel';

export interface ProxyRule {
  /** Interface the solicitations arrive on and the answers leave from. */
  readonly upstream: string;
  readonly prefix: Prefix;
  /** `prefixMask(prefix.length)`, computed once: the match runs for every solicitation. */
  readonly mask: bigint;
  readonly mode: ProxyMode;
  /** How long a target found alive is answered without a new probe. */
  readonly ttlMs: number;
  /** `iface` mode: the downstream interface probed for the target. */
  readonly iface?: string;
  /**
   * Whether a Duplicate Address Detection probe (NS from `::`) for this rule's addresses is
   * answered. See `decide` for the rule; true only for `static` rules the operator opted in.
   */
  readonly answerDadStatic: boolean;
  /** `kernel` mode: the exact addresses the kernel proxies (reconcile installs them). */
  readonly addresses: readonly bigint[];
}

export interface RuleOptions {
  /** Answer DAD for every address of a static prefix (default false: see core.ts). */
  readonly answerDadStatic?: boolean;
}

/**
 * The config's rules in order. The schema has already validated every prefix and address, so a
 * value that does not parse cannot occur; such a rule would be skipped rather than guessed at.
 */
export function rulesFromConfig(config: NdproxyConfig, options: RuleOptions = {}): ProxyRule[] {
  const out: ProxyRule[] = [];
  for (const r of config.rules) {
    const prefix = parsePrefix(r.prefix);
    if (!prefix.ok) continue;
    const addresses: bigint[] = [];
    if (r.mode === 'kernel') {
      for (const a of r.addresses) {
        const p = parseAddress(a);
        if (p.ok) addresses.push(p.value.value);
      }
    }
    out.push({
      upstream: r.upstream,
      prefix: prefix.value,
      mask: prefixMask(prefix.value.length),
      mode: r.mode,
      ttlMs: r.ttl * 1000,
      ...(r.mode === 'iface' ? { iface: r.interface } : {}),
      answerDadStatic: r.mode === 'static' && options.answerDadStatic === true,
      addresses,
    });
  }
  return out;
}

/**
 * The rule answering for `target` on `upstream`: the first in config order whose prefix holds it,
 * as ndppd walks its rules. A `kernel` rule matches only its exact addresses, so the rest of its
 * prefix can still fall through to a later rule.
 */
export function findRule(rules: readonly ProxyRule[], upstream: string, target: bigint): ProxyRule | undefined {
  for (const r of rules) {
    if (r.upstream !== upstream || (target & r.mask) !== r.prefix.network) continue;
    if (r.mode === 'kernel' && !r.addresses.includes(target)) continue;
    return r;
  }
  return undefined;
}

/** Interfaces that need a packet socket: every upstream of a rule this service answers for. */
export function upstreamsOf(rules: readonly ProxyRule[]): string[] {
  return [...new Set(rules.filter((r) => r.mode !== 'kernel').map((r) => r.upstream))].sort();
}

/** Interfaces named by `iface` rules; `auto` rules add whatever the routing table points to. */
export function namedDownstreamsOf(rules: readonly ProxyRule[]): string[] {
  return [...new Set(rules.flatMap((r) => (r.iface === undefined ? [] : [r.iface])))].sort();
}

/** The rules in the shape of the API's `NdproxyDto.rules`. */
export function describeRules(rules: readonly ProxyRule[]): { upstream: string; prefix: string; mode: string }[] {
  return rules.map((r) => ({ upstream: r.upstream, prefix: formatPrefix(r.prefix), mode: r.iface === undefined ? r.mode : `${r.mode} ${r.iface}` }));
}
