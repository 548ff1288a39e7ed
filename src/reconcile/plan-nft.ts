// The filter part of a plan. The skeleton (sets' types, chains, rules) is compared by shape and
// by the hash in each rule's comment; when it differs the table is rebuilt in one nft
// transaction. Otherwise only set elements move, so established flows and counters stay.
import type { ChangeOf, FilterSpec, ObservedFilter } from './types.ts';

function skeletonOf(f: FilterSpec | ObservedFilter): string {
  const sets = f.sets.map((s) => `${s.name}:${s.type.join('.')}:${s.interval}`).sort();
  const chains = f.chains.map((c) => {
    const rules = c.rules.map((r) => (typeof r === 'string' ? r : r.comment));
    return `${c.name}:${c.hook}:${c.priority}:${c.policy}:${rules.join('|')}`;
  });
  return JSON.stringify({ sets, chains: chains.sort() });
}

function countersPresent(desired: FilterSpec, observed: ObservedFilter): boolean {
  const have = new Set(observed.counters);
  return desired.chains.every((c) => c.rules.every((r) => have.has(r.name)));
}

export function planFilter(desired: FilterSpec, observed: ObservedFilter | undefined): ChangeOf<'nft'>[] {
  if (observed === undefined || skeletonOf(desired) !== skeletonOf(observed) || !countersPresent(desired, observed)) {
    return [{ subsystem: 'nft', op: 'replace-table', filter: desired }];
  }
  const out: ChangeOf<'nft'>[] = [];
  const now = new Map(observed.sets.map((s) => [s.name, new Set(s.elements)]));
  for (const s of desired.sets) {
    const have = now.get(s.name) ?? new Set<string>();
    const want = new Set(s.elements);
    const gone = [...have].filter((e) => !want.has(e));
    const fresh = s.elements.filter((e) => !have.has(e));
    // Deletions first: an interval set refuses an element overlapping one still present.
    if (gone.length > 0) out.push({ subsystem: 'nft', op: 'delete-elements', set: s.name, elements: gone });
    if (fresh.length > 0) out.push({ subsystem: 'nft', op: 'add-elements', set: s.name, elements: fresh });
  }
  return out;
}
