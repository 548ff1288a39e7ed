// A small deterministic mutation fuzzer: random bytes and mutations of seed packets, fed to a
// codec's round trip. Deterministic by seed so every failure replays.
import type { FuzzTarget } from './target.ts';

export interface FuzzReport {
  readonly target: string;
  readonly cases: number;
  readonly parsed: number;
  readonly failures: readonly { readonly input: string; readonly error: string }[];
}

/** xorshift32: fast, seedable, good enough to drive mutations. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff];

function mutate(seed: Uint8Array, next: () => number): Uint8Array {
  let out = Uint8Array.from(seed);
  const rounds = 1 + (next() % 4);
  for (let r = 0; r < rounds; r++) {
    const pos = out.length === 0 ? 0 : next() % out.length;
    switch (next() % 6) {
      case 0: // flip a bit
        if (out.length) out[pos] = out[pos]! ^ (1 << next() % 8);
        break;
      case 1: // an interesting byte, often a length field
        if (out.length) out[pos] = INTERESTING[next() % INTERESTING.length]!;
        break;
      case 2: // truncate
        out = out.subarray(0, pos);
        break;
      case 3: { // insert random bytes
        const extra = new Uint8Array(1 + (next() % 16)).map(() => next() & 0xff);
        out = Uint8Array.from([...out.subarray(0, pos), ...extra, ...out.subarray(pos)]);
        break;
      }
      case 4: // duplicate a chunk (repeats options)
        out = Uint8Array.from([...out, ...out.subarray(pos, pos + 1 + (next() % 32))]);
        break;
      default: // random byte
        if (out.length) out[pos] = next() & 0xff;
    }
  }
  return out;
}

export function fuzz(target: FuzzTarget, cases: number, seed = 1): FuzzReport {
  const next = rng(seed);
  const failures: { input: string; error: string }[] = [];
  let parsed = 0;
  for (let i = 0; i < cases; i++) {
    let input: Uint8Array;
    if (target.seeds.length === 0 || i % 4 === 0) {
      input = new Uint8Array(next() % 256).map(() => next() & 0xff);
    } else {
      input = mutate(target.seeds[next() % target.seeds.length]!, next);
    }
    try {
      if (target.roundTrip(input) === 'stable') parsed++;
    } catch (e) {
      if (failures.length < 20) {
        failures.push({ input: Buffer.from(input).toString('hex'), error: String((e as Error).stack ?? e) });
      }
    }
  }
  return { target: target.name, cases, parsed, failures };
}
