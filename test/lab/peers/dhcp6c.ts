// wide-dhcpv6-client (dhcp6c) as a prefix-delegation client in a lab namespace.
//
// dhcp6c stores its DUID in /var/lib/dhcpv6/dhcp6c_duid (compiled in). As for dhcpcd, the
// command runs under `ip netns exec`, which gives it a private mount namespace, so a directory of
// the run is bind-mounted over /var/lib/dhcpv6 first: each instance makes and keeps its own DUID.
// Its hook script gets no lease variables (only REASON=NBI and name servers), so the lease is
// read from the debug log (-D), which names every prefix, address and interface address it sets.
// On SIGTERM it sends a Release for every IA before exiting.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from '../topology.ts';
import type { Peer } from '../peer.ts';
import { waitFor } from '../wait.ts';
import { failureOf, linkLocalReady, tail } from './dhclient.ts';

export interface Dhcp6cOptions {
  readonly ia_pd: {
    /** Bits between the delegated length and the downstream /64s (sla-len); 64 − delegated length. */
    readonly sla_len: number;
    /** Interface that gets `<prefix>:<sla_id>::<interface id>/64` from the delegation. */
    readonly downstream?: string;
    /** Default 1. */
    readonly sla_id?: number;
  };
  /** Ask for an address too (IA_NA). */
  readonly ia_na?: boolean;
  readonly timeoutMs: number;
  /** Peer and directory name; default `dhcp6c-<node>-<random>`. */
  readonly name?: string;
}

export interface Dhcp6cLease {
  readonly value: string;
  /** Seconds; 0xffffffff for `infinity`. */
  readonly preferredLifetime: number;
  readonly validLifetime: number;
}

/** What dhcp6c's debug log says it holds now. */
export interface Dhcp6cState {
  /** Delegated prefixes with length, e.g. `2001:db8:8000:200::/56`. */
  readonly prefixes: readonly Dhcp6cLease[];
  /** IA_NA addresses. */
  readonly addresses: readonly Dhcp6cLease[];
  /** Addresses it configured on interfaces (`2001:db8:8000:201:…/64` on the downstream). */
  readonly interfaceAddresses: ReadonlyArray<{ readonly address: string; readonly ifname: string }>;
}

export interface Dhcp6cHandle {
  readonly peer: Peer;
  readonly dir: string;
  readonly bound: boolean;
  readonly failure?: string;
  /** The first delegated prefix, with length. */
  readonly prefix?: string;
  readonly address?: string;
  /** The address it put on the downstream interface, with length. */
  readonly downstreamAddress?: string;
  state(): Dhcp6cState;
  /** SIGTERM: dhcp6c releases its IAs, then exits. */
  stop(): Promise<void>;
}

/** dhcp6c.conf for one upstream interface. IA IDs are 0 for both kinds. */
export function dhcp6cConfig(ifname: string, options: Pick<Dhcp6cOptions, 'ia_pd' | 'ia_na'>): string {
  const pd = options.ia_pd;
  const downstream = pd.downstream === undefined
    ? ''
    : `  prefix-interface ${pd.downstream} {\n    sla-id ${pd.sla_id ?? 1};\n    sla-len ${pd.sla_len};\n  };\n`;
  return [
    '# Written by the v6edge lab (test/lab/peers/dhcp6c.ts).',
    `interface ${ifname} {`,
    '  send ia-pd 0;',
    ...(options.ia_na === true ? ['  send ia-na 0;'] : []),
    '  request domain-name-servers;',
    '};',
    `id-assoc pd 0 {\n${downstream}};`,
    ...(options.ia_na === true ? ['id-assoc na 0 {\n};'] : []),
    '',
  ].join('\n');
}

const INFINITY = 0xffffffff;
const lifetime = (text: string | undefined): number => (text === 'infinity' ? INFINITY : Number(text));

/** Replays dhcp6c's debug log: what it created minus what it removed, in order. */
export function parseDhcp6cLog(log: string): Dhcp6cState {
  const prefixes = new Map<string, Dhcp6cLease>();
  const addresses = new Map<string, Dhcp6cLease>();
  const onInterfaces = new Map<string, { address: string; ifname: string }>();
  for (const line of log.split('\n')) {
    let m: RegExpExecArray | null;
    if ((m = /update_prefix: (?:create|update) a prefix (\S+) pltime=(\w+), vltime=(\w+)/.exec(line)) !== null) {
      prefixes.set(m[1] ?? '', { value: m[1] ?? '', preferredLifetime: lifetime(m[2]), validLifetime: lifetime(m[3]) });
    } else if ((m = /update_address: (?:create|update) an address (\S+) pltime=(\w+), vltime=(\w+)/.exec(line)) !== null) {
      addresses.set(m[1] ?? '', { value: m[1] ?? '', preferredLifetime: lifetime(m[2]), validLifetime: lifetime(m[3]) });
    } else if ((m = /remove_siteprefix: remove a site prefix (\S+)/.exec(line)) !== null) {
      prefixes.delete(m[1] ?? '');
    } else if ((m = /remove_addr: remove an address (\S+)/.exec(line)) !== null) {
      addresses.delete(m[1] ?? '');
    } else if ((m = /ifaddrconf: add an address (\S+) on (\S+)/.exec(line)) !== null) {
      onInterfaces.set(`${m[1]} ${m[2]}`, { address: m[1] ?? '', ifname: m[2] ?? '' });
    } else if ((m = /ifaddrconf: remove an address (\S+) on (\S+)/.exec(line)) !== null) {
      onInterfaces.delete(`${m[1]} ${m[2]}`);
    }
  }
  return { prefixes: [...prefixes.values()], addresses: [...addresses.values()], interfaceAddresses: [...onInterfaces.values()] };
}

/**
 * Runs dhcp6c in the foreground (`-f -D`) on `node`/`ifname` and waits until it holds a
 * delegated prefix (and an address, with `ia_na`; and a downstream address, with `downstream`),
 * until it exits, or until `timeoutMs`.
 */
export async function dhcp6c(lab: Lab, node: string, ifname: string, options: Dhcp6cOptions): Promise<Dhcp6cHandle> {
  const name = options.name ?? `dhcp6c-${node}-${randomBytes(3).toString('hex')}`;
  const dir = join(lab.dir, name);
  const state = join(dir, 'lib');
  mkdirSync(state, { recursive: true });
  const conf = lab.file(`${name}/dhcp6c.conf`, dhcp6cConfig(ifname, options));
  const pid = join(dir, 'dhcp6c.pid');
  const shell = `mkdir -p /var/lib/dhcpv6 && mount --bind '${state}' /var/lib/dhcpv6 && exec dhcp6c -f -D -c '${conf}' -p '${pid}' '${ifname}'`;
  await linkLocalReady(lab, node, ifname);
  const peer = lab.spawn(node, ['sh', '-c', shell], { name });
  const read = (): Dhcp6cState => parseDhcp6cLog(peer.output());
  const downstream = options.ia_pd.downstream;
  const outcome = await waitFor(
    () => {
      const s = read();
      const down = s.interfaceAddresses.find((a) => a.ifname === downstream);
      if (s.prefixes.length > 0 && (options.ia_na !== true || s.addresses.length > 0) && (downstream === undefined || down !== undefined)) {
        return { bound: true as const, state: s, down };
      }
      if (!peer.running) return { bound: false as const, failure: `dhcp6c exited before binding:\n${tail(peer.output())}` };
      return undefined;
    },
    { timeoutMs: options.timeoutMs, what: `dhcp6c on ${node}/${ifname} to get a prefix` },
  ).catch((e: unknown) => failureOf(e, peer));
  const got = outcome.bound ? outcome : undefined;
  return {
    peer,
    dir,
    bound: outcome.bound,
    ...(outcome.bound ? {} : { failure: outcome.failure }),
    ...(got?.state.prefixes[0] === undefined ? {} : { prefix: got.state.prefixes[0].value }),
    ...(got?.state.addresses[0] === undefined ? {} : { address: got.state.addresses[0].value }),
    ...(got?.down === undefined ? {} : { downstreamAddress: got.down.address }),
    state: read,
    stop: async () => {
      await peer.stop();
    },
  };
}
