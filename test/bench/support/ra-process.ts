// Runs our RA service in a child process (ra-child.ts) and talks to it over IPC.
import { fork, type ChildProcess } from 'node:child_process';
import type { RaStatus } from '../../../src/services/ra/runner.ts';
import type { RaChildReply, RaChildRequest } from './ra-child.ts';

const CHILD = new URL('./ra-child.ts', import.meta.url).pathname;

export interface RaProcess {
  readonly pid: number;
  status(): Promise<RaStatus>;
  /** Stops the runner (no final RAs unless the config asks) and waits for the process to end. */
  stop(): Promise<void>;
}

function next(child: ChildProcess, type: RaChildReply['type'], timeoutMs: number): Promise<RaChildReply> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`RA child sent no "${type}" within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (m: RaChildReply): void => {
      if (m.type === type) done(undefined, m);
    };
    const onExit = (code: number | null): void => done(new Error(`RA child exited (${code}) before "${type}"`));
    function done(e: Error | undefined, m?: RaChildReply): void {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (e !== undefined) reject(e);
      else resolve(m!);
    }
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/**
 * Starts RaRunner on `ifname` in namespace `netns` in its own Node process; resolves once it
 * advertises. `zeroDelay` draws every random reply delay as 0 (see ra-child.ts).
 */
export async function startRaProcess(netns: string, ifname: string, config: object, zeroDelay = false): Promise<RaProcess> {
  const child = fork(CHILD, [netns, ifname, JSON.stringify(config), ...(zeroDelay ? ['zero-delay'] : [])], {
    execArgv: ['--disable-warning=ExperimentalWarning'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  if (child.pid === undefined) throw new Error('could not start the RA child process');
  const pid = child.pid;
  try {
    await next(child, 'ready', 10_000);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  const request = (m: RaChildRequest): void => void child.send(m);
  return {
    pid,
    status: async () => {
      const reply = next(child, 'status', 5000);
      request({ type: 'status' });
      const m = await reply;
      if (m.type !== 'status') throw new Error('RA child answered status with something else');
      return m.status;
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      request({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
