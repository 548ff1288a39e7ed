// Lifetimes and renewal timers (RFC 8415 §7.7, §21.4, §21.6, §21.22). Lifetimes are 32-bit
// seconds with 0xffffffff meaning infinity.
import { INFINITY } from '../../proto/dhcpv6/index.ts';
import type { Dhcpv6Config } from '../../config/dhcpv6-schema.ts';
import type { Lifetime } from '../../config/primitives.ts';

/** Epoch milliseconds standing for "never" in a stored lease (an infinite valid lifetime). */
export const NEVER = Number.MAX_SAFE_INTEGER;

/** Information Refresh Time a client uses when the server names none (IRT_DEFAULT, §7.6). */
export const IRT_DEFAULT = 86_400;

export const wireLifetime = (l: Lifetime): number => (l === 'infinity' ? INFINITY : l);

export interface Lifetimes {
  readonly preferred: number;
  readonly valid: number;
}

/** The lifetimes of a binding; preferred never exceeds valid (§21.6: the client drops such an address). */
export function leaseLifetimes(config: Dhcpv6Config): Lifetimes {
  const valid = wireLifetime(config.validLifetime);
  const preferred = Math.min(wireLifetime(config.preferredLifetime), valid);
  return { preferred, valid };
}

/** When a binding granted at `now` for `valid` seconds ends, in epoch milliseconds. */
export function expiresAt(now: number, valid: number): number {
  return valid === INFINITY ? NEVER : now + valid * 1000;
}

export interface Timers {
  readonly t1: number;
  readonly t2: number;
}

/**
 * One T1/T2 pair for a whole Reply: the configured values, or 0.5 and 0.8 × the shortest
 * preferred lifetime granted (§21.4 recommends those fractions; §18.3 one set per message keeps a
 * client renewing everything at once). Infinity stays infinity; T1 never exceeds T2. With no
 * lifetime granted (every IA failed) both are 0, leaving the client to choose (§21.4).
 */
export function renewalTimers(config: Dhcpv6Config, preferredLifetimes: readonly number[]): Timers {
  const granted = preferredLifetimes.filter((p) => p > 0);
  if (granted.length === 0) return { t1: 0, t2: 0 };
  const shortest = Math.min(...granted);
  const scaled = (f: number): number => (shortest === INFINITY ? INFINITY : Math.floor(shortest * f));
  const t2 = config.rebindTime === undefined ? scaled(0.8) : wireLifetime(config.rebindTime);
  const t1 = config.renewTime === undefined ? scaled(0.5) : wireLifetime(config.renewTime);
  return { t1: Math.min(t1, t2), t2 };
}
