// Unique Local IPv6 Unicast prefixes (RFC 4193 §3.2): fd00::/8 (L = 1) followed by a 40-bit
// Global ID, giving a /48 site prefix. §3.2 asks only that the Global ID be random; §3.2.2's
// SHA-1 recipe is one way to get there, a cryptographic random source is another.
import { randomBytes } from 'node:crypto';
import type { Prefix } from './prefix.ts';

/** Returns `n` random bytes. */
export type RandomSource = (n: number) => Uint8Array;

export const ULA_LENGTH = 48;

/** A fresh fdXX:XXXX:XXXX::/48 from `random` (node:crypto by default). */
export function generateUlaPrefix(random: RandomSource = randomBytes): Prefix {
  const bytes = random(5);
  if (bytes.length < 5) throw new RangeError(`the random source gave ${bytes.length} bytes; a Global ID needs 5`);
  const globalId = Array.from(bytes.subarray(0, 5)).reduce((v, b) => (v << 8n) | BigInt(b), 0n);
  return { network: (0xfdn << 120n) | (globalId << 80n), length: ULA_LENGTH };
}

/** The 40-bit Global ID of a ULA address or prefix. */
export function ulaGlobalId(network: bigint): bigint {
  return (network >> 80n) & 0xffffffffffn;
}
