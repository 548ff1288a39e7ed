// SIGINT/SIGTERM while the demo runs. The lab library answers a signal by SIGKILLing everything
// in its namespaces synchronously (test/lab/cleanup.ts), which would cut the daemon off before
// its final RAs (RFC 4861 §6.2.5: router lifetime 0, so hosts drop it as default router at once).
// This handler runs first: it SIGTERMs the daemon and waits — synchronously, as the lab's
// handler is about to run in the same emit — until it has exited, then lets the lab clean up.
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';

const GRACE_MS = 10_000;
/** SIGHUP too: a closed terminal (or a killed tmux session) must not strand the lab. */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const POLL_MS = 20;

/** Whether `pid` has exited: gone, or a zombie (our child, not reaped while we block). */
export function exited(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 3 (state) follows the command name, which may hold spaces and parentheses.
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** SIGTERMs `pid` and blocks until it exits or `graceMs` passes; true when it exited. */
export function stopSync(pid: number, graceMs = GRACE_MS): boolean {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return true;
  }
  const deadline = Date.now() + graceMs;
  while (!exited(pid)) {
    if (Date.now() > deadline) return false;
    sleepSync(POLL_MS);
  }
  return true;
}

/**
 * Until the returned function is called, SIGINT, SIGTERM and SIGHUP first stop the process `pidOf()`
 * names (if any) and then end this process with 128 + the signal number, after the other
 * listeners (the lab's teardown) have run; for SIGHUP, which the lab does not handle, the
 * lab's exit handler tears it down.
 */
export function onSignalStopFirst(pidOf: () => number | undefined): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    const pid = pidOf();
    const clean = pid === undefined || stopSync(pid);
    setImmediate(() => {
      process.stderr.write(`v6edge demo: ${signal}: ${clean ? 'daemon stopped' : 'daemon killed after the grace period'}, lab torn down\n`);
      process.exit(128 + (constants.signals[signal] ?? 0));
    });
  };
  for (const s of SIGNALS) process.prependListener(s, handler);
  return () => {
    for (const s of SIGNALS) process.removeListener(s, handler);
  };
}
