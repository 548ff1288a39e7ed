// dhcpcd 9.4.1 as an IPv6-only, DHCPv6-only client in a lab namespace.
//
// dhcpcd keeps its pid file and control sockets in /run/dhcpcd and its DUID, secret and leases
// in /var/lib/dhcpcd, paths compiled in. `ip netns exec` runs each command in a mount namespace
// of its own (mounts stay slave to the host's and never propagate back), so bind-mounting two
// directories of the run over those paths before exec'ing dhcpcd gives every instance private
// state that tests can still read. Verified here: two instances in two namespaces do not collide
// and the host's /var/lib/dhcpcd is untouched.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from '../topology.ts';
import type { Peer } from '../peer.ts';
import { waitFor } from '../wait.ts';
import { failureOf, hookRecorder, linkLocalReady, tail, type HookRecord } from './dhclient.ts';

export interface Dhcpcd6Options {
  /** Ask for an address (IA_NA, IAID 1). */
  readonly ia_na: boolean;
  /** Ask for a prefix (IA_PD, IAID 2) with this length as a hint; assigned to no interface. */
  readonly ia_pd?: { readonly length: number };
  /** Send Rapid Commit in the Solicit (RFC 8415 §18.2.1). */
  readonly rapidCommit?: boolean;
  readonly timeoutMs: number;
  /** Peer and directory name; default `dhcpcd-<node>-<random>`. */
  readonly name?: string;
}

/** One hook call of dhcpcd reduced to the DHCPv6 lease it describes. */
export interface Dhcpcd6Lease {
  readonly reason: string;
  readonly addresses: readonly string[];
  /** With length, e.g. `2001:db8:8000:100::/56`. */
  readonly prefixes: readonly string[];
  readonly serverId?: string;
}

export interface Dhcpcd6Handle {
  readonly peer: Peer;
  readonly dir: string;
  /** Whether every requested IA was bound before `timeoutMs`. */
  readonly bound: boolean;
  readonly failure?: string;
  /** The bound address (IA_NA), when one was asked for and given. */
  readonly address?: string;
  /** The delegated prefix (IA_PD), when one was asked for and given. */
  readonly prefix?: string;
  /** Every hook call so far, parsed. */
  leases(): Dhcpcd6Lease[];
  stop(): Promise<void>;
}

// dhcpcd's reasons for a Reply it has applied (RFC 8415 §18.2.10).
const APPLIED = new Set(['BOUND6', 'RENEW6', 'REBIND6', 'REBOOT6']);

/** dhcpcd.conf for one interface, DHCPv6 only: no RS, no IPv4, no hooks beyond our recorder. */
export function dhcpcd6Config(ifname: string, options: Pick<Dhcpcd6Options, 'ia_na' | 'ia_pd' | 'rapidCommit'>): string {
  return [
    '# Written by the v6edge lab (test/lab/peers/dhcpcd.ts).',
    'ipv6only',
    // Without RS dhcpcd starts DHCPv6 as soon as the interface has an ia_* to ask for.
    'noipv6rs',
    ...(options.rapidCommit === true ? ['option rapid_commit'] : []),
    `interface ${ifname}`,
    ...(options.ia_na ? ['  ia_na 1'] : []),
    // `IAID/prefix/length` hints the length; no interface list keeps the prefix unassigned except
    // for dhcpcd's reject route on lo.
    ...(options.ia_pd === undefined ? [] : [`  ia_pd 2/::/${options.ia_pd.length}`]),
    '',
  ].join('\n');
}

/** The lease one hook call reports (`new_dhcp6_ia_na1_ia_addr1`, `new_dhcp6_ia_pd1_prefix1` + `_length`, …). */
export function dhcpcd6Lease(record: HookRecord): Dhcpcd6Lease {
  const e = record.env;
  const addresses: string[] = [];
  const prefixes: string[] = [];
  for (const [key, value] of Object.entries(e)) {
    if (/^new_dhcp6_ia_na\d+_ia_addr\d+$/.test(key)) addresses.push(value);
    if (/^new_dhcp6_ia_pd\d+_prefix\d+$/.test(key)) prefixes.push(`${value}/${e[`${key}_length`] ?? '?'}`);
  }
  const serverId = e.new_dhcp6_server_id;
  return { reason: record.reason, addresses, prefixes, ...(serverId === undefined ? {} : { serverId }) };
}

/**
 * Runs dhcpcd (`-6 -B`, foreground, debug log) on `node`/`ifname` with private state and waits
 * until a Reply bound every requested IA, dhcpcd exits, or `timeoutMs` passes. dhcpcd itself puts
 * the address on the interface and removes it when stopped.
 */
export async function dhcpcd6(lab: Lab, node: string, ifname: string, options: Dhcpcd6Options): Promise<Dhcpcd6Handle> {
  if (!options.ia_na && options.ia_pd === undefined) throw new Error('dhcpcd6: ask for ia_na, ia_pd or both');
  const name = options.name ?? `dhcpcd-${node}-${randomBytes(3).toString('hex')}`;
  const dir = join(lab.dir, name);
  const run = join(dir, 'run');
  const state = join(dir, 'lib');
  mkdirSync(run, { recursive: true });
  mkdirSync(state, { recursive: true });
  const recorder = hookRecorder(dir, { mirrorAddress: false });
  const conf = lab.file(`${name}/dhcpcd.conf`, dhcpcd6Config(ifname, options));
  // /run/dhcpcd exists only after dhcpcd has once run on the host; the bind needs a mount point.
  const shell = `mkdir -p /run/dhcpcd /var/lib/dhcpcd && mount --bind '${run}' /run/dhcpcd && mount --bind '${state}' /var/lib/dhcpcd && exec dhcpcd -6 -B -d -f '${conf}' -c '${recorder.scriptPath}' '${ifname}'`;
  await linkLocalReady(lab, node, ifname);
  const peer = lab.spawn(node, ['sh', '-c', shell], { name });
  const leases = (): Dhcpcd6Lease[] => recorder.records().filter((r) => r.env.protocol === 'dhcp6').map(dhcpcd6Lease);
  const complete = (l: Dhcpcd6Lease): boolean =>
    APPLIED.has(l.reason) && (!options.ia_na || l.addresses.length > 0) && (options.ia_pd === undefined || l.prefixes.length > 0);
  const outcome = await waitFor(
    () => {
      const done = leases().find(complete);
      if (done !== undefined) return { bound: true as const, lease: done };
      if (!peer.running) return { bound: false as const, failure: `dhcpcd exited before binding:\n${tail(peer.output())}` };
      return undefined;
    },
    { timeoutMs: options.timeoutMs, what: `dhcpcd on ${node}/${ifname} to bind` },
  ).catch((e: unknown) => failureOf(e, peer));
  const lease = outcome.bound ? outcome.lease : undefined;
  return {
    peer,
    dir,
    bound: outcome.bound,
    ...(outcome.bound ? {} : { failure: outcome.failure }),
    ...(lease?.addresses[0] === undefined ? {} : { address: lease.addresses[0] }),
    ...(lease?.prefixes[0] === undefined ? {} : { prefix: lease.prefixes[0] }),
    leases,
    stop: async () => {
      await peer.stop();
    },
  };
}
