// Which address an RA goes out from. RFC 4861 §6.1.2: hosts discard an RA whose source is not
// link-local, and §6.2.8 asks a router to keep the same link-local address so hosts keep
// recognising it. By default that is the interface's first usable link-local address (as radvd
// does); `raSourceAddresses` (radvd's AdvRASrcAddress, e.g. a VRRP-style shared fe80::1) names
// the preferred ones instead.
//
// The config schema accepts only link-local entries (radvd accepts any address and so can send
// RAs every host drops; the radvd importer leaves such entries out with a warning). The first
// entry in configured order that is assigned and usable (not tentative) on the interface wins: the
// list is a preference order. radvd 2.19 differs in two ways, checked in the lab: it takes the
// interface's first address that appears anywhere in the list (kernel order, oldest first), and
// when none is assigned it fails the interface setup and sends nothing at all. We fall back to
// the interface's own link-local address and report it instead, because hosts losing their
// default router is worse than RAs from an address the operator did not plan on.
import { problem, type Problem } from '../../lib/result.ts';
import { tryCanonicalAddress } from '../../net/address.ts';
import type { InterfaceFacts } from './facts.ts';

export interface SourceChoice {
  /** The address to send from; undefined when the interface has no usable link-local address. */
  readonly source?: string;
  readonly problems: readonly Problem[];
}

/** The RA source for `configured` (`ra.raSourceAddresses`) given what the interface has now. */
export function selectSource(configured: readonly string[], facts: Pick<InterfaceFacts, 'linkLocal' | 'linkLocalAddresses'>): SourceChoice {
  const assigned = new Map<string, string>();
  for (const a of facts.linkLocalAddresses) {
    const c = tryCanonicalAddress(a);
    if (c !== undefined && !assigned.has(c)) assigned.set(c, a);
  }
  for (const want of configured) {
    const c = tryCanonicalAddress(want);
    const have = c === undefined ? undefined : assigned.get(c);
    if (have !== undefined) return { source: have, problems: [] };
  }
  const fallback = facts.linkLocal;
  if (fallback === undefined) {
    return {
      problems: [problem('no-link-local', 'The interface has no usable link-local address yet (down, or still in DAD), so no RA can be sent (RFC 4861 §6.1.2).')],
    };
  }
  if (configured.length === 0) return { source: fallback, problems: [] };
  return {
    source: fallback,
    problems: [
      problem(
        'ra-source-missing',
        `None of the configured RA source addresses (${configured.join(', ')}) is assigned to the interface, so RAs go out from ${fallback}; add one of them to the interface or change raSourceAddresses.`,
        { path: 'raSourceAddresses' },
      ),
    ],
  };
}
