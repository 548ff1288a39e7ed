// The Router Advertisement one interface sends, built from its `ra` config and what is observed
// about the link right now. Pure: the runner supplies the facts and the clock; misconfigurations
// come back beside the message so the packet still goes out with what can be sent.
import { problem, type Problem } from '../../lib/result.ts';
import type { NdpOption, PrefixInformationOption, RouterAdvertisement } from '../../proto/ndp/index.ts';
import { INFINITY, type Lifetime } from '../../config/primitives.ts';
import type { RaConfig, RaPrefix } from '../../config/ra-schema.ts';
import { effectiveDefaultLifetime, effectiveOptionLifetime } from '../../config/ra-timers.ts';
import { formatAddress, parseAddress } from '../../net/address.ts';
import { contains, formatPrefix, parsePrefix } from '../../net/prefix.ts';
import type { WithdrawnPrefix } from './withdrawal.ts';

/** The wire value of an infinite lifetime (RFC 4861 §4.6.2, RFC 4191 §2.3, RFC 8106 §5.1). */
export const INFINITE_LIFETIME = 0xffffffff;

/**
 * radvd's DeprecatePrefix valid lifetime on shutdown: hosts keep the address two hours whatever
 * they are told (RFC 4862 §5.5.3 e), so this is what they end up with anyway.
 */
export const DEPRECATED_VALID_LIFETIME = 7200;

/** The config key that stands for "every global /64 on the interface" (radvd's `prefix ::/64`). */
export const AUTOMATIC_PREFIX = '::/64';

export interface RaFacts {
  /** The interface MAC as colon hex, for the Source Link-Layer Address option. */
  readonly mac?: string;
  /** The interface's current global /64s (`2001:db8:1::/64`), for the automatic `::/64` prefix. */
  readonly globalPrefixes: readonly string[];
  /** The interface's global addresses without length, for prefixes with the R flag (RFC 6275 §7.2). */
  readonly globalAddresses?: readonly string[];
  /** Prefixes to advertise with valid = preferred = 0 (RFC 9096); expired entries are skipped. */
  readonly withdrawn: readonly WithdrawnPrefix[];
  /** Epoch milliseconds. */
  readonly now: number;
  /** When each decrementing prefix (canonical text) was first advertised, epoch ms; absent = now. */
  readonly firstAdvertised?: ReadonlyMap<string, number>;
}

export interface BuiltAdvertisement {
  readonly message: RouterAdvertisement;
  readonly problems: readonly Problem[];
}

const wire = (l: Lifetime): number => (l === INFINITY ? INFINITE_LIFETIME : l);

/** A lifetime counted down since `since` (RFC 4861 §6.2.1 AdvValidLifetime "decrements in real time"). */
function remaining(l: Lifetime, since: number, now: number): number {
  if (l === INFINITY) return INFINITE_LIFETIME;
  return Math.max(0, l - Math.floor(Math.max(0, now - since) / 1000));
}

/** The advertisement for `ra` now; `final` is the shutdown variant (RFC 4861 §6.2.5). */
export function buildRouterAdvertisement(ra: RaConfig, facts: RaFacts, options: { readonly final?: boolean } = {}): BuiltAdvertisement {
  const final = options.final === true;
  const problems: Problem[] = [];
  const routerLifetime = final ? 0 : effectiveDefaultLifetime(ra);
  const opts: NdpOption[] = [];
  if (ra.sourceLinkLayerAddress) {
    if (facts.mac !== undefined) opts.push({ type: 'source-lla', address: facts.mac.toLowerCase() });
    else problems.push(problem('no-mac', 'The interface has no link-layer address yet, so the RA goes out without a Source Link-Layer Address option.', { path: 'sourceLinkLayerAddress' }));
  }
  // RFC 4861 §4.6.4: only when the operator sets one; 0 means "leave the MTU option out".
  if (ra.linkMtu !== 0) opts.push({ type: 'mtu', mtu: ra.linkMtu });
  // RFC 6275 §7.3: the interval is MaxRtrAdvInterval in milliseconds.
  if (ra.advertisementInterval) opts.push({ type: 'advertisement-interval', interval: Math.round(ra.maxRtrAdvInterval * 1000) });
  if (ra.homeAgentFlag && ra.homeAgentInfo !== undefined) {
    opts.push({
      type: 'home-agent-information',
      preference: ra.homeAgentInfo.preference,
      // RFC 6275 §7.4: the default home agent lifetime is the router lifetime.
      lifetime: ra.homeAgentInfo.lifetime ?? Math.max(1, effectiveDefaultLifetime(ra)),
      // RFC 3963 §5.1 (NEMO): the Mobile Router Support flag is the first bit after the length.
      ...(ra.mobileRouterSupportFlag ? { reserved: 0x8000 } : {}),
    });
  }
  const prefixes = prefixOptions(ra, facts, final, problems);
  opts.push(...prefixes);
  opts.push(...withdrawnOptions(facts, prefixes));
  opts.push(...otherOptions(ra, final, problems));
  const message: RouterAdvertisement = {
    type: 'ra',
    curHopLimit: ra.curHopLimit,
    managed: ra.managedFlag,
    other: ra.otherConfigFlag,
    homeAgent: ra.homeAgentFlag,
    // RFC 4191 §2.2: a router lifetime of 0 must carry medium preference.
    routerPreference: routerLifetime === 0 ? 'medium' : ra.defaultPreference,
    proxy: false,
    routerLifetime,
    reachableTime: ra.reachableTimeMs,
    retransTimer: ra.retransTimerMs,
    options: opts,
  };
  return { message, problems };
}

/** The final RA: router lifetime 0, plus the per-option shutdown flags radvd has. */
export function buildFinalAdvertisement(ra: RaConfig, facts: RaFacts): BuiltAdvertisement {
  return buildRouterAdvertisement(ra, facts, { final: true });
}

function prefixOptions(ra: RaConfig, facts: RaFacts, final: boolean, problems: Problem[]): PrefixInformationOption[] {
  const out: PrefixInformationOption[] = [];
  const seen = new Set<string>();
  ra.prefixes.forEach((p, i) => {
    const path = `prefixes[${i}]`;
    const expanded = p.prefix === AUTOMATIC_PREFIX ? facts.globalPrefixes : [p.prefix];
    if (p.prefix === AUTOMATIC_PREFIX && expanded.length === 0) {
      problems.push(problem('no-global-prefix', 'The automatic prefix ::/64 found no global /64 on the interface, so no prefix is advertised for it.', { path }));
    }
    for (const text of expanded) {
      const parsed = parsePrefix(text);
      if (!parsed.ok) {
        problems.push(problem('bad-prefix', `Skipped ${text}: ${parsed.error.message}`, { path }));
        continue;
      }
      const canonical = formatPrefix(parsed.value);
      if (seen.has(canonical)) continue;
      seen.add(canonical);
      out.push(prefixOption(p, canonical, parsed.value.network, parsed.value.length, facts, final, problems, path));
    }
  });
  return out;
}

function prefixOption(
  p: RaPrefix,
  canonical: string,
  network: bigint,
  length: number,
  facts: RaFacts,
  final: boolean,
  problems: Problem[],
  path: string,
): PrefixInformationOption {
  const since = facts.firstAdvertised?.get(canonical) ?? facts.now;
  let valid = p.decrementLifetimes ? remaining(p.validLifetime, since, facts.now) : wire(p.validLifetime);
  let preferred = p.decrementLifetimes ? remaining(p.preferredLifetime, since, facts.now) : wire(p.preferredLifetime);
  if (p.decrementLifetimes && valid === 0) {
    problems.push(problem('prefix-expired', `The decrementing lifetimes of ${canonical} have run out; hosts now drop it. Restart the countdown by re-adding the prefix.`, { path }));
  }
  if (final && p.deprecatePrefix) {
    // radvd DeprecatePrefix, RFC 9096 §3.5 spirit: stop new use now, let existing flows finish.
    preferred = 0;
    valid = Math.min(valid, DEPRECATED_VALID_LIFETIME);
  }
  return {
    type: 'prefix-information',
    prefixLength: length,
    onLink: p.onLink,
    autonomous: p.autonomous,
    routerAddress: p.routerAddress,
    validLifetime: valid,
    preferredLifetime: Math.min(preferred, valid),
    prefix: p.routerAddress ? routerAddressIn(network, length, canonical, facts, problems, path) : formatAddress(network),
  };
}

/** RFC 6275 §7.2: with R set, the Prefix field holds the router's own address in that prefix. */
function routerAddressIn(network: bigint, length: number, canonical: string, facts: RaFacts, problems: Problem[], path: string): string {
  const prefix = { network, length };
  for (const text of facts.globalAddresses ?? []) {
    const a = parseAddress(text);
    if (a.ok && contains(prefix, a.value.value)) return formatAddress(a.value.value);
  }
  problems.push(problem('no-router-address', `The R flag is set on ${canonical} but the interface has no address in it; the bare prefix is sent instead.`, { path: `${path}.routerAddress` }));
  return formatAddress(network);
}

/** RFC 9096: prefixes no longer configured go out with both lifetimes 0 until their time is up. */
function withdrawnOptions(facts: RaFacts, current: readonly PrefixInformationOption[]): PrefixInformationOption[] {
  const live = new Set(current.map((o) => `${o.prefix}/${o.prefixLength}`));
  return facts.withdrawn
    .filter((w) => w.until > facts.now && !live.has(`${w.prefix}/${w.prefixLength}`))
    .map((w) => ({
      type: 'prefix-information',
      prefixLength: w.prefixLength,
      onLink: w.onLink,
      autonomous: w.autonomous,
      routerAddress: false,
      validLifetime: 0,
      preferredLifetime: 0,
      prefix: w.prefix,
    }));
}

function otherOptions(ra: RaConfig, final: boolean, problems: Problem[]): NdpOption[] {
  const out: NdpOption[] = [];
  const fallback = effectiveOptionLifetime(ra);
  ra.routes.forEach((r) => {
    const parsed = parsePrefix(r.prefix);
    if (!parsed.ok) return;
    out.push({
      type: 'route-information',
      prefixLength: parsed.value.length,
      preference: r.preference,
      // radvd RemoveRoute: a route lifetime 0 in the final RA removes the route at once (RFC 4191 §3.1).
      routeLifetime: final && r.removeRoute ? 0 : r.lifetime === undefined ? fallback : wire(r.lifetime),
      prefix: formatAddress(parsed.value.network),
    });
  });
  ra.rdnss.forEach((d, i) => {
    const lifetime = final && d.flush ? 0 : d.lifetime === undefined ? fallback : wire(d.lifetime);
    // RFC 8106 §5.1: a lifetime below MaxRtrAdvInterval lets the servers expire between RAs.
    if (!final && lifetime !== 0 && lifetime < ra.maxRtrAdvInterval) problems.push(shortLifetime(`rdnss[${i}].lifetime`, lifetime, ra));
    out.push({ type: 'rdnss', lifetime, servers: d.servers });
  });
  ra.dnssl.forEach((d, i) => {
    const lifetime = final && d.flush ? 0 : d.lifetime === undefined ? fallback : wire(d.lifetime);
    if (!final && lifetime !== 0 && lifetime < ra.maxRtrAdvInterval) problems.push(shortLifetime(`dnssl[${i}].lifetime`, lifetime, ra));
    out.push({ type: 'dnssl', lifetime, domains: d.domains.map((n) => (n.endsWith('.') ? n.slice(0, -1) : n)) });
  });
  ra.pref64.forEach((p) => {
    const parsed = parsePrefix(p.prefix);
    if (!parsed.ok) return;
    // RFC 8781 §4: the lifetime travels in units of 8 s; round up so it never expires early.
    const seconds = p.lifetime ?? effectiveOptionLifetime(ra, 65528);
    out.push({ type: 'pref64', lifetime: Math.min(65528, Math.ceil(seconds / 8) * 8), prefixLength: parsed.value.length, prefix: formatAddress(parsed.value.network) });
  });
  if (ra.captivePortal !== undefined) out.push({ type: 'captive-portal', uri: ra.captivePortal });
  return out;
}

function shortLifetime(path: string, lifetime: number, ra: RaConfig): Problem {
  return problem(
    'lifetime-below-interval',
    `Lifetime ${lifetime} s is shorter than maxRtrAdvInterval (${ra.maxRtrAdvInterval} s), so hosts may drop it between RAs; use at least ${Math.ceil(3 * ra.maxRtrAdvInterval)} s (RFC 8106 §5.1).`,
    { path },
  );
}
