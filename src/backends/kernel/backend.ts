// The kernel. Routes go over rtnetlink (routes-netlink.ts): at 110,000 routes iproute2's JSON
// read-back and per-prefix `route show exact` cost seconds. Links, addresses, proxy neighbours
// and sysctls stay on iproute2: `ip -json` to read, `ip -force -batch -` to write one batch per
// subsystem (a failed line is reported against its change and the rest still go in). Events
// come from an rtnetlink subscription (events.ts). With `netns`, everything acts in that
// namespace (`ip -n NS`, sockets opened inside it).
import { problem } from '../../lib/result.ts';
import { changeObject } from '../../reconcile/describe.ts';
import type { Change, ChangeOf, ObservedState, Subsystem, Sysctl } from '../../reconcile/types.ts';
import { execute, inNetns } from '../exec.ts';
import type { ApplyFailure, ApplyReport, ObserveRequest, SubsystemBackend, TouchedRequest, Unsubscribe } from '../types.ts';
import { addressCommands, linkCommands, proxyCommands } from './commands.ts';
import { watchKernel } from './events.ts';
import { parseAddresses, parseBatchErrors, parseLinks, parseProxyNeighbors } from './parse.ts';
import { NetlinkRoutes } from './routes-netlink.ts';

export interface KernelBackendOptions {
  /** Network namespace to act in; the current one when absent. */
  readonly netns?: string;
}

const BAD_SYSCTL = '!';

export class KernelBackend implements SubsystemBackend {
  readonly subsystems: readonly Subsystem[] = ['links', 'sysctls', 'addresses', 'routes', 'proxyNeighbors'];
  readonly #netns: string | undefined;
  readonly #routes: NetlinkRoutes;

  constructor(options: KernelBackendOptions = {}) {
    this.#netns = options.netns;
    this.#routes = new NetlinkRoutes(options.netns);
  }

  /** Closes the netlink socket; a later call opens a new one. */
  close(): void {
    this.#routes.close();
  }

  #ipArgv(args: readonly string[]): string[] {
    return ['ip', ...(this.#netns === undefined ? [] : ['-n', this.#netns]), ...args];
  }

  async #json(args: readonly string[]): Promise<unknown> {
    const r = await execute(this.#ipArgv(['-json', ...args]));
    if (r.code !== 0) throw new Error(`ip ${args.join(' ')} failed: ${r.stderr.trim()}`);
    return r.stdout.trim() === '' ? [] : JSON.parse(r.stdout);
  }

  async observe(request: ObserveRequest): Promise<Partial<ObservedState>> {
    const pending = Promise.all([
      this.#json(['-d', 'link', 'show']),
      this.#json(['-6', 'addr', 'show']),
      this.#json(['-6', 'neigh', 'show', 'proxy']),
      this.#readSysctls(request.sysctlKeys),
    ]);
    // The dump runs while the ip processes do; a failed one must not leave them unawaited.
    let routes: ObservedState['routes'];
    try {
      routes = await this.#routes.observe();
    } catch (e) {
      await pending.catch(() => undefined);
      throw e;
    }
    const [links, addresses, proxy, sysctls] = await pending;
    return {
      links: parseLinks(links),
      addresses: parseAddresses(addresses),
      routes,
      proxyNeighbors: parseProxyNeighbors(proxy),
      sysctls,
    };
  }

  /** Only the routes at the touched destinations, by lookups that cost the change, not the table. */
  async observeTouched(request: TouchedRequest): Promise<Partial<ObservedState>> {
    return { routes: await this.#routes.observeTouched(request.routes) };
  }

  /** Reads /proc/sys inside the namespace in one process; a missing key is left out. */
  async #readSysctls(keys: readonly string[]): Promise<Sysctl[]> {
    if (keys.length === 0) return [];
    const script = `for k; do v=$(cat "/proc/sys/$k" 2>/dev/null) || v='${BAD_SYSCTL}'; printf '%s\\n' "$v"; done`;
    const r = await execute(inNetns(this.#netns, ['sh', '-c', script, 'sh', ...keys]));
    const values = r.stdout.split('\n');
    return keys.flatMap((key, i) => {
      const value = values[i]?.trim();
      return value === undefined || value === BAD_SYSCTL ? [] : [{ key, value }];
    });
  }

  async apply(subsystem: Subsystem, changes: readonly Change[]): Promise<ApplyReport> {
    if (changes.length === 0) return { applied: 0, failures: [] };
    if (subsystem === 'sysctls') return this.#writeSysctls(changes);
    if (subsystem === 'routes') return this.#routes.apply(changes.filter((c): c is ChangeOf<'routes'> => c.subsystem === 'routes'));
    const lines: string[] = [];
    const owner: Change[] = [];
    for (const c of changes) {
      const cmds = c.subsystem === 'links' ? linkCommands(c)
        : c.subsystem === 'addresses' ? addressCommands(c)
        : c.subsystem === 'proxyNeighbors' ? proxyCommands(c)
        : [];
      for (const cmd of cmds) {
        lines.push(cmd);
        owner.push(c);
      }
    }
    const family = subsystem === 'links' ? [] : ['-6'];
    const r = await execute(this.#ipArgv([...family, '-force', '-batch', '-']), `${lines.join('\n')}\n`);
    const failed = new Map<Change, string>();
    for (const [line, why] of parseBatchErrors(r.stderr)) {
      const c = owner[line - 1];
      if (c !== undefined && !failed.has(c)) failed.set(c, `${why} (ip ${lines[line - 1]})`);
    }
    if (r.code !== 0 && failed.size === 0) {
      for (const c of changes) failed.set(c, r.stderr.trim() || `ip -batch exited with code ${r.code}`);
    }
    const failures: ApplyFailure[] = [...failed].map(([change, why]) => ({ change, problem: problem('kernel-refused', `${changeObject(change)}: ${why}`) }));
    return { applied: changes.length - failures.length, failures };
  }

  async #writeSysctls(changes: readonly Change[]): Promise<ApplyReport> {
    const pairs = changes.flatMap((c) => (c.subsystem === 'sysctls' ? [c.sysctl.key, c.sysctl.value] : []));
    const script = 'while [ $# -gt 1 ]; do printf "%s" "$2" > "/proc/sys/$1" 2>/dev/null || echo "$1"; shift 2; done';
    const r = await execute(inNetns(this.#netns, ['sh', '-c', script, 'sh', ...pairs]));
    const bad = new Set(r.stdout.split('\n').filter((l) => l !== ''));
    const failures: ApplyFailure[] = changes
      .filter((c) => c.subsystem === 'sysctls' && bad.has(c.sysctl.key))
      .map((change) => ({ change, problem: problem('kernel-refused', `${changeObject(change)}: the kernel refused the write (no such key, or the value is out of range)`) }));
    return { applied: changes.length - failures.length, failures };
  }

  /** Kernel events for links, addresses, routes and neighbours; each only means "look again". */
  watch(onChange: (why: string) => void): Unsubscribe {
    return watchKernel(this.#netns, onChange);
  }
}
