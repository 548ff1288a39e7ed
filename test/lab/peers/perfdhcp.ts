// perfdhcp (Kea 2.2) as a DHCPv6 load generator, with its statistics parsed into numbers.
//
// perfdhcp -6 must be given the interface (-l): it sends to ff02::1:2 from the link-local address
// and binds port 546. `-R 100000000` makes every exchange a new client; `-W` keeps listening for
// late replies. Rapid Commit is asked for by adding option 14 by hand (`-o 14,`): the server then
// answers the Solicit with a Reply, which perfdhcp files as an orphan of REQUEST-REPLY and counts
// as a drop of SOLICIT-ADVERTISE (its own -c flag aborts together with -i in this version).
import type { Lab } from '../topology.ts';
import { linkLocalReady } from './dhclient.ts';

export interface Perfdhcp6Options {
  /** Exchanges started per second (-r). */
  readonly rate: number;
  /** Stop after this many exchanges (-n). */
  readonly numRequests?: number;
  /** Test period in seconds (-p). */
  readonly durationS: number;
  readonly mode: 'na' | 'pd';
  readonly rapidCommit?: boolean;
  /** Simulated clients (-R); default 100000000, so each exchange is a new client. */
  readonly clients?: number;
  /** How long to wait for late replies, in microseconds (-W); default 500000. */
  readonly waitUs?: number;
  /** More perfdhcp arguments, placed before the interface options. */
  readonly extraArgs?: readonly string[];
}

export interface PerfdhcpDelay {
  /** Milliseconds. */
  readonly min: number;
  readonly avg: number;
  readonly max: number;
  readonly stddev: number;
}

export interface PerfdhcpExchange {
  readonly sent: number;
  readonly received: number;
  readonly drops: number;
  /** Percent; NaN when nothing was sent (perfdhcp prints -nan). */
  readonly dropsRatio: number;
  readonly orphans: number;
  readonly rejectedLeases: number;
  readonly nonUniqueAddresses: number;
  readonly collected: number;
  /** Absent when nothing was received (perfdhcp prints n/a). */
  readonly delay?: PerfdhcpDelay;
}

export interface PerfdhcpStats {
  /** 4-way exchanges (or 2-way, with rapid commit) per second that completed. */
  readonly rate: number;
  readonly expectedRate: number;
  readonly malformed: number;
  /** Keyed by perfdhcp's exchange names: `SOLICIT-ADVERTISE`, `REQUEST-REPLY`. */
  readonly exchanges: Readonly<Record<string, PerfdhcpExchange>>;
}

export interface Perfdhcp6Result extends PerfdhcpStats {
  /** 0: all answered; 3: some exchanges dropped (perfdhcp's own convention). */
  readonly exitCode: number;
  /**
   * Replies received to our clients: REQUEST-REPLY received, or with rapid commit the orphans
   * there (Replies to Solicits), which is where perfdhcp files them.
   */
  readonly replies: number;
  readonly output: string;
}

/** perfdhcp's argv (without the program name) for `options` on `ifname`. */
export function perfdhcp6Args(ifname: string, options: Perfdhcp6Options): string[] {
  return [
    '-6',
    '-l', ifname,
    '-r', String(options.rate),
    '-R', String(options.clients ?? 100_000_000),
    '-p', String(options.durationS),
    '-W', String(options.waitUs ?? 500_000),
    ...(options.numRequests === undefined ? [] : ['-n', String(options.numRequests)]),
    ...(options.mode === 'pd' ? ['-e', 'prefix-only'] : []),
    ...(options.rapidCommit === true ? ['-o', '14,'] : []),
    ...(options.extraArgs ?? []),
  ];
}

/** Runs perfdhcp on `node`/`ifname` to completion and parses its statistics; throws on usage or socket errors. */
export async function perfdhcp6(lab: Lab, node: string, ifname: string, options: Perfdhcp6Options): Promise<Perfdhcp6Result> {
  await linkLocalReady(lab, node, ifname);
  const waitS = (options.waitUs ?? 500_000) / 1e6;
  const { code, stdout, stderr } = await lab.exec(node, ['perfdhcp', ...perfdhcp6Args(ifname, options)], {
    check: false,
    timeoutMs: (options.durationS + waitS) * 1000 + 15_000,
  });
  const output = `${stdout}${stderr}`;
  if (code !== 0 && code !== 3) throw new Error(`perfdhcp exited with code ${String(code)}:\n${output}`);
  const stats = parsePerfdhcp(stdout);
  const rr = stats.exchanges['REQUEST-REPLY'];
  const replies = options.rapidCommit === true ? (rr?.orphans ?? 0) : (rr?.received ?? 0);
  return { ...stats, exitCode: code ?? -1, replies, output };
}

const FIELDS: Readonly<Record<string, keyof Omit<PerfdhcpExchange, 'delay'>>> = {
  'sent packets': 'sent',
  'received packets': 'received',
  drops: 'drops',
  'drops ratio': 'dropsRatio',
  orphans: 'orphans',
  'rejected leases': 'rejectedLeases',
  'non unique addresses': 'nonUniqueAddresses',
  'collected packets': 'collected',
};

const DELAYS: Readonly<Record<string, keyof PerfdhcpDelay>> = {
  'min delay': 'min',
  'avg delay': 'avg',
  'max delay': 'max',
  'std deviation': 'stddev',
};

/** Parses perfdhcp's end-of-run report (`***Rate statistics***`, `***Statistics for: X***` blocks). */
export function parsePerfdhcp(text: string): PerfdhcpStats {
  const rate = /^Rate: ([\d.]+) \S+ exchanges\/second, expected rate: ([\d.]+)/m.exec(text);
  const malformed = /^Malformed packets: (\d+)/m.exec(text);
  const exchanges: Record<string, PerfdhcpExchange> = {};
  const blocks = text.split(/^\*\*\*Statistics for: /m).slice(1);
  for (const block of blocks) {
    const name = /^(\S+?)\*\*\*/.exec(block)?.[1];
    if (name === undefined) continue;
    const counts: Record<string, number> = {};
    const delay: Partial<Record<keyof PerfdhcpDelay, number>> = {};
    for (const line of block.split('\n')) {
      // perfdhcp 2.2 prints "avg delay: min delay: n/a" when nothing arrived: take the last pair.
      const m = /([a-z ]+): ([^:]+)$/.exec(line.trim());
      if (m === null) continue;
      const key = m[1]?.trim() ?? '';
      const value = Number.parseFloat(m[2] ?? '');
      const field = FIELDS[key];
      if (field !== undefined) counts[field] = value;
      const d = DELAYS[key];
      if (d !== undefined && Number.isFinite(value)) delay[d] = value;
    }
    const complete = Object.values(DELAYS).every((k) => delay[k] !== undefined);
    exchanges[name] = {
      sent: counts.sent ?? 0,
      received: counts.received ?? 0,
      drops: counts.drops ?? 0,
      dropsRatio: counts.dropsRatio ?? Number.NaN,
      orphans: counts.orphans ?? 0,
      rejectedLeases: counts.rejectedLeases ?? 0,
      nonUniqueAddresses: counts.nonUniqueAddresses ?? 0,
      collected: counts.collected ?? 0,
      ...(complete ? { delay: delay as PerfdhcpDelay } : {}),
    };
  }
  return {
    rate: Number(rate?.[1] ?? Number.NaN),
    expectedRate: Number(rate?.[2] ?? Number.NaN),
    malformed: Number(malformed?.[1] ?? 0),
    exchanges,
  };
}
