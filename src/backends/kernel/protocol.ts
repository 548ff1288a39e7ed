// Our route protocol, registered with iproute2 so `ip route` prints and accepts `proto v6edge`
// (DESIGN §4.3: routes carry protocol v6edge). Numbers 0–255 are shared by every routing daemon;
// 250 is free in the stock rt_protos, and a clash is refused rather than overwritten.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { err, ok, problem, type Result } from '../../lib/result.ts';
import { ROUTE_PROTOCOL, ROUTE_PROTOCOL_NUMBER } from '../../reconcile/types.ts';

export const RT_PROTOS = '/etc/iproute2/rt_protos';
export const RT_PROTOS_DIR = '/etc/iproute2/rt_protos.d';

/** number → name from rt_protos and every rt_protos.d/*.conf. */
export function registeredProtocols(files: readonly string[]): Map<number, string> {
  const out = new Map<number, string>();
  for (const f of files) {
    if (!existsSync(f)) continue;
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      const m = /^\s*(\d+)\s+(\S+)/.exec(line);
      if (m !== null) out.set(Number(m[1]), m[2]!);
    }
  }
  return out;
}

/** Adds `250 v6edge` to rt_protos.d unless it is there; fails when 250 is taken by another name. */
export function ensureRouteProtocol(dir = RT_PROTOS_DIR, base = RT_PROTOS): Result<'present' | 'added'> {
  const confs = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.conf')).map((f) => join(dir, f)) : [];
  const known = registeredProtocols([base, ...confs]);
  const holder = known.get(ROUTE_PROTOCOL_NUMBER);
  if (holder === ROUTE_PROTOCOL) return ok('present');
  if (holder !== undefined) {
    return err(problem('protocol-taken', `Route protocol number ${ROUTE_PROTOCOL_NUMBER} is registered as "${holder}" in ${dir}; v6edge needs it for its own routes.`, { path: dir }));
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'v6edge.conf'), `# Routes installed by v6edge (src/reconcile).\n${ROUTE_PROTOCOL_NUMBER}\t${ROUTE_PROTOCOL}\n`);
  return ok('added');
}

/**
 * Route protocol numbers by the names iproute2 ships in rt_protos (include/uapi/linux/
 * rtnetlink.h RTPROT_*), plus ours, so routes read over netlink print as `ip route` prints them.
 */
const PROTOCOL_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'unspec'], [1, 'redirect'], [2, 'kernel'], [3, 'boot'], [4, 'static'], [8, 'gated'], [9, 'ra'],
  [10, 'mrt'], [11, 'zebra'], [12, 'bird'], [13, 'dnrouted'], [14, 'xorp'], [15, 'ntk'], [16, 'dhcp'],
  [17, 'mrouted'], [18, 'keepalived'], [42, 'babel'], [99, 'openr'], [186, 'bgp'], [187, 'isis'],
  [188, 'ospf'], [189, 'rip'], [192, 'eigrp'], [ROUTE_PROTOCOL_NUMBER, ROUTE_PROTOCOL],
]);

/** The name of route protocol `n`, or the number as text when it has none. */
export function protocolName(n: number): string {
  return PROTOCOL_NAMES.get(n) ?? String(n);
}
