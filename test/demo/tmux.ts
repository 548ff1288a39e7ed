// A program in a detached tmux session, driven like an operator at a terminal: keys in with
// `send-keys`, the screen out with `capture-pane`. Used by the demo's end-to-end test and bench.
import { execFileSync } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';

export class TmuxSession {
  readonly name: string;

  /** Starts `command` (a shell command line) in a new detached session of the given size. */
  constructor(name: string, command: string, size: { columns: number; rows: number }) {
    this.name = name;
    execFileSync('tmux', ['new-session', '-d', '-s', name, '-x', String(size.columns), '-y', String(size.rows), command]);
  }

  /** Whether the session still exists (it ends when its command exits). */
  alive(): boolean {
    try {
      execFileSync('tmux', ['has-session', '-t', this.name], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  }

  /** The visible screen, or with `history` also up to that many lines scrolled off above it. */
  screen(history = 0): string {
    const range = history > 0 ? ['-S', String(-history)] : [];
    try {
      return execFileSync('tmux', ['capture-pane', '-p', '-t', this.name, ...range], { encoding: 'utf8' });
    } catch {
      return '';
    }
  }

  /** The pid of the pane's process (the command itself when it was started with `exec`). */
  panePid(): number {
    return Number(execFileSync('tmux', ['display-message', '-p', '-t', this.name, '#{pane_pid}'], { encoding: 'utf8' }).trim());
  }

  /** Named keys (`Enter`, `Tab`, `Escape`) or single characters, each sent as a key press. */
  keys(...keys: string[]): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, ...keys]);
  }

  /** Literal text, typed character by character. */
  type(text: string): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, '-l', text]);
  }

  /** Polls the screen until `check` returns a value; the timeout error shows the last screen. */
  async waitFor<T>(check: (screen: string) => T | undefined | false, what: string, timeoutMs = 30_000, history = 0): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      last = this.screen(history);
      const hit = check(last);
      if (hit !== undefined && hit !== false) return hit;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; screen:\n${last}`);
      await delay(50);
    }
  }

  /** Polls until the session has ended. */
  async waitForExit(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.alive()) {
      if (Date.now() > deadline) throw new Error(`tmux session ${this.name} still running after ${timeoutMs} ms; screen:\n${this.screen()}`);
      await delay(100);
    }
  }

  kill(): void {
    try {
      execFileSync('tmux', ['kill-session', '-t', this.name], { stdio: 'ignore' });
    } catch {
      // Already gone.
    }
  }
}

export function tmuxMissing(): string | undefined {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'tmux is not installed';
  }
}
