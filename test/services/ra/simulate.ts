// Drives the RA scheduler with a fake clock: inputs at given times, ticks exactly at each wakeAt.
import { decide, initialSchedulerState, type SchedulerConfig, type SchedulerInput, type SchedulerState, type SendAction, type IgnoreAction } from '../../../src/services/ra/scheduler.ts';
import { raSchema } from '../../../src/config/ra-schema.ts';

/** mulberry32: a small seeded generator so every run sees the same "random" delays. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function schedulerConfig(input: Record<string, unknown> = {}): SchedulerConfig {
  return raSchema.parse(input);
}

export interface Sent extends SendAction {
  readonly at: number;
}

export interface Run {
  readonly sent: Sent[];
  readonly ignored: IgnoreAction['reason'][];
  readonly state: SchedulerState;
  readonly rands: number[];
}

/** Feeds `inputs` (sorted by `now`) and ticks at every wakeAt up to `until` ms. */
export function simulate(config: SchedulerConfig, inputs: readonly SchedulerInput[], until: number, seed = 1): Run {
  const base = seeded(seed);
  const rands: number[] = [];
  const rand = (): number => {
    const r = base();
    rands.push(r);
    return r;
  };
  let state = initialSchedulerState(config);
  let wakeAt: number | undefined;
  const sent: Sent[] = [];
  const ignored: IgnoreAction['reason'][] = [];
  const apply = (input: SchedulerInput): void => {
    const d = decide(state, input, rand);
    state = d.state;
    wakeAt = d.wakeAt;
    for (const a of d.actions) {
      if (a.type === 'send') sent.push({ ...a, at: input.now });
      else ignored.push(a.reason);
    }
  };
  let i = 0;
  for (;;) {
    const next = inputs[i];
    const tickFirst = wakeAt !== undefined && (next === undefined || wakeAt <= next.now) && wakeAt <= until;
    if (tickFirst) apply({ type: 'tick', now: wakeAt! });
    else if (next !== undefined && next.now <= until) {
      apply(next);
      i++;
    } else break;
  }
  return { sent, ignored, state, rands };
}

export const multicast = (run: Run): Sent[] => run.sent.filter((s) => s.destination === 'ff02::1');
