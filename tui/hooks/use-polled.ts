// Loads a value from the API when the screen opens, when the daemon comes back, when `deps`
// change, on `reload()`, and every `refreshMs` after that.
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, type ApiClient } from '../../src/api/types.ts';
import type { Session } from './session.ts';

export interface Polled<T> {
  readonly data: T | undefined;
  /** The daemon's refusal, when it answered with one. */
  readonly error: string | undefined;
  readonly reload: () => void;
}

export function usePolled<T>(session: Session, fetch: (client: ApiClient) => Promise<T>, deps: readonly unknown[] = []): Polled<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [tick, setTick] = useState(0);
  const latest = useRef(fetch);
  latest.current = fetch;
  const { client, up, generation, refreshMs, failed } = session;

  useEffect(() => {
    if (!up) return undefined;
    let live = true;
    const load = (): void => {
      latest.current(client).then(
        (value) => {
          if (!live) return;
          setData(value);
          setError(undefined);
        },
        (e: unknown) => {
          if (!live) return;
          if (e instanceof ApiError) setError(e.message);
          else failed(e);
        },
      );
    };
    load();
    const timer = setInterval(load, refreshMs);
    return () => {
      live = false;
      clearInterval(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, up, generation, refreshMs, failed, tick, ...deps]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, reload };
}

/** Re-renders every `ms` so countdowns move. */
export function useTicker(ms: number): void {
  const [, setN] = useState(0);
  useEffect(() => {
    const t = setInterval(() => setN((n) => n + 1), ms);
    return () => clearInterval(t);
  }, [ms]);
}
