// A long-running program in a namespace (radvd, a DHCP client, tshark), logging to a file.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inNamespace } from './exec.ts';
import { StopWaiting, waitFor } from './wait.ts';

export interface PeerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface StopOptions {
  /** First signal; default SIGTERM (tshark prefers SIGINT). */
  readonly signal?: NodeJS.Signals;
  /** SIGKILL after this long; default 3000 ms. */
  readonly graceMs?: number;
}

export class Peer {
  readonly name: string;
  readonly pid: number;
  /** stdout and stderr, interleaved as written. */
  readonly logPath: string;
  /** Settles when the program ends, however it ends; never rejects. */
  readonly exited: Promise<PeerExit>;
  #exit: PeerExit | undefined;

  constructor(name: string, ns: string, argv: readonly string[], logDir: string, env?: NodeJS.ProcessEnv) {
    this.name = name;
    this.logPath = join(logDir, `${name}.log`);
    const fd = openSync(this.logPath, 'a');
    const full = inNamespace(ns, argv);
    // `ip netns exec` execs the program, so this pid is the program's own and signals reach it.
    const child = spawn(full[0] ?? 'ip', full.slice(1), { stdio: ['ignore', fd, fd], env: env ?? process.env });
    closeSync(fd);
    if (child.pid === undefined) throw new Error(`could not start ${argv.join(' ')}`);
    this.pid = child.pid;
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.#exit = { code, signal };
        resolve(this.#exit);
      });
      child.on('error', () => {
        this.#exit = { code: null, signal: null };
        resolve(this.#exit);
      });
    });
  }

  get running(): boolean {
    return this.#exit === undefined;
  }

  /** Everything the program has printed so far. */
  output(): string {
    try {
      return readFileSync(this.logPath, 'utf8');
    } catch {
      return '';
    }
  }

  /** Waits until the log contains `pattern` (e.g. a readiness line); fails early if the program exits. */
  async waitForOutput(pattern: RegExp | string, timeoutMs = 5000): Promise<string> {
    return waitFor(
      () => {
        const text = this.output();
        const hit = typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text);
        if (hit) return text;
        if (!this.running) throw new StopWaiting(`${this.name} exited (${JSON.stringify(this.#exit)}) before printing ${String(pattern)}:\n${text}`);
        return undefined;
      },
      { timeoutMs, what: `${this.name} to print ${String(pattern)} (log ${this.logPath})` },
    );
  }

  /** Signals the program, then SIGKILLs it if it outlives the grace period. Idempotent. */
  async stop(options: StopOptions = {}): Promise<PeerExit> {
    if (this.#exit !== undefined) return this.#exit;
    this.#signal(options.signal ?? 'SIGTERM');
    const grace = options.graceMs ?? 3000;
    let timer: NodeJS.Timeout | undefined;
    const killed = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.#signal('SIGKILL');
        resolve();
      }, grace);
    });
    await Promise.race([this.exited, killed]);
    clearTimeout(timer);
    return this.exited;
  }

  /** Synchronous last resort for process exit handlers. */
  killSync(): void {
    if (this.#exit === undefined) this.#signal('SIGKILL');
  }

  #signal(signal: NodeJS.Signals): void {
    try {
      process.kill(this.pid, signal);
    } catch {
      // Already gone; `exited` settles on its own.
    }
  }
}
