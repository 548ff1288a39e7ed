// ISC dhclient -6 (4.4.3-P1) as a DHCPv6 client in a lab namespace. Every run has its own
// config, lease, pid and hook-script files, so clients in several namespaces never share state.
//
// Observed here: the hook script runs once per IA (NA and PD each get their own BOUND6 call);
// a stateless (-S) exchange reports its Reply as reason RENEW6 and writes no lease file; `-1`
// gives up after the config's `timeout` seconds (60 by default) and exits with code 2.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from '../topology.ts';
import type { Peer } from '../peer.ts';
import { waitFor } from '../wait.ts';

/** One call of a client's hook script: its `reason` and the lease variables it was given. */
export interface HookRecord {
  readonly reason: string;
  readonly env: Readonly<Record<string, string>>;
}

export interface HookRecorder {
  /** The script to hand to the client (`-sf`, `-c`). */
  readonly scriptPath: string;
  /** JSON lines, one per call. */
  readonly recordsPath: string;
  records(): HookRecord[];
}

/**
 * Writes a hook script into `dir` that appends its lease variables (reason, interface, protocol,
 * new_*, old_*, cur_*) as one JSON line per call; jq does the JSON quoting. With `mirrorAddress` it also does what dhclient's
 * stock script does for IA_NA: puts new_ip6_address on the interface with the lease's lifetimes
 * and removes old_ip6_address when the lease ends, so the kernel shows the binding.
 */
export function hookRecorder(dir: string, options: { mirrorAddress: boolean }): HookRecorder {
  const recordsPath = join(dir, 'hook-records.jsonl');
  const scriptPath = join(dir, 'hook.sh');
  const mirror = options.mirrorAddress ? MIRROR_ADDRESS : '';
  const script = `#!/bin/sh
# Written by the v6edge lab (test/lab/peers/dhclient.ts): records each hook call as JSON.
jq -n -c '$ENV | with_entries(select(.key | test("^(reason|REASON|interface|protocol|new_|old_|cur_)")))' >> '${recordsPath}'
${mirror}exit 0
`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(scriptPath, script, { mode: 0o755 });
  return { scriptPath, recordsPath, records: () => parseHookRecords(readOr(recordsPath)) };
}

// `nodad`: the lab turns DAD off anyway, and dhclient has already done its own wait.
const MIRROR_ADDRESS = `case "$reason" in
  BOUND6|RENEW6|REBIND6|REBOOT6)
    if [ -n "$old_ip6_address" ] && [ "$old_ip6_address" != "$new_ip6_address" ]; then
      ip -6 addr del "$old_ip6_address/$old_ip6_prefixlen" dev "$interface" 2>/dev/null
    fi
    if [ -n "$new_ip6_address" ]; then
      ip -6 addr replace "$new_ip6_address/$new_ip6_prefixlen" dev "$interface" \\
        valid_lft "$new_max_life" preferred_lft "$new_preferred_life" nodad
    fi ;;
  EXPIRE6|RELEASE6|STOP6)
    if [ -n "$old_ip6_address" ]; then
      ip -6 addr del "$old_ip6_address/$old_ip6_prefixlen" dev "$interface" 2>/dev/null
    fi ;;
esac
`;

/** The JSON lines a hook recorder wrote; a half-written last line is left for the next read. */
export function parseHookRecords(text: string): HookRecord[] {
  const out: HookRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof parsed !== 'object' || parsed === null) continue;
    const env = Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
    out.push({ reason: env.reason ?? env.REASON ?? '', env });
  }
  return out;
}

export type Dhclient6Mode = 'na' | 'pd' | 'stateless' | 'na+pd';

export interface Dhclient6Options {
  readonly mode: Dhclient6Mode;
  /** `-1`: try once; dhclient exits when nothing binds within `timeoutMs`. */
  readonly once?: boolean;
  /** How long to wait for the first binding (and, with `once`, dhclient's own give-up time). */
  readonly timeoutMs: number;
  /** Client DUID as hex (`00:03:00:01:…` or `00030001…`); default: dhclient makes a DUID-LLT. */
  readonly duid?: string;
  /** Peer and directory name; default `dhclient-<node>-<random>`. */
  readonly name?: string;
}

/** A binding as the hook script reported it (one IA per record). */
export interface Dhclient6Record {
  readonly reason: string;
  readonly interface: string;
  readonly address?: string;
  /** e.g. `2001:db8:8000::/56` */
  readonly prefix?: string;
  readonly iaid?: string;
  readonly preferredLifetime?: number;
  readonly validLifetime?: number;
  readonly renew?: number;
  readonly rebind?: number;
  readonly nameServers: readonly string[];
  /** Without the trailing dot dhclient prints. */
  readonly domainSearch: readonly string[];
  readonly serverId?: string;
  /** Addresses and prefixes this record took away (old_* of EXPIRE6, RELEASE6, STOP6). */
  readonly ended: readonly string[];
}

/** What the client holds now, replayed from its hook records, plus its lease file. */
export interface Dhclient6Leases {
  readonly addresses: readonly string[];
  readonly prefixes: readonly string[];
  readonly nameServers: readonly string[];
  readonly domainSearch: readonly string[];
  readonly records: readonly Dhclient6Record[];
  readonly leaseFile: Dhclient6LeaseFile;
}

export interface Dhclient6Handle {
  readonly peer: Peer;
  readonly dir: string;
  /** Whether a Reply was applied (a binding, or stateless information) before the helper returned. */
  readonly bound: boolean;
  /** Why not, when `bound` is false (dhclient gave up, exited, or the wait timed out). */
  readonly failure?: string;
  leases(): Dhclient6Leases;
  /** `dhclient -6 -r` with the same files: stops the running client and sends a Release. */
  release(): Promise<void>;
  stop(): Promise<void>;
}

const MODE_FLAGS: Readonly<Record<Dhclient6Mode, readonly string[]>> = {
  na: ['-N'],
  pd: ['-P'],
  'na+pd': ['-N', '-P'],
  stateless: ['-S'],
};

// Reasons under which dhclient hands the script a (new or refreshed) Reply.
const APPLIED = new Set(['BOUND6', 'RENEW6', 'REBIND6', 'REBOOT6']);
const ENDED = new Set(['EXPIRE6', 'RELEASE6', 'STOP6']);

/**
 * Runs `dhclient -6` in the foreground (`-d`) on `node`/`ifname` and waits for its first applied
 * Reply, for it to exit (`once`), or for `timeoutMs`; it never throws for a client that got
 * nothing, so tests can assert on `bound` and `failure`.
 */
export async function dhclient6(lab: Lab, node: string, ifname: string, options: Dhclient6Options): Promise<Dhclient6Handle> {
  const name = options.name ?? `dhclient-${node}-${randomBytes(3).toString('hex')}`;
  const dir = join(lab.dir, name);
  const recorder = hookRecorder(dir, { mirrorAddress: true });
  const files = {
    conf: join(dir, 'dhclient.conf'),
    leases: join(dir, 'dhclient6.leases'),
    pid: join(dir, 'dhclient6.pid'),
  };
  // `timeout` bounds a `-1` run; without -1 dhclient keeps soliciting, as a real host would.
  lab.file(`${name}/dhclient.conf`, `timeout ${Math.max(1, Math.ceil(options.timeoutMs / 1000))};\n`);
  if (options.duid !== undefined) lab.file(`${name}/dhclient6.leases`, `default-duid "${duidEscaped(options.duid)}";\n`);
  const common = ['-cf', files.conf, '-lf', files.leases, '-pf', files.pid, '-sf', recorder.scriptPath];
  const argv = ['dhclient', '-6', '-d', '-v', ...(options.once === true ? ['-1'] : []), ...MODE_FLAGS[options.mode], ...common, ifname];
  await linkLocalReady(lab, node, ifname);
  const peer = lab.spawn(node, argv, { name });
  const records = (): Dhclient6Record[] => recorder.records().map(toDhclientRecord);
  const outcome = await waitFor(
    () => {
      if (records().some((r) => APPLIED.has(r.reason))) return { bound: true as const };
      if (!peer.running) return { bound: false as const, failure: `dhclient exited without a binding:\n${tail(peer.output())}` };
      return undefined;
    },
    { timeoutMs: options.timeoutMs + 2000, what: `dhclient on ${node}/${ifname} to bind or exit` },
  ).catch((e: unknown) => failureOf(e, peer));
  return {
    peer,
    dir,
    ...outcome,
    leases: () => replay(records(), parseDhclient6Leases(readOr(files.leases))),
    release: async () => {
      await lab.exec(node, ['dhclient', '-6', '-r', ...MODE_FLAGS[options.mode], ...common, ifname], { timeoutMs: 15_000 });
      await peer.stop();
    },
    stop: async () => {
      await peer.stop();
    },
  };
}

function toDhclientRecord(record: HookRecord): Dhclient6Record {
  const e = record.env;
  const num = (key: string): number | undefined => (e[key] === undefined || e[key] === '' ? undefined : Number(e[key]));
  const list = (key: string): string[] => (e[key] ?? '').split(/\s+/).filter((s) => s !== '');
  return dropUndefined({
    reason: record.reason,
    interface: e.interface ?? '',
    address: e.new_ip6_address,
    prefix: e.new_ip6_prefix,
    iaid: e.new_iaid,
    preferredLifetime: num('new_preferred_life'),
    validLifetime: num('new_max_life'),
    renew: num('new_renew'),
    rebind: num('new_rebind'),
    nameServers: list('new_dhcp6_name_servers'),
    domainSearch: list('new_dhcp6_domain_search').map((d) => d.replace(/\.$/, '')),
    serverId: e.new_dhcp6_server_id,
    ended: ENDED.has(record.reason) ? [e.old_ip6_address, e.old_ip6_prefix].filter((x): x is string => x !== undefined && x !== '') : [],
  });
}

/** The client's holdings after applying each record in order. */
function replay(records: readonly Dhclient6Record[], leaseFile: Dhclient6LeaseFile): Dhclient6Leases {
  const addresses = new Set<string>();
  const prefixes = new Set<string>();
  let nameServers: readonly string[] = [];
  let domainSearch: readonly string[] = [];
  for (const r of records) {
    if (APPLIED.has(r.reason)) {
      if (r.address !== undefined) addresses.add(r.address);
      if (r.prefix !== undefined) prefixes.add(r.prefix);
      if (r.nameServers.length > 0) nameServers = r.nameServers;
      if (r.domainSearch.length > 0) domainSearch = r.domainSearch;
    }
    for (const gone of r.ended) {
      addresses.delete(gone);
      prefixes.delete(gone);
    }
  }
  return { addresses: [...addresses], prefixes: [...prefixes], nameServers, domainSearch, records, leaseFile };
}

export interface Dhclient6Ia {
  readonly type: 'na' | 'ta' | 'pd';
  readonly iaid: string;
  readonly starts?: number;
  readonly renew?: number;
  readonly rebind?: number;
  readonly addresses: ReadonlyArray<{ readonly address: string; readonly preferredLifetime: number; readonly validLifetime: number }>;
  readonly prefixes: ReadonlyArray<{ readonly prefix: string; readonly preferredLifetime: number; readonly validLifetime: number }>;
}

export interface Dhclient6FileLease {
  readonly interface: string;
  readonly ias: readonly Dhclient6Ia[];
  /** `option dhcp6.X value;` lines, keyed by X (`name-servers`, `server-id`, …). */
  readonly options: Readonly<Record<string, string>>;
}

export interface Dhclient6LeaseFile {
  /** As written: octal escapes (`\\000\\001…`), the way dhclient reads it back. */
  readonly defaultDuid?: string;
  /** In file order; dhclient appends, so the last one per interface is current. */
  readonly leases: readonly Dhclient6FileLease[];
}

type MutableIa = { -readonly [K in keyof Dhclient6Ia]: K extends 'addresses' | 'prefixes' ? Array<Dhclient6Ia[K][number]> : Dhclient6Ia[K] };

/** Parses dhclient's `lease6 { … }` file (the subset dhclient -6 writes). */
export function parseDhclient6Leases(text: string): Dhclient6LeaseFile {
  const defaultDuid = /^default-duid "((?:[^"\\]|\\.)*)";/m.exec(text)?.[1];
  const leases: Dhclient6FileLease[] = [];
  let lease: { interface: string; ias: MutableIa[]; options: Record<string, string> } | undefined;
  let ia: MutableIa | undefined;
  let entry: { kind: 'address' | 'prefix'; value: string; preferred: number; valid: number } | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if (line === 'lease6 {') lease = { interface: '', ias: [], options: {} };
    else if (lease === undefined) continue;
    else if ((m = /^interface "([^"]*)";$/.exec(line)) !== null) lease.interface = m[1] ?? '';
    else if ((m = /^ia-(na|ta|pd) (\S+) \{$/.exec(line)) !== null) {
      ia = { type: m[1] as Dhclient6Ia['type'], iaid: m[2] ?? '', addresses: [], prefixes: [] };
      lease.ias.push(ia);
    } else if ((m = /^(iaaddr|iaprefix) (\S+) \{$/.exec(line)) !== null) {
      entry = { kind: m[1] === 'iaaddr' ? 'address' : 'prefix', value: m[2] ?? '', preferred: 0, valid: 0 };
    } else if ((m = /^(starts|renew|rebind|preferred-life|max-life) (\d+);$/.exec(line)) !== null) {
      const value = Number(m[2]);
      if (entry !== undefined && m[1] === 'preferred-life') entry.preferred = value;
      else if (entry !== undefined && m[1] === 'max-life') entry.valid = value;
      else if (entry === undefined && ia !== undefined && (m[1] === 'starts' || m[1] === 'renew' || m[1] === 'rebind')) ia[m[1]] = value;
    } else if ((m = /^option dhcp6\.(\S+) (.*);$/.exec(line)) !== null) {
      lease.options[m[1] ?? ''] = (m[2] ?? '').replace(/^"(.*)"$/, '$1');
    } else if (line === '}') {
      // Closes, innermost first: an address/prefix, then an IA, then the lease.
      if (entry !== undefined && ia !== undefined) {
        if (entry.kind === 'address') ia.addresses.push({ address: entry.value, preferredLifetime: entry.preferred, validLifetime: entry.valid });
        else ia.prefixes.push({ prefix: entry.value, preferredLifetime: entry.preferred, validLifetime: entry.valid });
        entry = undefined;
      } else if (ia !== undefined) ia = undefined;
      else {
        leases.push(lease);
        lease = undefined;
      }
    }
  }
  return defaultDuid === undefined ? { leases } : { defaultDuid, leases };
}

/** A DUID in hex (colons optional) as the octal-escaped string dhclient's `default-duid` takes. */
export function duidEscaped(hex: string): string {
  const digits = hex.replace(/[:\s]/g, '');
  if (!/^([0-9a-fA-F]{2})+$/.test(digits) || digits.length < 6 || digits.length > 2 * 130) {
    // RFC 8415 §11.1: a 2-octet type plus 1 to 128 octets of identifier.
    throw new Error(`dhclient6: DUID "${hex}" is not 3 to 130 octets of hex`);
  }
  return (digits.match(/../g) ?? []).map((b) => `\\${Number.parseInt(b, 16).toString(8).padStart(3, '0')}`).join('');
}

/**
 * Waits until `ifname` has its link-local address: a veth's appears only once the carrier is up,
 * a moment after the lab is built, and dhclient exits at once ("no link-local IPv6 address")
 * while perfdhcp and dhcp6c fail to bind without it.
 */
export async function linkLocalReady(lab: Lab, node: string, ifname: string, timeoutMs = 5000): Promise<string> {
  return waitFor(async () => (await lab.addresses(node, ifname)).find((a) => a.scope === 'link' && !a.tentative)?.address, {
    timeoutMs,
    what: `a link-local address on ${node}/${ifname}`,
  });
}

/** A wait that ended without the outcome, as a failure sentence with the peer's last log lines. */
export function failureOf(e: unknown, peer: Peer): { bound: false; failure: string } {
  return { bound: false, failure: `${e instanceof Error ? e.message : String(e)}\n${tail(peer.output())}` };
}

/** The file's text, or '' when it does not exist (yet). */
export function readOr(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

/** The last lines of a peer log, for failure messages. */
export function tail(text: string, lines = 15): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
