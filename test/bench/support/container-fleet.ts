// The container fleet the reconcile and filter benchmarks share: N hosts behind `hosts0`, each
// with M IPAM-allocated container networks and one published port, and the daemon's path from
// that config to a desired state (validateConfig → IPAM → desiredState), timed step by step.
// Also the small timing and lab helpers both benchmarks use.
import { readFileSync } from 'node:fs';
import type { Config, ConfigInput } from '../../../src/config/schema.ts';
import { validateConfig } from '../../../src/config/validate.ts';
import type { IpamState } from '../../../src/net/ipam.ts';
import { allocateForConfig } from '../../../src/reconcile/allocations.ts';
import { desiredState, type Desired } from '../../../src/reconcile/desired.ts';
import type { LabSpec } from '../../lab/index.ts';

export const HOSTS_IFACE = 'hosts0';
export const HOSTS_LINK_PREFIX = '2001:db8:3::';
/** The IPAM pool of the demo config: room for 16,384 /48s. */
export const HOST_POOL_PREFIX = '2001:db8:4000::/34';
export const HOST_PREFIX_LENGTH = 48;

/** Host `i`'s next hop on the hosts link (`::1` is the router). */
export const nextHopOf = (i: number): string => `${HOSTS_LINK_PREFIX}${(i + 16).toString(16)}`;
export const hostName = (i: number): string => `h${i}`;

/** A router namespace: `wan0` to an upstream namespace, `hosts0` (where the next hops live) to a segment. */
export function routerLab(): LabSpec {
  return {
    nodes: { router: { forwarding: true }, upstream: {}, seg: {} },
    links: [{ a: ['router', 'wan0'], b: ['upstream', 'up0'] }, { a: ['router', HOSTS_IFACE], b: ['seg', 'p0'] }],
    addresses: { router: { [HOSTS_IFACE]: [`${HOSTS_LINK_PREFIX}1/64`] } },
  };
}

/** The config document of `hosts` hosts with `networks` networks each, prefixes left to IPAM. */
export function fleetDocument(hosts: number, networks: number): ConfigInput {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < hosts; i++) {
    const nets: Record<string, object> = {};
    for (let j = 0; j < networks; j++) nets[`n${j}`] = {};
    out[hostName(i)] = { interface: HOSTS_IFACE, nextHop: nextHopOf(i), networks: nets, publishedPorts: [{ protocol: 'tcp', port: 80, network: 'n0' }] };
  }
  return {
    version: 1,
    interfaces: {
      wan0: { kind: 'veth', role: 'wan', ips: ['2001:db8:ffff::2/64'] },
      [HOSTS_IFACE]: { kind: 'veth', role: 'hosts', ips: [`${HOSTS_LINK_PREFIX}1/64`] },
    },
    ipam: { hostPool: HOST_POOL_PREFIX, hostPrefixLength: HOST_PREFIX_LENGTH },
    hosts: out as ConfigInput['hosts'],
  };
}

/**
 * The IPAM step as a daemon runs it on a commit (src/reconcile/allocations.ts: host prefixes
 * first, then each host's networks inside its prefix); any problem stops the benchmark.
 */
export function allocate(config: Config, state: IpamState, now: number): IpamState {
  const r = allocateForConfig(state, config, now);
  if (!r.ok) throw new Error(`bench: IPAM refused its own state: ${r.error.message}`);
  const first = r.value.problems[0];
  if (first !== undefined) throw new Error(`bench: IPAM could not allocate: ${first.message}`);
  return r.value.state;
}

export interface Steps {
  /** Milliseconds per named step, in the order they ran. */
  readonly ms: Map<string, number>;
}

/** Runs `f`, adding its duration to `steps` under `name`. */
export async function timed<T>(steps: Steps, name: string, f: () => T | Promise<T>): Promise<T> {
  const t = performance.now();
  try {
    return await f();
  } finally {
    steps.ms.set(name, (steps.ms.get(name) ?? 0) + performance.now() - t);
  }
}

export const newSteps = (): Steps => ({ ms: new Map() });

export interface FleetState {
  readonly config: Config;
  readonly allocations: IpamState;
  readonly desired: Desired;
}

/**
 * Config document → validateConfig (size and depth limits, zod schema, cross-field rules) →
 * IPAM → desired state, each step timed: what a commit of the document runs before the loop.
 */
export async function desiredFleet(doc: ConfigInput, previous: IpamState, steps: Steps, now = Date.now()): Promise<FleetState> {
  const checked = await timed(steps, 'validateConfig', () => validateConfig(doc));
  if (!checked.ok) throw new Error(`bench: the fleet config is invalid: ${checked.error[0]?.message ?? '?'}`);
  const config = checked.value;
  const allocations = await timed(steps, 'IPAM', () => allocate(config, previous, now));
  const desired = await timed(steps, 'desired state', () => desiredState(config, allocations, []));
  if (desired.problems.length > 0) throw new Error(`bench: desired state has problems: ${desired.problems[0]!.message}`);
  return { config, allocations, desired };
}

export const fmtMs = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 10 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`);

/**
 * CPU time (user + system) of this process and of its children it has waited for, in ms, from
 * /proc/self/stat fields 14–17 (proc(5)). The \`ip\` and \`nft\` runs are such children, so a
 * difference of two readings is the CPU a step cost, which other load on the machine inflates
 * far less than wall time. Ticks are USER_HZ, 100 on Linux.
 */
export function cpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 1).trim().split(/\s+/);
  const ticks = [14, 15, 16, 17].reduce((sum, n) => sum + Number(fields[n - 3]), 0);
  return ticks * 10;
}

/** VmRSS and VmHWM of this process, in MiB. */
export function memoryMiB(): { rss: number; peak: number } {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}
