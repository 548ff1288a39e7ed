// Prefixes that leave the advertisement are withdrawn, not dropped: RFC 9096 §3.3 (L-13, L-14)
// asks a router to keep advertising a stale prefix with both lifetimes 0 so hosts stop using it,
// and to remember what it advertised across a reboot. Pure: the runner persists the state.
import { z } from 'zod';
import type { PrefixInformationOption, RouterAdvertisement } from '../../proto/ndp/index.ts';
import { INFINITE_LIFETIME } from './advertisement.ts';

/**
 * How long a withdrawn prefix is advertised with lifetimes 0, at most: two hours. A host that hears
 * one such RA cuts the address to at most two hours of validity (RFC 4862 §5.5.3 e) and deprecates
 * it at once, so every host that is listening has acted well within this window; going on for the
 * whole previous valid lifetime (30 days by default) would only help hosts that slept through it,
 * and they learn the new prefix set from the RA that answers their next RS anyway.
 */
export const MAX_WITHDRAW_SECONDS = 7200;

/** A prefix being withdrawn: advertise it with valid = preferred = 0 until `until` (epoch ms). */
export interface WithdrawnPrefix {
  /** Address text of the prefix, as in the Prefix Information option. */
  readonly prefix: string;
  readonly prefixLength: number;
  /** L and A stay as they were (RFC 9096 §3.3 L-13). */
  readonly onLink: boolean;
  readonly autonomous: boolean;
  readonly until: number;
}

/** A prefix we put in an RA with a non-zero valid lifetime, and when we last did. */
export interface AdvertisedPrefix {
  readonly prefix: string;
  readonly prefixLength: number;
  readonly onLink: boolean;
  readonly autonomous: boolean;
  readonly validLifetime: number;
  readonly at: number;
}

/** What the RA service keeps per interface in the store (`getMeta`/`setMeta`). */
export interface PrefixHistory {
  readonly advertised: readonly AdvertisedPrefix[];
  readonly withdrawn: readonly WithdrawnPrefix[];
}

export const EMPTY_HISTORY: PrefixHistory = { advertised: [], withdrawn: [] };

const key = (p: { readonly prefix: string; readonly prefixLength: number }): string => `${p.prefix}/${p.prefixLength}`;

/** Prefix Information options with a live valid lifetime in `ra` (withdrawals excluded). */
export function livePrefixes(ra: RouterAdvertisement): PrefixInformationOption[] {
  return ra.options.filter((o): o is PrefixInformationOption => o.type === 'prefix-information' && o.validLifetime > 0);
}

/** Seconds a prefix last advertised with `valid` at `at` may still be held by a host at `now`. */
function withdrawUntil(a: AdvertisedPrefix, now: number): number {
  const left = a.validLifetime === INFINITE_LIFETIME ? Infinity : a.validLifetime * 1000 - (now - a.at);
  return now + Math.max(0, Math.min(left, MAX_WITHDRAW_SECONDS * 1000));
}

/**
 * The history after advertising `live` at `now`: prefixes that were advertised before and are
 * not now become withdrawn; prefixes advertised again stop being withdrawn; expired withdrawals
 * are dropped. `changed` says whether the persisted form differs (so the store is written only then).
 */
export function recordAdvertised(history: PrefixHistory, live: readonly PrefixInformationOption[], now: number): { history: PrefixHistory; changed: boolean } {
  const liveKeys = new Set(live.map(key));
  const gone = history.advertised.filter((a) => !liveKeys.has(key(a)));
  const newlyWithdrawn = gone.map((a) => ({ prefix: a.prefix, prefixLength: a.prefixLength, onLink: a.onLink, autonomous: a.autonomous, until: withdrawUntil(a, now) }));
  const goneKeys = new Set(gone.map(key));
  const withdrawn = [
    ...history.withdrawn.filter((w) => w.until > now && !liveKeys.has(key(w)) && !goneKeys.has(key(w))),
    ...newlyWithdrawn.filter((w) => w.until > now),
  ];
  const advertised = live.map((o) => ({ prefix: o.prefix, prefixLength: o.prefixLength, onLink: o.onLink, autonomous: o.autonomous, validLifetime: o.validLifetime, at: now }));
  const before = new Set(history.advertised.map(key));
  const changed =
    gone.length > 0 ||
    withdrawn.length !== history.withdrawn.length ||
    advertised.some((a) => !before.has(key(a)));
  return { history: { advertised, withdrawn }, changed };
}

const historySchema = z.object({
  advertised: z.array(z.object({
    prefix: z.string(), prefixLength: z.number().int().min(0).max(128), onLink: z.boolean(), autonomous: z.boolean(),
    validLifetime: z.number().int().min(0).max(INFINITE_LIFETIME), at: z.number(),
  })).max(256),
  withdrawn: z.array(z.object({
    prefix: z.string(), prefixLength: z.number().int().min(0).max(128), onLink: z.boolean(), autonomous: z.boolean(), until: z.number(),
  })).max(256),
});

/**
 * The history read back from the store; anything unreadable counts as empty, because a bad
 * value must never keep the service from starting (Kea CVE-2019-6474).
 */
export function decodeHistory(value: unknown): PrefixHistory {
  const r = historySchema.safeParse(value);
  return r.success ? r.data : EMPTY_HISTORY;
}

/** The store key for one interface's prefix history. */
export function historyKey(ifname: string): string {
  return `ra.prefix-history.${ifname}`;
}
