// A binary min-heap of lease records by expiresAt. The lease table keeps a per-link count of the
// bindings still live, and this tells it which ones have lapsed since it last looked, so the
// per-interface cap (RFC 8415 §22) costs O(log n) per binding instead of a walk over every lease.
// Entries are never removed early: a record that was replaced is skipped when it surfaces.
import type { LeaseRecord } from '../../store/records.ts';

export class ExpiryQueue {
  readonly #heap: LeaseRecord[] = [];

  get size(): number {
    return this.#heap.length;
  }

  clear(): void {
    this.#heap.length = 0;
  }

  push(record: LeaseRecord): void {
    const h = this.#heap;
    let i = h.push(record) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent]!;
      if (p.expiresAt <= record.expiresAt) break;
      h[i] = p;
      i = parent;
    }
    h[i] = record;
  }

  /** Removes and returns the earliest record when it ends at or before `now`. */
  popDue(now: number): LeaseRecord | undefined {
    const h = this.#heap;
    const top = h[0];
    if (top === undefined || top.expiresAt > now) return undefined;
    const last = h.pop()!;
    if (h.length === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && h[r]!.expiresAt < h[l]!.expiresAt ? r : l;
      if (h[c]!.expiresAt >= last.expiresAt) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
    return top;
  }
}
