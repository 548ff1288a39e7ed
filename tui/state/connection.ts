// Whether the daemon answers. A failure that is not an API refusal (socket gone, daemon
// restarting) marks the link down; the app then retries with capped exponential backoff and,
// once a call succeeds, re-subscribes to events and reloads every screen.

export interface Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
}

export const defaultBackoff: Backoff = { initialMs: 500, maxMs: 10_000 };

export interface ConnectionState {
  readonly phase: 'connecting' | 'up' | 'down';
  /** Failed attempts since the link was last up. */
  readonly attempt: number;
  readonly error: string | undefined;
  /** When the next attempt is due (ms since the epoch), while down. */
  readonly retryAt: number | undefined;
  /** Bumped on every (re)connection so screens reload and events re-subscribe. */
  readonly generation: number;
}

export type ConnectionAction =
  | { readonly type: 'succeeded' }
  /** `probe`: the reconnection attempt itself failed (always counts as a new attempt). */
  | { readonly type: 'failed'; readonly error: string; readonly now: number; readonly backoff: Backoff; readonly probe?: boolean };

export const initialConnection: ConnectionState = { phase: 'connecting', attempt: 0, error: undefined, retryAt: undefined, generation: 0 };

/** Delay before attempt `attempt` (1-based): initial, doubled each time, capped at max. */
export function backoffDelay(attempt: number, backoff: Backoff): number {
  const exp = Math.min(30, Math.max(0, attempt - 1));
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** exp);
}

export function connectionReducer(state: ConnectionState, action: ConnectionAction): ConnectionState {
  switch (action.type) {
    case 'succeeded':
      if (state.phase === 'up') return state;
      return { phase: 'up', attempt: 0, error: undefined, retryAt: undefined, generation: state.generation + 1 };
    case 'failed': {
      // Several in-flight calls fail together when the daemon goes away: count that as one;
      // only the reconnection probe's own failures move the attempt on.
      if (action.probe !== true && state.phase === 'down') return state;
      const attempt = state.attempt + 1;
      return { ...state, phase: 'down', attempt, error: action.error, retryAt: action.now + backoffDelay(attempt, action.backoff) };
    }
  }
}

/** The header's outage line, or undefined while the daemon answers. */
export function outageBanner(state: ConnectionState, now: number): string | undefined {
  if (state.phase === 'up') return undefined;
  if (state.phase === 'connecting') return 'connecting to the daemon…';
  const wait = state.retryAt === undefined ? 0 : Math.max(0, Math.ceil((state.retryAt - now) / 1000));
  return `daemon unreachable — retrying${wait > 0 ? ` in ${wait} s` : ''} (attempt ${state.attempt})`;
}
