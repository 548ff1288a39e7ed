// Delegated prefixes become routes toward the client that holds them (RFC 8415 §6.3: the
// delegating router routes the prefix to the requesting router). The apply loop installs them;
// a released or expired lease drops out of the list, and so does its route.
import type { LeaseRecord } from '../../store/records.ts';

export interface DesiredRoute {
  /** The delegated prefix, canonical CIDR text. */
  readonly prefix: string;
  /** The client's link-local address. */
  readonly via: string;
  readonly dev: string;
  readonly protocol: 'v6edge';
}

/** One route per active, unexpired IA_PD lease that knows its client's link-local address. */
export function desiredRoutesFromLeases(leases: readonly LeaseRecord[], now?: number): DesiredRoute[] {
  const routes = leases
    .filter((l) => l.kind === 'pd' && l.state === 'active' && l.clientLinkLocal !== undefined && (now === undefined || l.expiresAt > now))
    .map((l) => ({ prefix: l.lease, via: l.clientLinkLocal ?? '', dev: l.iface, protocol: 'v6edge' as const }));
  return routes.sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : a.dev < b.dev ? -1 : a.dev > b.dev ? 1 : 0));
}
