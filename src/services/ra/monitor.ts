// Change events for one interface from `ip monitor address link dev IF`: the kernel's rtnetlink
// notifications (new or deleted address, a tentative address passing DAD, link flags or MAC
// changing), so the RA service re-reads its facts when something happened instead of polling.
//
// iproute2 6.1 accepts `-json` before `monitor` but still prints text, so the output is not parsed:
// any line is only a signal to re-read, and the re-read (`ip -json addr show`) is the truth. Its
// `dev` filter keeps other interfaces' events out.
import { spawn, type ChildProcess } from 'node:child_process';

export interface InterfaceWatch {
  /** The running monitor's pid; undefined while it is being restarted or after close. */
  readonly pid: number | undefined;
  /** Stops watching: kills the monitor and resolves once it has exited. */
  close(): Promise<void>;
}

export interface WatchOptions {
  readonly ifname: string;
  /** A name under /run/netns; the monitor then runs inside it (`ip -n`). */
  readonly netns?: string;
  readonly onChange: () => void;
  /** Delay before restarting a monitor that exited on its own (interface gone, ip killed); default 5000 ms. */
  readonly restartMs?: number;
}

/** How long a monitor gets to exit after SIGTERM before SIGKILL. */
const KILL_GRACE_MS = 2000;

export function watchInterface(options: WatchOptions): InterfaceWatch {
  const argv = [...(options.netns === undefined ? [] : ['-n', options.netns]), 'monitor', 'address', 'link', 'dev', options.ifname];
  let child: ChildProcess | undefined;
  let restart: NodeJS.Timeout | undefined;
  let closed = false;

  const launch = (): void => {
    const c = spawn('ip', argv, { stdio: ['ignore', 'pipe', 'ignore'] });
    child = c;
    c.stdout?.on('data', () => {
      if (!closed) options.onChange();
    });
    let ended = false;
    const onEnd = (): void => {
      if (ended) return;
      ended = true;
      if (child === c) child = undefined;
      if (closed) return;
      // Events were missed while no monitor ran: re-read once it is back.
      restart = setTimeout(() => {
        restart = undefined;
        if (closed) return;
        launch();
        options.onChange();
      }, options.restartMs ?? 5000);
    };
    c.on('error', onEnd);
    c.on('exit', onEnd);
  };
  launch();

  return {
    get pid() {
      return child?.pid;
    },
    async close() {
      closed = true;
      if (restart !== undefined) clearTimeout(restart);
      restart = undefined;
      const c = child;
      child = undefined;
      if (c === undefined || c.exitCode !== null || c.signalCode !== null || c.pid === undefined) return;
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => c.kill('SIGKILL'), KILL_GRACE_MS);
        c.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        c.kill('SIGTERM');
      });
    },
  };
}
