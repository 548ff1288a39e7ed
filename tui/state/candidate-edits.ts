// Edits to the candidate document, as pure functions on its JSON. The TUI does not know the
// schema: it copies what it does not touch and lets the daemon's validation speak.

type Doc = Record<string, unknown>;

function asRecord(v: unknown): Doc {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Doc) : {};
}

/** A container network as typed: `web`, or `web=2001:db8:4001:1::/80`; a blank prefix means IPAM. */
export interface NetworkInput {
  readonly name: string;
  readonly prefix: string;
}

export interface HostInput {
  readonly name: string;
  readonly interface: string;
  readonly nextHop: string;
  /** Blank: IPAM allocates the host's prefix. */
  readonly prefix: string;
  readonly networks: readonly NetworkInput[];
}

export interface ParsedNetworks {
  readonly networks: readonly NetworkInput[];
  /** Names given more than once: a JSON map can hold each only once, so they cannot be sent. */
  readonly duplicates: readonly string[];
}

/**
 * The Networks field: comma-separated names, each optionally `name=prefix`. Empty items (a
 * trailing comma) are skipped; names and prefixes are left for the daemon to judge, so its
 * problems arrive with paths such as `hosts.ch2.networks.web.prefix`.
 */
export function parseNetworks(text: string): ParsedNetworks {
  const networks: NetworkInput[] = [];
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const item of text.split(',')) {
    if (item.trim() === '') continue;
    const eq = item.indexOf('=');
    const name = (eq < 0 ? item : item.slice(0, eq)).trim();
    const prefix = eq < 0 ? '' : item.slice(eq + 1).trim();
    if (seen.has(name)) duplicates.add(name);
    else networks.push({ name, prefix });
    seen.add(name);
  }
  return { networks, duplicates: [...duplicates] };
}

/**
 * The document with `hosts[name]` set; blank optional fields are left out, not sent empty (a
 * network without a prefix is `{}`, which asks IPAM for one inside the host's prefix).
 */
export function withHost(document: unknown, host: HostInput): Doc {
  const doc = asRecord(document);
  const hosts = asRecord(doc.hosts);
  const entry: Doc = { interface: host.interface.trim(), nextHop: host.nextHop.trim() };
  if (host.prefix.trim() !== '') entry.prefix = host.prefix.trim();
  if (host.networks.length > 0) {
    entry.networks = Object.fromEntries(host.networks.map((n) => [n.name.trim(), n.prefix.trim() === '' ? {} : { prefix: n.prefix.trim() }]));
  }
  return { ...doc, hosts: { ...hosts, [host.name.trim()]: entry } };
}

export function withoutHost(document: unknown, name: string): Doc {
  const doc = asRecord(document);
  const hosts = { ...asRecord(doc.hosts) };
  delete hosts[name];
  return { ...doc, hosts };
}

/** Names of interfaces whose role is `mgmt` in a config document. */
export function mgmtInterfacesIn(document: unknown): string[] {
  const interfaces = asRecord(asRecord(document).interfaces);
  return Object.entries(interfaces)
    .filter(([, v]) => asRecord(v).role === 'mgmt')
    .map(([k]) => k);
}

/** Config path of a host field, in the daemon's path syntax (src/config/paths.ts). */
export function hostPath(name: string, field?: string): string {
  const key = /^[A-Za-z0-9_-]+$/.test(name) ? `hosts.${name}` : `hosts[${JSON.stringify(name)}]`;
  return field === undefined ? key : `${key}.${field}`;
}
