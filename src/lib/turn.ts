// A turn of the event loop, for long work that must let the rest of the process run.

/** Lets the event loop run its pending I/O (timers, sockets, child processes) before going on. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
