// radvdump: listen for Router Advertisements and parse each into its radvd.conf-shaped block.
import { randomBytes } from 'node:crypto';
import type { Lab } from '../topology.ts';
import { ownSockets } from '../procsock.ts';
import { StopWaiting, waitFor } from '../wait.ts';

/** A `prefix`, `route`, `RDNSS`, `DNSSL` (or other) section inside the interface block. */
export interface RadvdumpSection {
  readonly kind: string;
  /** Words after the kind: the prefix, or the servers/domains. */
  readonly args: readonly string[];
  readonly settings: Readonly<Record<string, string>>;
}

export interface RadvdumpBlock {
  /** Link-local source of the RA (`# based on Router Advertisement from …`). */
  readonly from: string;
  /** Interface it arrived on (`# received by interface …`). */
  readonly interface: string;
  /** Interface-level settings, e.g. `AdvManagedFlag: 'off'`, `AdvDefaultLifetime: '30'`. */
  readonly settings: Readonly<Record<string, string>>;
  readonly sections: readonly RadvdumpSection[];
  readonly text: string;
}

const BLOCK_END = '}; # End of interface definition';

/** Every complete block in radvdump's output; a block still being printed is left out. */
export function parseRadvdump(output: string): RadvdumpBlock[] {
  const out: RadvdumpBlock[] = [];
  let rest = output;
  for (;;) {
    const start = rest.indexOf('# based on Router Advertisement from');
    const end = rest.indexOf(BLOCK_END, start);
    if (start < 0 || end < 0) return out;
    out.push(parseBlock(rest.slice(start, end + BLOCK_END.length)));
    rest = rest.slice(end + BLOCK_END.length);
  }
}

function parseBlock(text: string): RadvdumpBlock {
  const from = /# based on Router Advertisement from (\S+)/.exec(text)?.[1] ?? '';
  const iface = /# received by interface (\S+)/.exec(text)?.[1] ?? '';
  const settings: Record<string, string> = {};
  const sections: RadvdumpSection[] = [];
  let section: { kind: string; args: string[]; settings: Record<string, string> } | undefined;
  let pending: string[] | undefined; // a section header waiting for its `{`
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '' || line.startsWith('interface ')) continue;
    if (line === '{') {
      if (pending !== undefined) {
        const [kind = '', ...args] = pending;
        section = { kind, args, settings: {} };
        pending = undefined;
      }
      continue;
    }
    if (line.startsWith('};')) {
      if (section !== undefined) sections.push(section);
      section = undefined;
      continue;
    }
    const words = line.replace(/;$/, '').split(/\s+/);
    if (!line.endsWith(';')) {
      pending = words;
      continue;
    }
    const [key = '', ...value] = words;
    (section?.settings ?? settings)[key] = value.join(' ');
  }
  return { from, interface: iface, settings, sections, text };
}

export interface RadvdumpOptions {
  /** Blocks to collect from `ifname` before returning; default 1. */
  readonly count?: number;
  readonly timeoutMs?: number;
  /** Send a Router Solicitation (rdisc6) once radvdump listens, to get an answer now. */
  readonly solicit?: boolean;
}

/** Runs radvdump in `node` until `count` RAs arrived on `ifname`, and returns them parsed. */
export async function radvdump(lab: Lab, node: string, ifname: string, options: RadvdumpOptions = {}): Promise<RadvdumpBlock[]> {
  const count = options.count ?? 1;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const peer = lab.spawn(node, ['radvdump'], { name: `radvdump-${node}-${randomBytes(3).toString('hex')}` });
  try {
    // Its raw ICMPv6 socket must exist before the RA we are waiting for is sent.
    await waitFor(() => ownSockets(peer.pid, 'raw6').length > 0, { timeoutMs: 5000, what: `radvdump's ICMPv6 socket in ${node}` });
    if (options.solicit === true) await lab.exec(node, ['rdisc6', '-1', '-q', '-n', ifname], { check: false, timeoutMs: 10_000 });
    const blocks = await waitFor(
      (note) => {
        const seen = parseRadvdump(peer.output()).filter((b) => b.interface === ifname);
        note(`${seen.length} of ${count} RAs on ${ifname}; output so far:\n${peer.output()}`);
        if (seen.length >= count) return seen.slice(0, count);
        if (!peer.running) throw new StopWaiting(`radvdump exited:\n${peer.output()}`);
        return undefined;
      },
      { timeoutMs, what: `${count} RA(s) on ${node}/${ifname}` },
    );
    return blocks;
  } finally {
    await peer.stop();
  }
}
