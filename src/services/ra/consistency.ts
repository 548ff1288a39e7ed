// RFC 4861 §6.2.7: a router checks the RAs other routers send on its link against its own and
// reports (never acts on) differences, so an operator can find a misconfigured or rogue router.
import type { MtuOption, PrefixInformationOption, RouterAdvertisement } from '../../proto/ndp/index.ts';

export type ConflictField =
  | 'curHopLimit'
  | 'managed'
  | 'other'
  | 'reachableTime'
  | 'retransTimer'
  | 'mtu'
  | 'preferredLifetime'
  | 'validLifetime';

export interface Conflict {
  /** The other router's link-local address. */
  readonly source: string;
  readonly field: ConflictField;
  /** The prefix (`2001:db8::/64`) for lifetime conflicts. */
  readonly prefix?: string;
  readonly ours: number | boolean;
  readonly theirs: number | boolean;
}

const prefixKey = (o: PrefixInformationOption): string => `${o.prefix}/${o.prefixLength}`;
const mtuOf = (ra: RouterAdvertisement): number | undefined => ra.options.find((o): o is MtuOption => o.type === 'mtu')?.mtu;

/**
 * The ways `theirs` (a validated RA from `source`) contradicts `ours`. Values either side leaves
 * unspecified (0, or an absent option) are not compared, nor are lifetimes of prefixes whose
 * lifetimes count down (§6.2.7: those are compared as expiry times, which drift with delay).
 */
export function findConflicts(
  ours: RouterAdvertisement,
  theirs: RouterAdvertisement,
  source: string,
  decrementing: ReadonlySet<string> = new Set(),
): Conflict[] {
  const out: Conflict[] = [];
  const differ = (field: ConflictField, a: number | boolean, b: number | boolean, prefix?: string): void => {
    if (a !== b) out.push(prefix === undefined ? { source, field, ours: a, theirs: b } : { source, field, prefix, ours: a, theirs: b });
  };
  const bothSet = (a: number, b: number): boolean => a !== 0 && b !== 0;
  if (bothSet(ours.curHopLimit, theirs.curHopLimit)) differ('curHopLimit', ours.curHopLimit, theirs.curHopLimit);
  differ('managed', ours.managed, theirs.managed);
  differ('other', ours.other, theirs.other);
  if (bothSet(ours.reachableTime, theirs.reachableTime)) differ('reachableTime', ours.reachableTime, theirs.reachableTime);
  if (bothSet(ours.retransTimer, theirs.retransTimer)) differ('retransTimer', ours.retransTimer, theirs.retransTimer);
  const ourMtu = mtuOf(ours);
  const theirMtu = mtuOf(theirs);
  if (ourMtu !== undefined && theirMtu !== undefined) differ('mtu', ourMtu, theirMtu);
  const ourPrefixes = new Map(
    ours.options.filter((o): o is PrefixInformationOption => o.type === 'prefix-information').map((o) => [prefixKey(o), o]),
  );
  for (const o of theirs.options) {
    if (o.type !== 'prefix-information') continue;
    const key = prefixKey(o);
    const mine = ourPrefixes.get(key);
    if (mine === undefined || decrementing.has(key)) continue;
    differ('preferredLifetime', mine.preferredLifetime, o.preferredLifetime, key);
    differ('validLifetime', mine.validLifetime, o.validLifetime, key);
  }
  return out;
}

/** An operator's sentence for a conflict. */
export function describeConflict(c: Conflict): string {
  const what = c.prefix === undefined ? c.field : `${c.field} of ${c.prefix}`;
  return `Router ${c.source} advertises ${what} = ${String(c.theirs)}, but this router advertises ${String(c.ours)} (RFC 4861 §6.2.7).`;
}
