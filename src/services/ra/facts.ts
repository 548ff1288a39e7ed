// What the RA service observes about its interface: the MAC for the SLLAO, the link-local
// addresses it may send from, and the global /64s behind the automatic `::/64` prefix. Read with
// `ip -json` behind a one-function interface, so the runner can be driven by a fixed fact set in
// tests; the iproute2 source also offers change events (monitor.ts) so the runner need not poll.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseAddress } from '../../net/address.ts';
import { isLinkLocalUnicast } from '../../net/kind.ts';
import { formatPrefix, prefixOf } from '../../net/prefix.ts';
import { watchInterface, type InterfaceWatch } from './monitor.ts';

const run = promisify(execFile);

export interface InterfaceFacts {
  readonly mac?: string;
  /** The first usable (not tentative) link-local address: the default RA source (RFC 4861 §6.1.2). */
  readonly linkLocal?: string;
  /** Every usable link-local address, in the kernel's order: the candidates for `raSourceAddresses`. */
  readonly linkLocalAddresses: readonly string[];
  /** Distinct /64s of the interface's global addresses. */
  readonly globalPrefixes: readonly string[];
  readonly globalAddresses: readonly string[];
}

/**
 * Reads the facts now. A source that can also tell when they may have changed offers `watch`:
 * `onChange` is called (any number of times, with no payload) after such a change, and the
 * returned handle stops watching. Without `watch` the runner only re-reads on its resync timer.
 */
export interface FactsSource {
  (): Promise<InterfaceFacts>;
  readonly watch?: (onChange: () => void) => InterfaceWatch;
}

interface IpAddr {
  readonly family?: string;
  readonly local?: string;
  readonly prefixlen?: number;
  readonly scope?: string;
  readonly tentative?: boolean;
  readonly dadfailed?: boolean;
  readonly deprecated?: boolean;
}

interface IpLink {
  readonly address?: string;
  readonly addr_info?: readonly IpAddr[];
}

/** Facts from `ip -json` output for one interface (exported for tests). */
export function factsFromIp(link: readonly IpLink[], addr: readonly IpLink[]): InterfaceFacts {
  const infos = addr.flatMap((l) => l.addr_info ?? []).filter((a) => a.family === 'inet6' && a.local !== undefined);
  const usable = infos.filter((a) => a.tentative !== true && a.dadfailed !== true);
  const linkLocals = usable.flatMap((a) => {
    const p = parseAddress(a.local!);
    return p.ok && isLinkLocalUnicast(p.value) ? [a.local!] : [];
  });
  const globals = usable.filter((a) => a.scope === 'global' && a.deprecated !== true);
  const prefixes = new Set<string>();
  for (const a of globals) {
    const p = parseAddress(a.local!);
    if (p.ok && a.prefixlen === 64) prefixes.add(formatPrefix(prefixOf(p.value, 64)));
  }
  const mac = link[0]?.address;
  const linkLocal = linkLocals[0];
  return {
    ...(mac === undefined || mac === '' ? {} : { mac }),
    ...(linkLocal === undefined ? {} : { linkLocal }),
    linkLocalAddresses: linkLocals,
    globalPrefixes: [...prefixes],
    globalAddresses: globals.map((a) => a.local!),
  };
}

/**
 * Reads the facts with iproute2, inside `netns` (a name under /run/netns) when given, and
 * watches the interface's address and link events with `ip monitor`.
 */
export function ipFacts(ifname: string, netns?: string): FactsSource {
  const ip = async (args: string[]): Promise<IpLink[]> => {
    const argv = netns === undefined ? ['-json', ...args] : ['-n', netns, '-json', ...args];
    const { stdout } = await run('ip', argv, { timeout: 5000 });
    return JSON.parse(stdout) as IpLink[];
  };
  const read = async (): Promise<InterfaceFacts> =>
    factsFromIp(await ip(['link', 'show', 'dev', ifname]), await ip(['-6', 'addr', 'show', 'dev', ifname]));
  const watch = (onChange: () => void): InterfaceWatch => watchInterface({ ifname, onChange, ...(netns === undefined ? {} : { netns }) });
  return Object.assign(read, { watch });
}
