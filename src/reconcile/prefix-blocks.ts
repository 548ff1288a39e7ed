// Disjoint prefix sets built a host at a time. nft refuses overlapping intervals, so each
// prefix-keyed set is sorted and swept for prefixes an earlier one covers. The hosts of a fleet
// hold disjoint prefixes (IPAM hands them out that way; the overlap rule refuses fixed ones that
// clash), so each host's share is sorted and swept once, kept with the host, and the set is the
// hosts' shares in address order. Only when two hosts' spans overlap is the whole set sorted and
// swept as one, which gives the same elements.
import type { PrefixRange } from './canonical.ts';

/** By network, then shorter first: the order nft and a routing table dump use. */
export const byRange = (a: PrefixRange, b: PrefixRange): number => (a.network !== b.network ? (a.network < b.network ? -1 : 1) : a.length - b.length);

/**
 * The items whose range no earlier one covers, in range order. Sorts `items` in place; a
 * duplicate sorts right after its twin and is covered by it, so the sweep drops it too.
 */
export function disjointItems<T>(items: T[], rangeOf: (item: T) => PrefixRange): T[] {
  return sweep(items.sort((a, b) => byRange(rangeOf(a), rangeOf(b))), rangeOf);
}

/** The items of a range-ordered list that no earlier one covers. */
function sweep<T>(sorted: readonly T[], rangeOf: (item: T) => PrefixRange): T[] {
  const out: T[] = [];
  let end = -1n;
  for (const x of sorted) {
    const r = rangeOf(x);
    if (r.network <= end) continue;
    out.push(x);
    end = r.last;
  }
  return out;
}

function inOrder<T>(items: readonly T[], rangeOf: (item: T) => PrefixRange): boolean {
  for (let i = 1; i < items.length; i++) if (byRange(rangeOf(items[i - 1]!), rangeOf(items[i]!)) > 0) return false;
  return true;
}

/** One host's share of a set. */
export interface Block<T> {
  /** In range order. */
  readonly items: readonly T[];
  /** The lowest address and the highest address the items cover. */
  readonly start: bigint;
  readonly end: bigint;
  /** The items the sweep keeps. */
  readonly kept: readonly T[];
}

export function blockOf<T>(items: readonly T[], rangeOf: (item: T) => PrefixRange): Block<T> | undefined {
  // A host's prefix comes first and its networks follow in name order, which IPAM allocates
  // in address order: usually sorted already.
  const sorted = inOrder(items, rangeOf) ? items : items.slice().sort((a, b) => byRange(rangeOf(a), rangeOf(b)));
  const first = sorted[0];
  if (first === undefined) return undefined;
  let end = -1n;
  for (const x of sorted) if (rangeOf(x).last > end) end = rangeOf(x).last;
  return { items: sorted, start: rangeOf(first).network, end, kept: sweep(sorted, rangeOf) };
}

/** The blocks in address order, or undefined when two of them overlap. */
export function separateBlocks<B extends Block<unknown>>(blocks: readonly B[]): B[] | undefined {
  const sorted = blocks.slice().sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) if (sorted[i - 1]!.end >= sorted[i]!.start) return undefined;
  return sorted;
}

/**
 * `disjointItems` of every item of `blocks`. When the blocks do not overlap, no item of one
 * covers an item of another, so the sweep of the whole is each block's sweep in address order.
 */
export function disjointBlocks<T>(blocks: readonly Block<T>[], rangeOf: (item: T) => PrefixRange): T[] {
  const separate = separateBlocks(blocks);
  if (separate === undefined) return disjointItems(blocks.flatMap((b) => b.items), rangeOf);
  const out: T[] = [];
  for (const b of separate) for (const x of b.kept) out.push(x);
  return out;
}

/** Whether any of `separate` (address order) holds an item with exactly the range `r`. */
export function blocksHold<T>(separate: readonly Block<T>[], r: PrefixRange, rangeOf: (item: T) => PrefixRange): boolean {
  // The last block starting at or before r.network is the only one that can hold it.
  let lo = 0;
  let hi = separate.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (separate[mid]!.start <= r.network) lo = mid + 1;
    else hi = mid;
  }
  const b = separate[lo - 1];
  return b !== undefined && b.end >= r.network && b.items.some((x) => byRange(rangeOf(x), r) === 0);
}
