// Kea 2.2 (kea-dhcp6) as the reference DHCPv6 server: the comparison server in benchmarks and the
// server the client helpers are checked against. One directory per instance holds the config,
// the memfile lease CSV, the server DUID, the pid and lock files.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from '../topology.ts';
import type { Peer } from '../peer.ts';
import { ownSockets } from '../procsock.ts';
import { StopWaiting, waitFor } from '../wait.ts';
import { readOr, tail } from './dhclient.ts';

export interface Kea6PdPool {
  /** The pool, e.g. `2001:db8:8000::/48`. */
  readonly prefix: string;
  /** Length of each delegated prefix, e.g. 56. */
  readonly delegatedLength: number;
}

export interface Kea6Lifetimes {
  /** Seconds; defaults 3000, 4000, 1000 (T1), 2000 (T2). */
  readonly preferred: number;
  readonly valid: number;
  readonly renew: number;
  readonly rebind: number;
}

export interface Kea6Options {
  readonly ifname: string;
  /** The on-link subnet, e.g. `2001:db8:1::/64`. */
  readonly subnet: string;
  /** Kea pool syntax: `2001:db8:1::100-2001:db8:1::1ff` or `2001:db8:1::/80`. */
  readonly pools: readonly string[];
  readonly pdPools?: readonly Kea6PdPool[];
  /** memfile persist: append every lease change to the CSV file (without fsync). */
  readonly persist: boolean;
  /** Answer a Solicit carrying Rapid Commit with a Reply (RFC 8415 §18.3.1). */
  readonly rapidCommit?: boolean;
  readonly dnsServers?: readonly string[];
  readonly domainSearch?: readonly string[];
  readonly lifetimes?: Partial<Kea6Lifetimes>;
  /** Peer and directory name; default `kea-<node>`. */
  readonly name?: string;
}

export interface Kea6 {
  readonly peer: Peer;
  readonly dir: string;
  readonly configPath: string;
  /** The memfile CSV (exists once the first lease is written when `persist` is true). */
  readonly leaseFile: string;
  /** Current leases from the CSV: the last row per lease, released ones (valid 0) left out. */
  leases(): Kea6Lease[];
  stop(): Promise<void>;
}

export interface Kea6Lease {
  readonly type: 'na' | 'ta' | 'pd';
  /** The address, or the prefix with its length (`2001:db8:8000::/56`). */
  readonly lease: string;
  /** Colon-separated hex, as Kea writes it. */
  readonly duid: string;
  readonly iaid: number;
  readonly validLifetime: number;
  readonly preferredLifetime: number;
  /** Unix seconds. */
  readonly expire: number;
  readonly subnetId: number;
  readonly hwaddr: string;
}

const DEFAULT_LIFETIMES: Kea6Lifetimes = { preferred: 3000, valid: 4000, renew: 1000, rebind: 2000 };

/** The kea-dhcp6 JSON config for `options`, with state kept under `dir`. */
export function kea6Config(options: Kea6Options, dir: string): { Dhcp6: Record<string, unknown> } {
  const life = { ...DEFAULT_LIFETIMES, ...options.lifetimes };
  const optionData = [
    ...(options.dnsServers === undefined ? [] : [{ name: 'dns-servers', data: options.dnsServers.join(', ') }]),
    ...(options.domainSearch === undefined ? [] : [{ name: 'domain-search', data: options.domainSearch.join(', ') }]),
  ];
  return {
    Dhcp6: {
      'interfaces-config': { interfaces: [options.ifname] },
      'data-directory': dir,
      'lease-database': { type: 'memfile', persist: options.persist, name: join(dir, 'leases6.csv'), 'lfc-interval': 0 },
      'preferred-lifetime': life.preferred,
      'valid-lifetime': life.valid,
      'renew-timer': life.renew,
      'rebind-timer': life.rebind,
      'option-data': optionData,
      subnet6: [
        {
          id: 1,
          subnet: options.subnet,
          // Clients on the link speak from link-local addresses: select the subnet by interface.
          interface: options.ifname,
          'rapid-commit': options.rapidCommit === true,
          pools: options.pools.map((pool) => ({ pool })),
          'pd-pools': (options.pdPools ?? []).map((p) => {
            const [prefix = '', length = ''] = p.prefix.split('/');
            return { prefix, 'prefix-len': Number(length), 'delegated-len': p.delegatedLength };
          }),
        },
      ],
      // INFO logs every lease; WARN keeps the log to what matters (LAB-NOTES).
      loggers: [{ name: 'kea-dhcp6', output_options: [{ output: 'stdout' }], severity: 'WARN' }],
    },
  };
}

/**
 * Checks the config with `kea-dhcp6 -t`, starts the server on `node` and waits until it listens on
 * ff02::1:2 port 547 (so a client started next is heard).
 */
export async function kea6(lab: Lab, node: string, options: Kea6Options): Promise<Kea6> {
  const name = options.name ?? `kea-${node}`;
  const dir = join(lab.dir, name);
  mkdirSync(dir, { recursive: true });
  const configPath = lab.file(`${name}/kea-dhcp6.json`, `${JSON.stringify(kea6Config(options, dir), null, 2)}\n`);
  const env = { ...process.env, KEA_PIDFILE_DIR: dir, KEA_LOCKFILE_DIR: dir };
  await lab.exec(node, ['kea-dhcp6', '-t', configPath], { env });
  const peer = lab.spawn(node, ['kea-dhcp6', '-c', configPath], { name, env });
  await waitFor(
    () => {
      if (!peer.running) throw new StopWaiting(`kea-dhcp6 exited while starting:\n${tail(peer.output())}`);
      return ownSockets(peer.pid, 'udp6').some(isServerMulticastSocket);
    },
    { timeoutMs: 10_000, what: `kea-dhcp6 on ${node} to listen on ff02::1:2 port 547` },
  );
  const leaseFile = join(dir, 'leases6.csv');
  return {
    peer,
    dir,
    configPath,
    leaseFile,
    leases: () => currentKea6Leases(parseKea6Leases(readOr(leaseFile))),
    stop: async () => {
      await peer.stop();
    },
  };
}

// /proc/net/udp6 prints each 32-bit word of the address in host byte order (little-endian
// here): ff02::1:2 is 000002FF 00000000 00000000 02000100, and port 547 is 0223.
function isServerMulticastSocket(cols: readonly string[]): boolean {
  return cols[1] === '000002FF000000000000000002000100:0223';
}

const LEASE_TYPES: Readonly<Record<string, Kea6Lease['type']>> = { '0': 'na', '1': 'ta', '2': 'pd' };

/** Every row of a Kea memfile lease6 CSV, in file order (an update appends a new row). */
export function parseKea6Leases(csv: string): Kea6Lease[] {
  const [header, ...rows] = csv.split('\n').filter((l) => l.trim() !== '');
  if (header === undefined) return [];
  const columns = header.split(',');
  const index = (col: string): number => {
    const i = columns.indexOf(col);
    if (i < 0) throw new Error(`Kea lease file has no "${col}" column (header: ${header})`);
    return i;
  };
  const at = {
    address: index('address'), duid: index('duid'), valid: index('valid_lifetime'), expire: index('expire'),
    subnet: index('subnet_id'), pref: index('pref_lifetime'), type: index('lease_type'), iaid: index('iaid'),
    prefixLen: index('prefix_len'), hwaddr: index('hwaddr'),
  };
  return rows.map((row) => {
    const cells = row.split(',');
    const cell = (i: number): string => cells[i] ?? '';
    const type = LEASE_TYPES[cell(at.type)] ?? 'na';
    return {
      type,
      lease: type === 'pd' ? `${cell(at.address)}/${cell(at.prefixLen)}` : cell(at.address),
      duid: cell(at.duid),
      iaid: Number(cell(at.iaid)),
      validLifetime: Number(cell(at.valid)),
      preferredLifetime: Number(cell(at.pref)),
      expire: Number(cell(at.expire)),
      subnetId: Number(cell(at.subnet)),
      hwaddr: cell(at.hwaddr),
    };
  });
}

/** The last row per lease, dropping leases whose last row has valid lifetime 0 (released or reclaimed). */
export function currentKea6Leases(rows: readonly Kea6Lease[]): Kea6Lease[] {
  const last = new Map<string, Kea6Lease>();
  for (const row of rows) {
    const key = `${row.type} ${row.lease}`;
    last.delete(key); // re-inserted so the map keeps the order of the latest change
    last.set(key, row);
  }
  return [...last.values()].filter((l) => l.validLifetime !== 0);
}
