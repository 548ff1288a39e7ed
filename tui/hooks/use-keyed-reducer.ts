// A reducer whose latest state the key handlers can read before React renders it. Ink calls the
// input handler of the last render; keys that arrive faster than renders (a quick typist, a
// loaded machine, a terminal that delivers text then Enter back to back) would otherwise act on
// a stale copy: Enter after "lan0" submitted "lan". Each dispatch runs the pure reducer at once
// on the latest state and hands the same action to React, so both always agree.
import { useCallback, useReducer, useRef } from 'react';

/**
 * `afterEach` sees the new state right after each dispatch: a screen tells the app there whether
 * it holds the keyboard, so the very next key is not read as a global one.
 */
export function useKeyedReducer<S, A>(
  reducer: (state: S, action: A) => S,
  initial: S,
  afterEach?: (state: S) => void,
): readonly [state: S, dispatch: (action: A) => void, latest: () => S] {
  const [state, dispatchReact] = useReducer(reducer, initial);
  const latestRef = useRef(initial);
  const afterRef = useRef(afterEach);
  afterRef.current = afterEach;
  const dispatch = useCallback((action: A) => {
    latestRef.current = reducer(latestRef.current, action);
    dispatchReact(action);
    afterRef.current?.(latestRef.current);
  }, [reducer]);
  const latest = useCallback(() => latestRef.current, []);
  return [state, dispatch, latest] as const;
}
