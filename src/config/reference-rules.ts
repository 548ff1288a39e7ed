// Names and the references between sections: every interface a section names must exist,
// link hierarchies must not loop, names differing only in case are refused, and the upstream
// sits on the one wan interface.
import { problem, type Problem } from '../lib/result.ts';
import { formatPath, type PathSegment } from './paths.ts';
import type { Config } from './schema.ts';

/** `all` and `default` are sysctl directories (net.ipv6.conf.*), `lo` always exists. */
export const RESERVED_INTERFACE_NAMES: readonly string[] = ['all', 'default', 'lo'];

/** What the raw document holds, including entries and sections that failed the schema. */
export interface KnownNames {
  readonly interfaces: ReadonlySet<string>;
  /** Top-level keys present, so a rule does not call a section missing when it was only invalid. */
  readonly sections: ReadonlySet<string>;
}

export function knownNamesOf(config: Config): KnownNames {
  return { interfaces: new Set(Object.keys(config.interfaces)), sections: new Set(Object.keys(config)) };
}

type Add = (code: string, message: string, path: readonly PathSegment[]) => void;

function caseDuplicates(keys: readonly string[], base: readonly PathSegment[], what: string, add: Add): void {
  const seen = new Map<string, string>();
  for (const k of keys) {
    const first = seen.get(k.toLowerCase());
    if (first !== undefined) add('duplicate-name', `${what} "${k}" differs from "${first}" only in letter case; rename one.`, [...base, k]);
    else seen.set(k.toLowerCase(), k);
  }
}

function nameProblems(config: Config, add: Add): void {
  const ifaces = Object.keys(config.interfaces);
  caseDuplicates(ifaces, ['interfaces'], 'Interface', add);
  for (const name of ifaces) {
    if (RESERVED_INTERFACE_NAMES.includes(name)) add('reserved-name', `"${name}" is reserved; choose another interface name.`, ['interfaces', name]);
  }
  caseDuplicates(Object.keys(config.hosts), ['hosts'], 'Host', add);
  for (const [host, h] of Object.entries(config.hosts)) caseDuplicates(Object.keys(h.networks), ['hosts', host, 'networks'], 'Network', add);
}

/** Parent/port/member links; a vlan whose parent chain loops back is a cycle. */
function linkProblems(config: Config, known: KnownNames, add: Add): void {
  const ref = (target: string, path: readonly PathSegment[], self: string): void => {
    if (target === self) add('self-reference', `Interface "${self}" cannot refer to itself.`, path);
    else if (!known.interfaces.has(target)) add('unknown-interface', `No interface named "${target}" is configured.`, path);
  };
  const enslaved = new Map<string, string>();
  for (const [name, iface] of Object.entries(config.interfaces)) {
    const slaves: [string, PathSegment[]][] = [];
    if (iface.kind === 'vlan') ref(iface.parent, ['interfaces', name, 'parent'], name);
    if (iface.kind === 'bridge') iface.ports.forEach((p, i) => slaves.push([p, ['interfaces', name, 'ports', i]]));
    if (iface.kind === 'bond') iface.members.forEach((m, i) => slaves.push([m, ['interfaces', name, 'members', i]]));
    for (const [s, path] of slaves) {
      ref(s, path, name);
      const owner = enslaved.get(s);
      if (owner !== undefined) add('already-enslaved', `"${s}" already belongs to "${owner}"; a link has one master.`, path);
      else enslaved.set(s, name);
    }
  }
  for (const [name, iface] of Object.entries(config.interfaces)) {
    if (iface.kind !== 'vlan' || iface.parent === name) continue;
    const visited = new Set<string>([name]);
    let cur = config.interfaces[iface.parent];
    while (cur?.kind === 'vlan') {
      if (visited.has(cur.parent)) {
        if (cur.parent === name) add('cycle', `VLAN "${name}" is its own ancestor through its parent chain.`, ['interfaces', name, 'parent']);
        break;
      }
      visited.add(cur.parent);
      cur = config.interfaces[cur.parent];
    }
  }
}

function upstreamProblems(config: Config, known: KnownNames, add: Add): void {
  const wans = Object.entries(config.interfaces).filter(([, i]) => i.role === 'wan');
  wans.slice(1).forEach(([name]) => {
    add('multiple-upstreams', `Only one interface may have role wan; "${wans[0]![0]}" already does.`, ['interfaces', name, 'role']);
  });
  const up = config.upstream;
  if (up === undefined) return;
  // With entries dropped by the schema, the wan interface may be among them: say nothing then.
  const complete = Object.keys(config.interfaces).length === known.interfaces.size;
  if (wans.length === 0 && complete) add('no-wan', 'An upstream is configured but no interface has role wan.', ['upstream']);
  const target = config.interfaces[up.interface];
  if (!known.interfaces.has(up.interface)) {
    add('unknown-interface', `No interface named "${up.interface}" is configured.`, ['upstream', 'interface']);
  } else if (target !== undefined && target.role !== 'wan' && wans.length > 0) {
    add('not-wan', `Upstream interface "${up.interface}" has role ${target.role}; use the wan interface "${wans[0]![0]}".`, ['upstream', 'interface']);
  }
}

function otherReferences(config: Config, known: KnownNames, add: Add): void {
  const ref = (target: string, path: readonly PathSegment[]): void => {
    if (!known.interfaces.has(target)) add('unknown-interface', `No interface named "${target}" is configured.`, path);
  };
  config.ndproxy.rules.forEach((r, i) => {
    ref(r.upstream, ['ndproxy', 'rules', i, 'upstream']);
    if (r.mode === 'iface') ref(r.interface, ['ndproxy', 'rules', i, 'interface']);
  });
  config.firewall.management.interfaces.forEach((n, i) => ref(n, ['firewall', 'management', 'interfaces', i]));
  for (const [host, h] of Object.entries(config.hosts)) {
    ref(h.interface, ['hosts', host, 'interface']);
    h.publishedPorts.forEach((p, i) => {
      if (p.network !== undefined && h.networks[p.network] === undefined) {
        add('unknown-network', `Host "${host}" has no network named "${p.network}".`, ['hosts', host, 'publishedPorts', i, 'network']);
      }
    });
  }
}

export function referenceRuleProblems(config: Config, known?: KnownNames): Problem[] {
  const names = known ?? knownNamesOf(config);
  const out: Problem[] = [];
  const add: Add = (code, message, path) => out.push(problem(code, message, { path: formatPath(path) }));
  nameProblems(config, add);
  linkProblems(config, names, add);
  upstreamProblems(config, names, add);
  otherReferences(config, names, add);
  return out;
}
