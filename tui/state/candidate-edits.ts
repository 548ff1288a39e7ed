// Edits to the candidate document, as pure functions on its JSON. The TUI does not know the
// schema: it copies what it does not touch and lets the daemon's validation speak.

type Doc = Record<string, unknown>;

function asRecord(v: unknown): Doc {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Doc) : {};
}

export interface HostInput {
  readonly name: string;
  readonly interface: string;
  readonly nextHop: string;
  /** Blank: IPAM allocates the host's prefix. */
  readonly prefix: string;
}

/** The document with `hosts[name]` set; blank optional fields are left out, not sent empty. */
export function withHost(document: unknown, host: HostInput): Doc {
  const doc = asRecord(document);
  const hosts = asRecord(doc.hosts);
  const entry: Doc = { interface: host.interface.trim(), nextHop: host.nextHop.trim() };
  if (host.prefix.trim() !== '') entry.prefix = host.prefix.trim();
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
