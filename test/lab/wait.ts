// Polling with a deadline: the lab never sleeps a fixed time, it waits for a condition to hold.
import { setTimeout as delay } from 'node:timers/promises';
import { inspect } from 'node:util';

export interface WaitOptions {
  readonly timeoutMs: number;
  /** Pause between checks; default 50 ms. */
  readonly intervalMs?: number;
  /** Finishes the sentence "timed out after N ms waiting for …". */
  readonly what: string;
}

/** Records what a check saw, so a timeout can say what the world looked like at the end. */
export type Note = (observed: unknown) => void;

/** Thrown from a check to give up at once (the awaited thing can no longer happen). */
export class StopWaiting extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StopWaiting';
  }
}

export class WaitTimeout extends Error {
  readonly lastObserved: unknown;
  constructor(timeoutMs: number, what: string, lastObserved: unknown) {
    super(`timed out after ${timeoutMs} ms waiting for ${what}; last observed: ${inspect(lastObserved, { depth: 6, breakLength: 120 })}`);
    this.name = 'WaitTimeout';
    this.lastObserved = lastObserved;
  }
}

/**
 * Calls `check` until it returns something other than undefined or false, and returns that.
 * A check that throws counts as "not yet" (its error becomes the last observation), except
 * `StopWaiting`, which ends the wait with that error. The last
 * observation is what the check passed to `note`, else what it returned or threw.
 */
export async function waitFor<T>(
  check: (note: Note) => Promise<T | undefined | false> | T | undefined | false,
  options: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 50;
  let last: unknown;
  for (;;) {
    let noted = false;
    const note: Note = (observed) => {
      noted = true;
      last = observed;
    };
    try {
      const value = await check(note);
      if (value !== undefined && value !== false) return value;
      if (!noted) last = value;
    } catch (e) {
      if (e instanceof StopWaiting) throw e;
      if (!noted) last = e instanceof Error ? e.message : e;
    }
    const left = deadline - Date.now();
    if (left <= 0) throw new WaitTimeout(options.timeoutMs, options.what, last);
    await delay(Math.min(interval, left));
  }
}
