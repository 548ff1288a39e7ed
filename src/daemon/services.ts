// The packet services the daemon runs for a config: one RA runner per interface advertising,
// one DHCPv6 server for every interface it serves, and the NDP proxy. apply(config) moves them
// to a new revision live: RA runners get update() (fast RAs, never router lifetime 0), runners of
// interfaces that stop advertising send their final RAs, the DHCPv6 server is reconfigured live
// when its part of the config changed (only the sockets of interfaces turned on or off move).
//
// Each service comes from a factory, so tests run the daemon without raw sockets and the NDP
// proxy (src/services/ndproxy) plugs in as one more entry of `ServiceFactories`.
import type { Config } from '../config/schema.ts';
import type { RaConfig } from '../config/ra-schema.ts';
import type { Health, ServiceHealth } from '../api/types.ts';
import type { Result, Problem } from '../lib/result.ts';
import type { LeaseRecord } from '../store/records.ts';
import type { RaStatus } from '../services/ra/runner.ts';
import type { Dhcpv6Status, LeaseEvent } from '../services/dhcpv6/runner.ts';
import type { Logger } from './logs.ts';

export interface RaService {
  update(config: RaConfig): void;
  stop(): Promise<void>;
  status(): RaStatus;
}

export interface Dhcpv6Service {
  start(): Promise<Result<void, Problem>>;
  /** Serves a new config from the next message on, without a restart. */
  reconfigure(config: Config): Promise<Result<void, Problem>>;
  /** An operator's release of an address or prefix: durable, announced as a lease event. */
  release(lease: string): Promise<Result<LeaseRecord[], Problem>>;
  stop(): Promise<void>;
  status(): Dhcpv6Status;
  on(event: 'lease', listener: (e: LeaseEvent) => void): unknown;
  on(event: 'error', listener: (e: Error) => void): unknown;
}

/** What the daemon needs of an NDP proxy service (src/services/ndproxy plugs in here). */
export interface NdproxyService {
  update(config: Config): Promise<void> | void;
  stop(): Promise<void>;
  status(): NdproxyStatus;
}

export interface NdproxyStatus {
  readonly entries: ReadonlyArray<{ readonly upstream: string; readonly address: string; readonly mode: 'static' | 'auto' | 'iface' | 'kernel'; readonly state: 'answering' | 'probing' | 'negative' | 'installed'; readonly expiresAt?: number }>;
  readonly counters: Readonly<Record<string, number>>;
}

export interface ServiceFactories {
  readonly ra?: (ifname: string, config: RaConfig) => Promise<RaService>;
  readonly dhcpv6?: (config: Config) => Dhcpv6Service;
  readonly ndproxy?: (config: Config) => Promise<NdproxyService>;
}

/** RA settings of every enabled interface that advertises. */
export function advertisingInterfaces(config: Config): Map<string, RaConfig> {
  const out = new Map<string, RaConfig>();
  for (const [name, i] of Object.entries(config.interfaces)) if (i.enabled && i.ra !== undefined && i.ra.enabled) out.set(name, i.ra);
  return out;
}

/** The part of the config the DHCPv6 server is built from; a change to it reconfigures the server. */
export function dhcpv6Key(config: Config): string {
  const served = Object.entries(config.interfaces)
    .filter(([, i]) => i.enabled && i.dhcpv6 !== undefined && i.dhcpv6.mode !== 'off')
    .map(([name, i]) => [name, i.dhcpv6, i.ips, i.ra?.prefixes]);
  return JSON.stringify(served);
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class ServiceSet {
  readonly #f: ServiceFactories;
  readonly #log: Logger;
  readonly #onLease: (e: LeaseEvent) => void;
  readonly #ra = new Map<string, { service: RaService; json: string }>();
  readonly #raFailures = new Map<string, string>();
  #dhcpv6: { service: Dhcpv6Service; key: string } | undefined;
  #dhcpv6Failure: string | undefined;
  #ndproxy: NdproxyService | undefined;
  #ndproxyFailure: string | undefined;

  constructor(factories: ServiceFactories, log: Logger, onLease: (e: LeaseEvent) => void) {
    this.#f = factories;
    this.#log = log;
    this.#onLease = onLease;
  }

  /** Brings every service to `config`; a service that fails to start is reported, the rest run. */
  async apply(config: Config): Promise<void> {
    await this.#applyRa(config);
    await this.#applyDhcpv6(config);
    await this.#applyNdproxy(config);
  }

  async #applyRa(config: Config): Promise<void> {
    const wanted = advertisingInterfaces(config);
    for (const [ifname, entry] of [...this.#ra]) {
      if (wanted.has(ifname)) continue;
      this.#ra.delete(ifname);
      this.#log.info('ra', `${ifname}: advertising stops`);
      await entry.service.stop();
    }
    for (const name of [...this.#raFailures.keys()]) if (!wanted.has(name)) this.#raFailures.delete(name);
    const make = this.#f.ra;
    if (make === undefined) return;
    for (const [ifname, ra] of wanted) {
      const json = JSON.stringify(ra);
      const running = this.#ra.get(ifname);
      if (running !== undefined) {
        if (running.json !== json) {
          running.service.update(ra);
          running.json = json;
          this.#log.info('ra', `${ifname}: new settings advertised`);
        }
        continue;
      }
      try {
        this.#ra.set(ifname, { service: await make(ifname, ra), json });
        this.#raFailures.delete(ifname);
        this.#log.info('ra', `${ifname}: advertising`);
      } catch (e) {
        this.#raFailures.set(ifname, errorText(e));
        this.#log.error('ra', `${ifname}: cannot advertise: ${errorText(e)}`);
      }
    }
  }

  async #applyDhcpv6(config: Config): Promise<void> {
    const key = dhcpv6Key(config);
    const running = this.#dhcpv6;
    if (running !== undefined) {
      if (running.key === key) return;
      // Live: the server keeps its leases and the sockets of interfaces still served.
      const r = await running.service.reconfigure(config);
      running.key = key;
      this.#dhcpv6Failure = r.ok ? undefined : r.error.message;
      if (r.ok) this.#log.info('dhcpv6', 'new settings served', { interfaces: Object.keys(running.service.status().leases) });
      else this.#log.error('dhcpv6', `reconfigured, but: ${r.error.message}`);
      return;
    }
    this.#dhcpv6Failure = undefined;
    const make = this.#f.dhcpv6;
    if (make === undefined || key === '[]') return;
    const service = make(config);
    service.on('lease', (e) => this.#onLease(e));
    service.on('error', (e) => this.#log.warn('dhcpv6', e.message));
    const started = await service.start();
    if (!started.ok) {
      this.#dhcpv6Failure = started.error.message;
      this.#log.error('dhcpv6', `cannot serve: ${started.error.message}`);
      return;
    }
    this.#dhcpv6 = { service, key };
    this.#log.info('dhcpv6', 'serving', { interfaces: Object.keys(service.status().leases) });
  }

  async #applyNdproxy(config: Config): Promise<void> {
    const make = this.#f.ndproxy;
    if (make === undefined) return;
    if (this.#ndproxy !== undefined) {
      await this.#ndproxy.update(config);
      return;
    }
    if (config.ndproxy.rules.length === 0) return;
    try {
      this.#ndproxy = await make(config);
      this.#ndproxyFailure = undefined;
    } catch (e) {
      this.#ndproxyFailure = errorText(e);
      this.#log.error('ndproxy', `cannot start: ${errorText(e)}`);
    }
  }

  /** An operator's release through the running DHCPv6 server; undefined when none runs. */
  releaseDhcpv6(lease: string): Promise<Result<LeaseRecord[], Problem>> | undefined {
    return this.#dhcpv6?.service.release(lease);
  }

  ra(): RaStatus[] {
    return [...this.#ra.values()].map((e) => e.service.status());
  }

  dhcpv6(): Dhcpv6Status | undefined {
    return this.#dhcpv6?.service.status();
  }

  ndproxy(): NdproxyStatus | undefined {
    return this.#ndproxy?.status();
  }

  health(): { readonly ra: ServiceHealth; readonly dhcpv6: ServiceHealth; readonly ndproxy: ServiceHealth } {
    const raFailed = [...this.#raFailures].map(([i, why]) => `${i}: ${why}`);
    const raTrouble = this.ra().filter((s) => s.sendErrors > 0 || s.problems.length > 0).map((s) => `${s.ifname}: ${s.problems[0]?.message ?? `${s.sendErrors} send errors`}`);
    return {
      ra: healthOf(this.#ra.size > 0 || raFailed.length > 0, raFailed.length > 0 && this.#ra.size === 0 ? 'failed' : [...raFailed, ...raTrouble].length > 0 ? 'degraded' : 'ok', [...raFailed, ...raTrouble][0]),
      dhcpv6: healthOf(this.#dhcpv6 !== undefined || this.#dhcpv6Failure !== undefined, this.#dhcpv6Failure === undefined ? 'ok' : this.#dhcpv6 === undefined ? 'failed' : 'degraded', this.#dhcpv6Failure),
      ndproxy: healthOf(this.#ndproxy !== undefined || this.#ndproxyFailure !== undefined, this.#ndproxyFailure === undefined ? 'ok' : 'failed', this.#ndproxyFailure),
    };
  }

  /** Stops everything: final RAs where configured, sockets closed. */
  async stop(): Promise<void> {
    const ra = [...this.#ra.values()];
    this.#ra.clear();
    await Promise.all(ra.map((e) => e.service.stop()));
    await this.#dhcpv6?.service.stop();
    this.#dhcpv6 = undefined;
    await this.#ndproxy?.stop();
    this.#ndproxy = undefined;
  }
}

function healthOf(active: boolean, health: Health, detail: string | undefined): ServiceHealth {
  if (!active) return { health: 'off' };
  return detail === undefined || health === 'ok' ? { health } : { health, detail };
}
