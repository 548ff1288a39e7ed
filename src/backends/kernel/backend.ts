// The kernel through iproute2: `ip -json` to read, `ip -force -batch -` to write one batch per
// subsystem (a failed line is reported against its change and the rest still go in), and
// `ip monitor` for events. With `netns`, every command runs in that namespace (`ip -n NS`).
import { problem } from '../../lib/result.ts';
import { changeObject } from '../../reconcile/describe.ts';
import { ROUTE_PROTOCOL, ROUTE_PROTOCOL_NUMBER } from '../../reconcile/types.ts';
import type { Change, ObservedState, Subsystem, Sysctl } from '../../reconcile/types.ts';
import { execute, follow, inNetns } from '../exec.ts';
import type { ApplyFailure, ApplyReport, ObserveRequest, SubsystemBackend, TouchedRequest, Unsubscribe } from '../types.ts';
import { addressCommands, linkCommands, proxyCommands, routeCommands } from './commands.ts';
import { parseAddresses, parseBatchErrors, parseLinks, parseProxyNeighbors, parseRoutes } from './parse.ts';
import { registeredProtocols, RT_PROTOS, RT_PROTOS_DIR } from './protocol.ts';

export interface KernelBackendOptions {
  /** Network namespace to act in; the current one when absent. */
  readonly netns?: string;
}

const BAD_SYSCTL = '!';

export class KernelBackend implements SubsystemBackend {
  readonly subsystems: readonly Subsystem[] = ['links', 'sysctls', 'addresses', 'routes', 'proxyNeighbors'];
  readonly #netns: string | undefined;

  constructor(options: KernelBackendOptions = {}) {
    this.#netns = options.netns;
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
    const [links, addresses, routes, proxy, sysctls] = await Promise.all([
      this.#json(['-d', 'link', 'show']),
      this.#json(['-6', 'addr', 'show']),
      this.#json(['-6', 'route', 'show', 'table', 'main']),
      this.#json(['-6', 'neigh', 'show', 'proxy']),
      this.#readSysctls(request.sysctlKeys),
    ]);
    return {
      links: parseLinks(links),
      addresses: parseAddresses(addresses),
      routes: parseRoutes(routes),
      proxyNeighbors: parseProxyNeighbors(proxy),
      sysctls,
    };
  }

  /**
   * Only the routes at `dsts`, in one `ip -json -batch` of `route show exact` lines (one JSON
   * array per line of output): the read-back of an incremental pass costs its few routes, not the
   * whole table.
   */
  async observeTouched(request: TouchedRequest): Promise<Partial<ObservedState>> {
    if (request.routes.length === 0) return { routes: [] };
    const lines = request.routes.map((dst) => `route show exact ${dst} table main`);
    const r = await execute(this.#ipArgv(['-6', '-json', '-batch', '-']), `${lines.join('\n')}\n`);
    if (r.code !== 0) throw new Error(`ip -batch route show exact failed: ${r.stderr.trim()}`);
    const found = r.stdout.split('\n').filter((l) => l.trim() !== '').flatMap((l) => JSON.parse(l) as unknown[]);
    return { routes: parseRoutes(found) };
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
    const protocol = registeredProtocols([RT_PROTOS, `${RT_PROTOS_DIR}/v6edge.conf`]).get(ROUTE_PROTOCOL_NUMBER) === ROUTE_PROTOCOL ? ROUTE_PROTOCOL : String(ROUTE_PROTOCOL_NUMBER);
    const lines: string[] = [];
    const owner: Change[] = [];
    for (const c of changes) {
      const cmds = c.subsystem === 'links' ? linkCommands(c)
        : c.subsystem === 'addresses' ? addressCommands(c)
        : c.subsystem === 'routes' ? routeCommands(c, protocol)
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
    return follow(this.#ipArgv(['monitor', 'link', 'address', 'route', 'neigh']), (line) => {
      if (!isOwnRouteAdd(line)) onChange(`kernel event: ${line.slice(0, 80)}`);
    });
  }
}

/**
 * A route added with our protocol is the echo of our own apply (nobody else uses protocol
 * v6edge), so it does not force the next pass to observe everything; every other line does,
 * deletions of our routes included.
 */
export function isOwnRouteAdd(line: string): boolean {
  return !line.startsWith('Deleted ') && /\sproto (v6edge|250)(\s|$)/.test(line);
}
