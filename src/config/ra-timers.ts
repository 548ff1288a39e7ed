// Values RFC 4861 derives from MaxRtrAdvInterval when the operator leaves them out. Kept out
// of the schema so that changing Max later moves them too instead of leaving stale copies.
import type { RaConfig } from './ra-schema.ts';

/**
 * MinRtrAdvInterval (RFC 4861 §6.2.1): 0.33 × Max when Max ≥ 9 s. The RFC's default for smaller
 * Max is Max itself, which breaks its own "≤ 0.75 × Max" bound, so use 0.75 × Max there; and
 * 0.33 × 9 is below the 3 s floor, so never go under 3.
 */
export function effectiveMinRtrAdvInterval(ra: Pick<RaConfig, 'maxRtrAdvInterval' | 'minRtrAdvInterval'>): number {
  if (ra.minRtrAdvInterval !== undefined) return ra.minRtrAdvInterval;
  const max = ra.maxRtrAdvInterval;
  return max >= 9 ? Math.max(3, 0.33 * max) : 0.75 * max;
}

/** AdvDefaultLifetime (RFC 4861 §6.2.1): 3 × Max, capped at the 16-bit field (RFC 8319 §4). */
export function effectiveDefaultLifetime(ra: Pick<RaConfig, 'maxRtrAdvInterval' | 'defaultLifetime'>): number {
  return ra.defaultLifetime ?? Math.min(65535, Math.ceil(3 * ra.maxRtrAdvInterval));
}

/**
 * Lifetime of a Route Information, RDNSS, DNSSL or PREF64 option left unset: 3 × Max
 * (RFC 4191 §2.3 via radvd, RFC 8106 §5.1, RFC 8781 §4), within `cap` (65528 for PREF64).
 */
export function effectiveOptionLifetime(ra: Pick<RaConfig, 'maxRtrAdvInterval'>, cap = 0xfffffffe): number {
  return Math.min(cap, Math.ceil(3 * ra.maxRtrAdvInterval));
}
