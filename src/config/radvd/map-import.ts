// radvd.conf → config: every interface block becomes `interfaces.<name>.ra`. radvd's defaults
// differ from RFC 4861's in places (prefix lifetimes 1 d / 4 h, not 30 d / 7 d; AdvSendAdvert
// off), so the mapping writes radvd's effective value wherever the two disagree and the result
// advertises what radvd advertised. What has no counterpart is named with its line and column.
import { err, ok, problem, type Problem, type Result, type Where } from '../../lib/result.ts';
import { parseAddress, tryCanonicalAddress } from '../../net/address.ts';
import { isLinkLocalUnicast } from '../../net/kind.ts';
import { tryCanonicalPrefix } from '../../net/prefix.ts';
import type { Config } from '../schema.ts';
import { validateConfig } from '../validate.ts';
import { INFINITY, type PrefixText, type RadvdConfig, type RadvdInterface, type RadvdPrefix } from './ast.ts';
import type { RadvdLocator, RadvdSpot } from './map-source.ts';

/** radvd.conf(5) prefix defaults: AdvValidLifetime 86400 s, AdvPreferredLifetime 14400 s. */
export const RADVD_VALID_LIFETIME = 86_400;
export const RADVD_PREFERRED_LIFETIME = 14_400;
/** The config's interval floors (RFC 4861 §6.2.1); radvd goes lower for Mobile IPv6 (RFC 6275 §7.5). */
const MIN_MAX_INTERVAL = 4;
const MIN_MIN_INTERVAL = 3;
/** The 16-bit Home Agent Preference is signed (RFC 6275 §7.4); radvd reads it unsigned. */
const HOME_AGENT_PREFERENCE_WRAP = 65_536;

export interface RadvdImport {
  readonly config: Config;
  /** Every statement the config cannot express, with where it was written and why. */
  readonly unmapped: readonly Problem[];
}

export interface RadvdImportOptions {
  /** Finds line and column of statements (see locateRadvd); without it, problems carry a path. */
  readonly locate?: RadvdLocator;
}

type Json = Record<string, unknown>;

/** Collects unmapped items for one interface, placed by the locator or by a readable path. */
class Unmapped {
  readonly list: Problem[] = [];
  readonly #iface: string;
  readonly #locate: RadvdLocator | undefined;
  constructor(iface: string, locate: RadvdLocator | undefined) {
    this.#iface = iface;
    this.#locate = locate;
  }
  add(code: string, message: string, spot: Omit<RadvdSpot, 'iface'>): void {
    const full = { iface: this.#iface, ...spot };
    const where: Where = this.#locate?.(full) ?? { path: spotPath(full) };
    this.list.push(problem(code, message, where));
  }
}

function spotPath(s: RadvdSpot): string {
  const block = s.block === undefined ? '' : `.${s.block.kind}[${s.block.index}]`;
  return `interface ${s.iface}${block}${s.keyword === undefined ? '' : `.${s.keyword}`}`;
}

const lifetime = (seconds: number): number | 'infinity' => (seconds >= INFINITY ? 'infinity' : seconds);

const canonicalPrefix = (p: PrefixText): string | undefined => tryCanonicalPrefix(`${p.address}/${p.length}`);

function isLinkLocal(text: string): boolean {
  const r = parseAddress(text);
  return r.ok && isLinkLocalUnicast(r.value.value);
}

/** Interface-level settings onto the `ra` block. */
function mapInterfaceOptions(iface: RadvdInterface, out: Unmapped): Json {
  const o = iface.options;
  const ra: Json = { enabled: o.advSendAdvert ?? false };
  const max = o.maxRtrAdvInterval;
  const min = o.minRtrAdvInterval;
  if ((max !== undefined && max < MIN_MAX_INTERVAL) || (min !== undefined && min < MIN_MIN_INTERVAL)) {
    // Mobile IPv6 sub-second intervals: radvd allows them (RFC 6275 §7.5), the config keeps
    // RFC 4861 §6.2.1's floors, so both are raised to them and RAs go out less often.
    const keyword = max !== undefined && max < MIN_MAX_INTERVAL ? 'MaxRtrAdvInterval' : 'MinRtrAdvInterval';
    out.add('interval-raised', `${keyword} ${keyword === 'MaxRtrAdvInterval' ? max : min} s (Mobile IPv6, RFC 6275 §7.5) is below the RFC 4861 §6.2.1 floor; MaxRtrAdvInterval ${Math.max(max ?? 600, MIN_MAX_INTERVAL)} s and MinRtrAdvInterval ${MIN_MIN_INTERVAL} s are used instead.`, { keyword });
    ra.maxRtrAdvInterval = Math.max(max ?? 600, MIN_MAX_INTERVAL);
    ra.minRtrAdvInterval = MIN_MIN_INTERVAL;
  } else {
    if (max !== undefined) ra.maxRtrAdvInterval = max;
    if (min !== undefined) ra.minRtrAdvInterval = min;
  }
  if (o.minDelayBetweenRAs !== undefined) ra.minDelayBetweenRas = o.minDelayBetweenRAs;
  const copy: ReadonlyArray<readonly [unknown, string]> = [
    [o.advManagedFlag, 'managedFlag'],
    [o.advOtherConfigFlag, 'otherConfigFlag'],
    [o.advHomeAgentFlag, 'homeAgentFlag'],
    [o.advDefaultLifetime, 'defaultLifetime'],
    [o.advDefaultPreference, 'defaultPreference'],
    [o.advReachableTime, 'reachableTimeMs'],
    [o.advRetransTimer, 'retransTimerMs'],
    [o.advCurHopLimit, 'curHopLimit'],
    [o.advLinkMTU, 'linkMtu'],
    [o.advSourceLLAddress, 'sourceLinkLayerAddress'],
    [o.advIntervalOpt, 'advertisementInterval'],
    [o.advMobRtrSupportFlag, 'mobileRouterSupportFlag'],
    [o.unicastOnly, 'unicastOnly'],
    [o.advRASolicitedUnicast, 'unicastResponse'],
    [o.removeAdvOnExit, 'removeAdvOnExit'],
  ];
  for (const [value, key] of copy) if (value !== undefined) ra[key] = value;
  if (o.advHomeAgentInfo === true) {
    const pref = o.homeAgentPreference ?? 0;
    ra.homeAgentInfo = {
      preference: pref >= HOME_AGENT_PREFERENCE_WRAP / 2 ? pref - HOME_AGENT_PREFERENCE_WRAP : pref,
      ...(o.homeAgentLifetime === undefined ? {} : { lifetime: o.homeAgentLifetime }),
    };
  }
  if (o.advCaptivePortalAPI !== undefined) {
    if (URL.canParse(o.advCaptivePortalAPI)) ra.captivePortal = o.advCaptivePortalAPI;
    else out.add('bad-uri', `AdvCaptivePortalAPI "${o.advCaptivePortalAPI}" is not an absolute URI (RFC 8910 §2.3); it was left out.`, { keyword: 'AdvCaptivePortalAPI' });
  }
  const none: ReadonlyArray<readonly [unknown, string, string]> = [
    [o.advRAMTU, 'AdvRAMTU', 'v6edge has no separate cap on the RA size; it was left out.'],
    [o.ignoreIfMissing, 'IgnoreIfMissing', 'v6edge watches its interfaces itself; the setting was left out.'],
    [o.unrestrictedUnicast, 'UnrestrictedUnicast', 'v6edge answers unicast solicitations by the RFC 7772 rules; the setting was left out.'],
  ];
  for (const [value, keyword, why] of none) if (value !== undefined) out.add('unsupported', `${keyword} has no counterpart: ${why}`, { keyword });
  return ra;
}

function mapPrefix(p: RadvdPrefix, index: number, iface: RadvdInterface, out: Unmapped): Json | undefined {
  const block = { kind: 'prefix', index };
  const text = `${p.address}/${p.length}`;
  for (const [value, keyword, what] of [
    [p.options.base6Interface, 'Base6Interface', "a /64 taken from another interface's address"],
    [p.options.base6to4Interface, 'Base6to4Interface', 'a 6to4 prefix (RFC 3056) from another interface'],
  ] as const) {
    if (value !== undefined) {
      out.add('unsupported', `prefix ${text} with ${keyword} ${value} (${what}) cannot be expressed; the prefix was left out. Configure the derived prefix itself.`, { block, keyword });
      return undefined;
    }
  }
  const prefix = canonicalPrefix(p);
  if (prefix === undefined) return undefined;
  if (prefix === '::/64' && iface.autoIgnorePrefixes.length > 0) {
    out.add('unsupported', 'autoignoreprefixes has no counterpart: the automatic ::/64 prefix advertises every global /64 of the interface.', { block: { kind: 'autoignoreprefixes', index: 0 } });
  }
  const o = p.options;
  // radvd sends the written address when AdvRouterAddr is on (RFC 6275 §7.2); v6edge sends the
  // interface's own address in the prefix, which is what the operator meant by writing it.
  return {
    prefix,
    ...(o.advOnLink === undefined ? {} : { onLink: o.advOnLink }),
    ...(o.advAutonomous === undefined ? {} : { autonomous: o.advAutonomous }),
    ...(o.advRouterAddr === undefined ? {} : { routerAddress: o.advRouterAddr }),
    validLifetime: lifetime(o.advValidLifetime ?? RADVD_VALID_LIFETIME),
    preferredLifetime: lifetime(o.advPreferredLifetime ?? RADVD_PREFERRED_LIFETIME),
    ...(o.decrementLifetimes === undefined ? {} : { decrementLifetimes: o.decrementLifetimes }),
    ...(o.deprecatePrefix === undefined ? {} : { deprecatePrefix: o.deprecatePrefix }),
  };
}

/** Prefix, route, DNS, PREF64 and client blocks onto the `ra` block. */
function mapBlocks(iface: RadvdInterface, ra: Json, out: Unmapped): void {
  ra.prefixes = iface.prefixes.flatMap((p, i) => mapPrefix(p, i, iface, out) ?? []);
  ra.routes = iface.routes.flatMap((r) => {
    const prefix = canonicalPrefix(r);
    if (prefix === undefined) return [];
    const o = r.options;
    return [{
      prefix,
      ...(o.advRoutePreference === undefined ? {} : { preference: o.advRoutePreference }),
      ...(o.advRouteLifetime === undefined ? {} : { lifetime: lifetime(o.advRouteLifetime) }),
      ...(o.removeRoute === undefined ? {} : { removeRoute: o.removeRoute }),
    }];
  });
  ra.rdnss = iface.rdnss.map((d, index) => {
    const o = d.options;
    for (const keyword of ['AdvRDNSSPreference', 'AdvRDNSSOpen'] as const) {
      const field = keyword === 'AdvRDNSSPreference' ? o.advRDNSSPreference : o.advRDNSSOpen;
      // Fields of a pre-RFC 6106 draft: radvd reads them and sends nothing for them.
      if (field !== undefined) out.add('no-effect', `${keyword} is ignored by radvd (a draft-era field) and has no counterpart; it was left out.`, { block: { kind: 'RDNSS', index }, keyword });
    }
    return {
      servers: d.addresses.map((a) => tryCanonicalAddress(a) ?? a),
      ...(o.advRDNSSLifetime === undefined ? {} : { lifetime: lifetime(o.advRDNSSLifetime) }),
      ...(o.flushRDNSS === undefined ? {} : { flush: o.flushRDNSS }),
    };
  });
  ra.dnssl = iface.dnssl.map((d) => ({
    domains: [...d.suffixes],
    ...(d.options.advDNSSLLifetime === undefined ? {} : { lifetime: lifetime(d.options.advDNSSLLifetime) }),
    ...(d.options.flushDNSSL === undefined ? {} : { flush: d.options.flushDNSSL }),
  }));
  ra.pref64 = iface.nat64prefixes.flatMap((n) => {
    const prefix = canonicalPrefix(n);
    if (prefix === undefined) return [];
    return [{ prefix, ...(n.options.advValidLifetime === undefined ? {} : { lifetime: n.options.advValidLifetime }) }];
  });
  ra.clients = iface.clients.flatMap((c) => {
    if (isLinkLocal(c.address)) return [{ address: tryCanonicalAddress(c.address) ?? c.address, exclude: c.ignored }];
    out.add('not-link-local', `clients entry ${c.address} is not link-local; RSs and RAs use link-local sources (RFC 4861 §6.1.2), so it was left out.`, { block: { kind: 'clients', index: 0 }, keyword: c.address });
    return [];
  });
  ra.raSourceAddresses = iface.raSourceAddresses.flatMap((a) => {
    if (isLinkLocal(a)) return [tryCanonicalAddress(a) ?? a];
    out.add('not-link-local', `AdvRASrcAddress ${a} is not link-local; an RA must come from a link-local address (RFC 4861 §6.1.2), so it was left out.`, { block: { kind: 'AdvRASrcAddress', index: 0 }, keyword: a });
    return [];
  });
  iface.lowpanContexts.forEach((_, index) =>
    out.add('unsupported', 'lowpanco (6LoWPAN Context option, RFC 6775 §4.2) is not supported; it was left out.', { block: { kind: 'lowpanco', index } }),
  );
  iface.abros.forEach((_, index) =>
    out.add('unsupported', 'abro (Authoritative Border Router option, RFC 6775 §4.3) is not supported; it was left out.', { block: { kind: 'abro', index } }),
  );
}

function mapInterface(iface: RadvdInterface, locate: RadvdLocator | undefined): { ra: Json; unmapped: Problem[] } {
  const out = new Unmapped(iface.name, locate);
  const ra = mapInterfaceOptions(iface, out);
  mapBlocks(iface, ra, out);
  return { ra, unmapped: out.list };
}

/**
 * Maps a radvd.conf tree onto `base` (default: an empty config): each interface's `ra` block is
 * replaced by the file's, interfaces the file names but `base` lacks are added as LAN ethernet
 * links, everything else in `base` is kept. Fails only when the result does not validate.
 */
export function radvdToConfig(ast: RadvdConfig, base?: Config, options: RadvdImportOptions = {}): Result<RadvdImport, Problem[]> {
  const doc = structuredClone(base ?? { version: 1 }) as Json;
  const interfaces = { ...((doc.interfaces as Json | undefined) ?? {}) };
  const unmapped: Problem[] = [];
  for (const iface of ast.interfaces) {
    const mapped = mapInterface(iface, options.locate);
    unmapped.push(...mapped.unmapped);
    const existing = interfaces[iface.name] as Json | undefined;
    const linkMtu = typeof mapped.ra.linkMtu === 'number' ? mapped.ra.linkMtu : 0;
    interfaces[iface.name] =
      existing === undefined
        ? { kind: 'ethernet', role: 'lan', ...(linkMtu > 1500 ? { mtu: Math.min(linkMtu, 65535) } : {}), ra: mapped.ra }
        : { ...existing, ra: mapped.ra };
  }
  doc.interfaces = interfaces;
  const validated = validateConfig(doc);
  if (!validated.ok) return err(validated.error);
  return ok({ config: validated.value, unmapped });
}
