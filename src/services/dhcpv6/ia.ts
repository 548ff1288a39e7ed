// One IA at a time: what the server grants, extends, releases or quarantines for an IA_NA or an
// IA_PD, as the options to put in it and the lease rows to write (RFC 8415 §18.3).
import { STATUS, type Dhcp6Option, type OptionOf } from '../../proto/dhcpv6/index.ts';
import { parseAddress } from '../../net/address.ts';
import { formatPrefix, parsePrefix, type Prefix } from '../../net/prefix.ts';
import type { LeaseKind, LeaseRecord } from '../../store/records.ts';
import { expiresAt, leaseLifetimes } from './lifetimes.ts';
import { inAddressPool, inDelegationPool, onLink, pickFromPool, prefixAppropriate } from './pools.ts';
import type { LeaseChange, LeaseView, ServerLink } from './types.ts';

/** How long a declined address stays out of the pool (RFC 8415 §18.3.8 leaves it to the server). */
export const DECLINE_QUARANTINE_MS = 24 * 60 * 60 * 1000;

export type IaOption = OptionOf<'ia-na'> | OptionOf<'ia-pd'>;

/** The state one message's IAs share. */
export interface Exchange {
  readonly link: ServerLink;
  readonly duid: string;
  readonly view: LeaseView;
  readonly now: number;
  readonly clientLinkLocal: string | undefined;
  /** Leases chosen earlier in this message, so two IAs never get the same one. */
  readonly chosen: Set<string>;
  /** Bindings this message creates, for the caps. */
  created: number;
}

/** An IA's reply contents before the message-wide T1/T2 are filled in. */
export interface IaResult {
  readonly kind: 'ia-na' | 'ia-pd';
  readonly iaid: number;
  readonly options: readonly Dhcp6Option[];
  readonly changes: readonly LeaseChange[];
  /** Preferred lifetimes granted here (T1/T2 come from the shortest). */
  readonly preferred: readonly number[];
}

const leaseKind = (ia: IaOption): LeaseKind => (ia.kind === 'ia-na' ? 'na' : 'pd');

const status = (code: number, message: string): Dhcp6Option => ({ kind: 'status-code', status: code, message });

function noneAvailable(ia: IaOption): Dhcp6Option {
  return ia.kind === 'ia-na'
    ? status(STATUS.NoAddrsAvail, 'No addresses are available for this IA.')
    : status(STATUS.NoPrefixAvail, 'No prefixes are available for this IA.');
}

/** The addresses or prefixes the client listed in an IA, as lease text. */
function listed(ia: IaOption): string[] {
  return ia.options.flatMap((o) => {
    if (o.kind === 'iaaddr') return [o.address];
    if (o.kind === 'iaprefix') {
      const p = parsePrefix(`${o.prefix}/${o.prefixLength}`, { strict: false });
      return p.ok ? [formatPrefix(p.value)] : [];
    }
    return [];
  });
}

function addressOf(lease: string): bigint | undefined {
  const r = parseAddress(lease);
  return r.ok ? r.value.value : undefined;
}

function prefixOfLease(lease: string): Prefix | undefined {
  const r = parsePrefix(lease);
  return r.ok ? r.value : undefined;
}

/** Whether a lease may be used on this link at all (on-link address, prefix from our pools). */
export function appropriate(link: ServerLink, kind: LeaseKind, lease: string): boolean {
  if (kind === 'na') {
    const a = addressOf(lease);
    return a !== undefined && onLink(link, a);
  }
  const p = prefixOfLease(lease);
  return p !== undefined && prefixAppropriate(link, p);
}

/**
 * Whether the running config would still give this client `lease`: an address of a dynamic range
 * or a prefix of a delegation pool that nobody else has reserved, or the client's own reservation.
 * A binding made under an earlier config can fail this after a live reconfigure; Renew and Rebind
 * then return it with lifetimes 0 (§18.3.4, §18.3.5: no longer appropriate for the link).
 */
export function stillGranted(link: ServerLink, duid: string, kind: LeaseKind, lease: string): boolean {
  const reservation = link.reservations.get(duid);
  if ((kind === 'na' ? reservation?.address : reservation?.prefix) === lease) return true;
  if (link.reserved.has(lease)) return false;
  if (kind === 'na') {
    const a = addressOf(lease);
    return a !== undefined && inAddressPool(link, a);
  }
  const p = prefixOfLease(lease);
  return p !== undefined && inDelegationPool(link, p);
}

/** The IAADDR or IAPREFIX option carrying `lease` with these lifetimes. */
export function leaseOption(kind: LeaseKind, lease: string, preferred: number, valid: number): Dhcp6Option {
  if (kind === 'na') return { kind: 'iaaddr', address: lease, preferredLifetime: preferred, validLifetime: valid, options: [] };
  const slash = lease.indexOf('/');
  return {
    kind: 'iaprefix',
    prefix: lease.slice(0, slash),
    prefixLength: Number(lease.slice(slash + 1)),
    preferredLifetime: preferred,
    validLifetime: valid,
    options: [],
  };
}

function record(ex: Exchange, kind: LeaseKind, iaid: number, lease: string): LeaseRecord {
  const { preferred, valid } = leaseLifetimes(ex.link.config);
  return {
    iface: ex.link.name,
    duid: ex.duid,
    iaid,
    kind,
    lease,
    preferredLifetime: preferred,
    validLifetime: valid,
    expiresAt: expiresAt(ex.now, valid),
    state: 'active',
    ...(ex.clientLinkLocal === undefined ? {} : { clientLinkLocal: ex.clientLinkLocal }),
  };
}

/** Nobody else holds or has reserved it, and no earlier IA of this message took it. */
function freeFor(ex: Exchange, kind: LeaseKind, lease: string, reservedForUs: boolean): boolean {
  if (ex.chosen.has(`${kind}|${lease}`)) return false;
  if (!reservedForUs && ex.link.reserved.has(lease)) return false;
  const holder = ex.view.holder(ex.link.name, kind, lease, ex.now);
  return holder === undefined || (holder.state === 'active' && holder.duid === ex.duid);
}

/** A dynamic-pool lease the client hinted at, when it is ours to give. */
function usableHint(ex: Exchange, kind: LeaseKind, lease: string): boolean {
  if (kind === 'na') {
    const a = addressOf(lease);
    if (a === undefined || !inAddressPool(ex.link, a)) return false;
  } else {
    const p = prefixOfLease(lease);
    if (p === undefined || !inDelegationPool(ex.link, p)) return false;
  }
  return freeFor(ex, kind, lease, false);
}

/** The lease this IA should have: its binding, a reservation, the client's hint, or the pool's pick. */
function choose(ex: Exchange, ia: IaOption): { lease: string; existing: boolean } | undefined {
  const kind = leaseKind(ia);
  const bound = ex.view
    .bindings(ex.link.name, ex.duid, ex.now)
    .find((l) => l.kind === kind && l.iaid === ia.iaid && stillGranted(ex.link, ex.duid, kind, l.lease) && !ex.chosen.has(`${kind}|${l.lease}`));
  if (bound !== undefined) return { lease: bound.lease, existing: true };
  const reservation = ex.link.reservations.get(ex.duid);
  const reserved = kind === 'na' ? reservation?.address : reservation?.prefix;
  if (reserved !== undefined && freeFor(ex, kind, reserved, true)) return { lease: reserved, existing: false };
  const hint = listed(ia).find((l) => usableHint(ex, kind, l));
  if (hint !== undefined) return { lease: hint, existing: false };
  const picked = pickFromPool(ex.link, kind, ex.duid, ia.iaid, (l) => freeFor(ex, kind, l, false));
  return picked === undefined ? undefined : { lease: picked, existing: false };
}

/** Whether one more binding would pass a per-client or per-link cap (RFC 8415 §22). */
function overCap(ex: Exchange): boolean {
  const limits = ex.link.config.limits;
  const client = ex.view.bindings(ex.link.name, ex.duid, ex.now).length + ex.created;
  const link = ex.view.activeCount(ex.link.name, ex.now) + ex.created;
  return client >= limits.leasesPerClient || link >= limits.leasesPerInterface;
}

/**
 * Solicit and Request (§18.3.1, §18.3.2): one address or prefix per IA. `commit` says whether the
 * binding is made now (Request, Rapid Commit) or only offered (Advertise).
 */
export function grant(ex: Exchange, ia: IaOption, commit: boolean, checkOnLink: boolean): IaResult {
  const kind = leaseKind(ia);
  const base = { kind: ia.kind, iaid: ia.iaid };
  // §18.3.2: an address the client asks for that does not belong on this link → NotOnLink.
  if (checkOnLink && kind === 'na' && listed(ia).some((l) => !appropriate(ex.link, 'na', l))) {
    const why = status(STATUS.NotOnLink, 'The requested address is not on this link; solicit a new one.');
    return { ...base, options: [why], changes: [], preferred: [] };
  }
  const choice = choose(ex, ia);
  if (choice === undefined || (!choice.existing && overCap(ex))) {
    return { ...base, options: [noneAvailable(ia)], changes: [], preferred: [] };
  }
  ex.chosen.add(`${kind}|${choice.lease}`);
  if (!choice.existing) ex.created++;
  const row = record(ex, kind, ia.iaid, choice.lease);
  return {
    ...base,
    options: [leaseOption(kind, choice.lease, row.preferredLifetime, row.validLifetime)],
    changes: commit ? [{ action: choice.existing ? 'renew' : 'bind', lease: row }] : [],
    preferred: [row.preferredLifetime],
  };
}

/**
 * Renew and Rebind (§18.3.4, §18.3.5): extend the IA's bindings; anything the client listed that
 * is not bound to it comes back with lifetimes 0. An IA with no binding gets NoBinding, except a
 * Rebind whose leases are all wrong for the link: those come back with lifetimes 0.
 */
export function extend(ex: Exchange, ia: IaOption, rebind: boolean): IaResult {
  const kind = leaseKind(ia);
  const base = { kind: ia.kind, iaid: ia.iaid };
  const bound = ex.view.bindings(ex.link.name, ex.duid, ex.now).filter((l) => l.kind === kind && l.iaid === ia.iaid);
  const client = listed(ia);
  const zero = (lease: string): Dhcp6Option => leaseOption(kind, lease, 0, 0);
  if (bound.length === 0) {
    if (rebind && client.length > 0 && client.every((l) => !appropriate(ex.link, kind, l))) {
      return { ...base, options: client.map(zero), changes: [], preferred: [] };
    }
    const why = status(STATUS.NoBinding, 'The server has no binding for this IA.');
    return { ...base, options: [why], changes: [], preferred: [] };
  }
  const kept = bound.filter((l) => stillGranted(ex.link, ex.duid, kind, l.lease));
  const withdrawn = bound.filter((l) => !kept.includes(l));
  const unknown = client.filter((l) => !bound.some((b) => b.lease === l));
  const zeros = [...withdrawn.map((l) => l.lease), ...unknown].map(zero);
  // The client is told these end now, so the binding ends with them (and a delegated prefix's route).
  const ended: LeaseChange[] = withdrawn.map((l) => ({
    action: 'withdraw',
    lease: { ...l, state: 'released', preferredLifetime: 0, validLifetime: 0, expiresAt: ex.now },
  }));
  if (kept.length === 0) {
    // Every binding went out of the pools: §18.3.4 lets the server change an IA's leases, so the
    // client gets a new one in the same Reply rather than having to start over with a Solicit.
    const fresh = grant(ex, ia, true, false);
    const given = fresh.preferred.length > 0;
    return {
      ...base,
      options: [...(given ? fresh.options : []), ...zeros],
      changes: [...ended, ...fresh.changes],
      preferred: fresh.preferred,
    };
  }
  for (const l of kept) ex.chosen.add(`${kind}|${l.lease}`);
  const rows = kept.map((l) => record(ex, kind, ia.iaid, l.lease));
  return {
    ...base,
    options: [...rows.map((r) => leaseOption(kind, r.lease, r.preferredLifetime, r.validLifetime)), ...zeros],
    changes: [...ended, ...rows.map((lease) => ({ action: 'renew' as const, lease }))],
    preferred: rows.map((r) => r.preferredLifetime),
  };
}

/**
 * Release (§18.3.7) and Decline (§18.3.8): the listed leases bound to this IA end (released) or
 * go into quarantine (declined). Returns undefined when every listed lease was found, or the IA
 * to send back with NoBinding.
 */
export function giveBack(ex: Exchange, ia: IaOption, declined: boolean): { changes: LeaseChange[]; reply?: IaResult } {
  const kind = leaseKind(ia);
  const bound = ex.view.bindings(ex.link.name, ex.duid, ex.now).filter((l) => l.kind === kind && l.iaid === ia.iaid);
  const matched = listed(ia).flatMap((lease) => bound.filter((b) => b.lease === lease));
  const changes: LeaseChange[] = matched.map((b) => ({
    action: declined ? 'decline' : 'release',
    lease: {
      ...b,
      state: declined ? 'declined' : 'released',
      // A declined address is used by someone else on the link: keep it out of the pool a while.
      expiresAt: declined ? ex.now + DECLINE_QUARANTINE_MS : ex.now,
      ...(declined ? {} : { preferredLifetime: 0, validLifetime: 0 }),
    },
  }));
  if (matched.length > 0) return { changes };
  const why = status(STATUS.NoBinding, 'The server has no binding for this IA.');
  return { changes, reply: { kind: ia.kind, iaid: ia.iaid, options: [why], changes: [], preferred: [] } };
}

/** The IA option itself, with the message's T1/T2 (0 for an IA that was given nothing). */
export function iaOption(result: IaResult, t1: number, t2: number): Dhcp6Option {
  const given = result.preferred.length > 0;
  return { kind: result.kind, iaid: result.iaid, t1: given ? t1 : 0, t2: given ? t2 : 0, options: result.options };
}

