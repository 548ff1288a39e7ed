// config → radvd.conf: the `ra` block of each interface as radvd reads it. Values equal to
// radvd's own defaults are left out so the file reads like one an operator wrote; prefix
// lifetimes are always written because radvd's defaults (1 d / 4 h) are not the config's.
// By default only radvd 2.19 syntax is written; what needs newer radvd or cannot be said at all
// is named beside the tree.
import { err, ok, problem, type Problem, type Result } from '../../lib/result.ts';
import type { Lifetime } from '../primitives.ts';
import type { RaConfig } from '../ra-schema.ts';
import type { Config } from '../schema.ts';
import { INFINITY, type InterfaceOptions, type PrefixText, type RadvdConfig, type RadvdInterface, type RadvdNat64Prefix, type RadvdRdnss } from './ast.ts';
import { LIMITS } from './checks.ts';

export interface RadvdExportOptions {
  /** Write options only radvd ≥ 2.20 knows (nat64prefix, AdvCaptivePortalAPI, `!addr`, …). */
  readonly newerSyntax?: boolean;
}

export interface RadvdExport {
  readonly radvd: RadvdConfig;
  /** Settings left out of the file, each at its config path, with why. */
  readonly unexpressed: readonly Problem[];
}

/** radvd 2.19's grammar takes at most three addresses per RDNSS block. */
const RDNSS_PER_BLOCK_219 = 3;
/** radvd's MIN_DELAY_BETWEEN_RAS floor outside Mobile IPv6 (RFC 4861 §10, RFC 6275 §7.5). */
const MIN_DELAY_FLOOR = 3;

const wire = (l: Lifetime): number => (l === 'infinity' ? INFINITY : l);

function prefixText(text: string): PrefixText {
  const slash = text.lastIndexOf('/');
  return { address: text.slice(0, slash), length: Number(text.slice(slash + 1)) };
}

/** Options that differ from radvd's defaults (radvd.conf(5)). */
function interfaceOptions(ra: RaConfig, newer: boolean, drop: (path: string, message: string) => void): InterfaceOptions {
  const o: Record<string, unknown> = { advSendAdvert: ra.enabled };
  const limits = newer ? LIMITS.rfc8319 : LIMITS['radvd-2.19'];
  if (ra.maxRtrAdvInterval > limits.maxRtrAdvInterval) {
    drop('maxRtrAdvInterval', `MaxRtrAdvInterval ${ra.maxRtrAdvInterval} s is above radvd 2.19's ${limits.maxRtrAdvInterval} s (RFC 8319 needs newer radvd); ${limits.maxRtrAdvInterval} s was written.`);
    o.maxRtrAdvInterval = limits.maxRtrAdvInterval;
  } else if (ra.maxRtrAdvInterval !== 600) {
    o.maxRtrAdvInterval = ra.maxRtrAdvInterval;
  }
  if (ra.minRtrAdvInterval !== undefined) o.minRtrAdvInterval = Math.min(ra.minRtrAdvInterval, 0.75 * (o.maxRtrAdvInterval as number | undefined ?? 600));
  const mobile = ra.homeAgentFlag || ra.advertisementInterval || ra.prefixes.some((p) => p.routerAddress);
  if (ra.minDelayBetweenRas < MIN_DELAY_FLOOR && !mobile) {
    drop('minDelayBetweenRas', `radvd allows MinDelayBetweenRAs below ${MIN_DELAY_FLOOR} s only with Mobile IPv6 options; radvd's default was kept.`);
  } else if (ra.minDelayBetweenRas !== MIN_DELAY_FLOOR) {
    o.minDelayBetweenRAs = ra.minDelayBetweenRas;
  }
  const differs: ReadonlyArray<readonly [string, unknown, unknown]> = [
    ['advManagedFlag', ra.managedFlag, false],
    ['advOtherConfigFlag', ra.otherConfigFlag, false],
    ['advLinkMTU', ra.linkMtu, 0],
    ['advReachableTime', ra.reachableTimeMs, 0],
    ['advRetransTimer', ra.retransTimerMs, 0],
    ['advCurHopLimit', ra.curHopLimit, 64],
    ['advDefaultPreference', ra.defaultPreference, 'medium'],
    ['advSourceLLAddress', ra.sourceLinkLayerAddress, true],
    ['advHomeAgentFlag', ra.homeAgentFlag, false],
    ['advIntervalOpt', ra.advertisementInterval, false],
    ['unicastOnly', ra.unicastOnly, false],
    ['advRASolicitedUnicast', ra.unicastResponse, true],
  ];
  for (const [field, value, dflt] of differs) if (value !== dflt) o[field] = value;
  if (ra.defaultLifetime !== undefined) {
    if (ra.defaultLifetime > limits.maxDefaultLifetime) {
      drop('defaultLifetime', `AdvDefaultLifetime ${ra.defaultLifetime} s is above radvd 2.19's ${limits.maxDefaultLifetime} s; ${limits.maxDefaultLifetime} s was written.`);
      o.advDefaultLifetime = limits.maxDefaultLifetime;
    } else {
      o.advDefaultLifetime = ra.defaultLifetime;
    }
  }
  if (ra.homeAgentInfo !== undefined) {
    o.advHomeAgentInfo = true;
    // RFC 6275 §7.4: signed 16 bits; radvd reads the same bits unsigned.
    if (ra.homeAgentInfo.preference !== 0) o.homeAgentPreference = ra.homeAgentInfo.preference & 0xffff;
    if (ra.homeAgentInfo.lifetime !== undefined) o.homeAgentLifetime = ra.homeAgentInfo.lifetime;
    if (ra.mobileRouterSupportFlag) o.advMobRtrSupportFlag = true;
  } else if (ra.mobileRouterSupportFlag) {
    drop('mobileRouterSupportFlag', 'radvd sends the Mobile Router Support flag only inside Home Agent Information; set homeAgentInfo.');
  }
  if (!ra.removeAdvOnExit) {
    if (newer) o.removeAdvOnExit = false;
    else drop('removeAdvOnExit', 'RemoveAdvOnExit needs radvd ≥ 2.20; radvd 2.19 always sends final RAs.');
  }
  if (ra.captivePortal !== undefined) {
    if (newer) o.advCaptivePortalAPI = ra.captivePortal;
    else drop('captivePortal', 'AdvCaptivePortalAPI needs radvd ≥ 2.20.');
  }
  return o as InterfaceOptions;
}

function rdnssBlocks(ra: RaConfig, newer: boolean): RadvdRdnss[] {
  return ra.rdnss.flatMap((d) => {
    const options = {
      ...(d.lifetime === undefined ? {} : { advRDNSSLifetime: wire(d.lifetime) }),
      ...(d.flush ? {} : { flushRDNSS: false }),
    };
    const per = newer ? d.servers.length : RDNSS_PER_BLOCK_219;
    const blocks: RadvdRdnss[] = [];
    for (let i = 0; i < d.servers.length; i += per) blocks.push({ addresses: d.servers.slice(i, i + per), options });
    return blocks;
  });
}

function nat64Blocks(ra: RaConfig, drop: (path: string, message: string) => void): RadvdNat64Prefix[] {
  return ra.pref64.flatMap((p, i) => {
    const text = prefixText(p.prefix);
    if (/^[0:]+$/.test(text.address)) {
      drop(`pref64[${i}]`, `radvd refuses the all-zeros nat64prefix ${p.prefix}.`);
      return [];
    }
    return [{ ...text, options: p.lifetime === undefined ? {} : { advValidLifetime: p.lifetime } }];
  });
}

function exportInterface(name: string, ra: RaConfig, newer: boolean, unexpressed: Problem[]): RadvdInterface {
  const drop = (path: string, message: string): void => {
    unexpressed.push(problem('not-expressible', message, { path: `interfaces.${name}.ra.${path}` }));
  };
  const options = interfaceOptions(ra, newer, drop);
  const clients = ra.clients.flatMap((c, i) => {
    if (!c.exclude) return [{ address: c.address, ignored: false }];
    if (newer) return [{ address: c.address, ignored: true }];
    drop(`clients[${i}]`, `Excluded client ${c.address} (\`!addr\`) needs radvd ≥ 2.20.`);
    return [];
  });
  if (ra.pref64.length > 0 && !newer) drop('pref64', 'nat64prefix (PREF64, RFC 8781) needs radvd ≥ 2.20.');
  return {
    name,
    options,
    prefixes: ra.prefixes.map((p) => ({
      ...prefixText(p.prefix),
      options: {
        ...(p.onLink ? {} : { advOnLink: false }),
        ...(p.autonomous ? {} : { advAutonomous: false }),
        ...(p.routerAddress ? { advRouterAddr: true } : {}),
        advValidLifetime: wire(p.validLifetime),
        advPreferredLifetime: wire(p.preferredLifetime),
        ...(p.deprecatePrefix ? { deprecatePrefix: true } : {}),
        ...(p.decrementLifetimes ? { decrementLifetimes: true } : {}),
      },
    })),
    routes: ra.routes.map((r) => ({
      ...prefixText(r.prefix),
      options: {
        ...(r.preference === 'medium' ? {} : { advRoutePreference: r.preference }),
        ...(r.lifetime === undefined ? {} : { advRouteLifetime: wire(r.lifetime) }),
        ...(r.removeRoute ? {} : { removeRoute: false }),
      },
    })),
    rdnss: rdnssBlocks(ra, newer),
    dnssl: ra.dnssl.map((d) => ({
      suffixes: d.domains.map((n) => (n.endsWith('.') ? n.slice(0, -1) : n)),
      options: {
        ...(d.lifetime === undefined ? {} : { advDNSSLLifetime: wire(d.lifetime) }),
        ...(d.flush ? {} : { flushDNSSL: false }),
      },
    })),
    nat64prefixes: newer ? nat64Blocks(ra, drop) : [],
    clients,
    raSourceAddresses: [...ra.raSourceAddresses],
    autoIgnorePrefixes: [],
    lowpanContexts: [],
    abros: [],
  };
}

/**
 * The radvd.conf tree for every interface with an `ra` block, or only `iface`. Fails when
 * `iface` has no `ra` block or no interface has one.
 */
export function configToRadvd(config: Config, iface?: string, options: RadvdExportOptions = {}): Result<RadvdExport> {
  const newer = options.newerSyntax === true;
  const names = iface === undefined ? Object.keys(config.interfaces) : [iface];
  const unexpressed: Problem[] = [];
  const interfaces: RadvdInterface[] = [];
  for (const name of names) {
    const ra = config.interfaces[name]?.ra;
    if (ra === undefined) {
      if (iface === undefined) continue;
      const why = config.interfaces[name] === undefined ? 'is not in the config' : 'has no ra block';
      return err(problem('no-ra', `Interface ${name} ${why}; there is nothing to export.`, { path: `interfaces.${name}` }));
    }
    interfaces.push(exportInterface(name, ra, newer, unexpressed));
  }
  if (interfaces.length === 0) return err(problem('no-ra', 'No interface has an ra block; there is nothing to export.', { path: 'interfaces' }));
  return ok({ radvd: { interfaces }, unexpressed });
}
