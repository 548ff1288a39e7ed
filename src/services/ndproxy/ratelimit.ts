// Token buckets: one per solicitation source and one for probes sent downstream. Pure: the
// caller passes the time. The per-source table is itself capped (LRU), so spoofed sources cannot
// grow it; a source evicted and seen again simply starts with a full bucket.

export interface BucketSpec {
  /** Tokens added per second. */
  readonly rate: number;
  /** Most tokens a bucket holds: the burst allowed after a quiet spell. */
  readonly burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** What a bucket is kept for: an address (bigint), a MAC (number), or a name. */
export type RateKey = bigint | number | string;

export interface RateLimiter {
  readonly spec: BucketSpec;
  readonly maxKeys: number;
  readonly buckets: Map<RateKey, Bucket>;
}

export function rateLimiter(spec: BucketSpec, maxKeys: number): RateLimiter {
  if (!(spec.rate > 0) || !(spec.burst >= 1)) throw new RangeError(`a token bucket needs rate > 0 and burst ≥ 1, not ${spec.rate}/${spec.burst}`);
  return { spec, maxKeys, buckets: new Map() };
}

/** Takes one token for `key` at `now` (epoch ms); false when its bucket is empty. */
export function take(l: RateLimiter, key: RateKey, now: number): boolean {
  let b = l.buckets.get(key);
  if (b === undefined) {
    b = { tokens: l.spec.burst, at: now };
    if (l.buckets.size >= l.maxKeys) {
      const oldest = l.buckets.keys().next().value;
      if (oldest !== undefined) l.buckets.delete(oldest);
    }
  } else {
    l.buckets.delete(key);
    b.tokens = Math.min(l.spec.burst, b.tokens + (Math.max(0, now - b.at) * l.spec.rate) / 1000);
    b.at = now;
  }
  l.buckets.set(key, b);
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}
