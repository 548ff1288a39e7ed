// systemd readiness and watchdog (sd_notify(3)). Node's dgram cannot send to the Unix datagram
// socket in $NOTIFY_SOCKET, so each message goes through `systemd-notify`, which waits until the
// manager has processed it (so the short-lived sender is still attributed to our unit); the unit
// sets NotifyAccess=all for that reason. Without $NOTIFY_SOCKET every call does nothing.
import { execFile } from 'node:child_process';

/** Sends one notification (`READY=1`, `WATCHDOG=1`, `STATUS=…`); resolves with an error text or undefined. */
export type NotifySend = (assignments: readonly string[]) => Promise<string | undefined>;

export function systemdNotifySend(env: Readonly<Record<string, string | undefined>>): NotifySend {
  return (assignments) =>
    new Promise((resolve) => {
      execFile('systemd-notify', [...assignments], { env: { ...process.env, ...env }, timeout: 5000 }, (e, _out, stderr) => {
        resolve(e === null ? undefined : `systemd-notify ${assignments.join(' ')} failed: ${String(stderr).trim() || e.message}`);
      });
    });
}

export interface NotifierOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly pid?: number;
  readonly send?: NotifySend;
  readonly onError?: (message: string) => void;
}

export class SystemdNotifier {
  readonly #enabled: boolean;
  readonly #watchdogMs: number | undefined;
  readonly #send: NotifySend;
  readonly #onError: (message: string) => void;
  #timer: NodeJS.Timeout | undefined;

  constructor(o: NotifierOptions) {
    const socket = o.env['NOTIFY_SOCKET'];
    this.#enabled = socket !== undefined && socket !== '';
    this.#send = o.send ?? systemdNotifySend({ NOTIFY_SOCKET: socket });
    this.#onError = o.onError ?? (() => undefined);
    this.#watchdogMs = watchdogInterval(o.env, o.pid ?? process.pid);
  }

  get enabled(): boolean {
    return this.#enabled;
  }

  /** Half of WATCHDOG_USEC in ms (sd_watchdog_enabled(3) advice), when the watchdog is ours. */
  get watchdogMs(): number | undefined {
    return this.#enabled ? this.#watchdogMs : undefined;
  }

  async notify(...assignments: string[]): Promise<void> {
    if (!this.#enabled) return;
    const failed = await this.#send(assignments);
    if (failed !== undefined) this.#onError(failed);
  }

  /** READY=1, then WATCHDOG=1 every half watchdog period while `healthy()` says so. */
  async ready(status: string, healthy: () => boolean = () => true): Promise<void> {
    await this.notify('READY=1', `STATUS=${status}`);
    const every = this.watchdogMs;
    if (every === undefined) return;
    this.#timer = setInterval(() => {
      // A wedged daemon must stop petting the watchdog so systemd restarts it.
      if (healthy()) void this.notify('WATCHDOG=1');
    }, every);
    this.#timer.unref();
  }

  async stopping(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.notify('STOPPING=1');
  }
}

/** The watchdog ping interval from WATCHDOG_USEC/WATCHDOG_PID, or undefined when not asked for us. */
export function watchdogInterval(env: Readonly<Record<string, string | undefined>>, pid: number): number | undefined {
  const usec = Number(env['WATCHDOG_USEC']);
  if (!Number.isInteger(usec) || usec <= 0) return undefined;
  const forPid = env['WATCHDOG_PID'];
  if (forPid !== undefined && forPid !== '' && Number(forPid) !== pid) return undefined;
  return Math.max(1, Math.floor(usec / 2000));
}
