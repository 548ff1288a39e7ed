// Runs a program to completion and hands back what it printed; the lab's only way to touch the system.
import { spawn } from 'node:child_process';

export interface ExecOptions {
  /** Kill the program (SIGKILL) after this long; default 30 s. */
  readonly timeoutMs?: number;
  /** Written to the program's stdin, which is then closed. */
  readonly input?: string;
  /** Throw when the exit code is not 0 (default true). */
  readonly check?: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

export interface ExecResult {
  /** Exit code, or null when a signal ended the program (a timeout, for instance). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A program that failed; the message carries the command line and what it said on stderr. */
export class ExecError extends Error {
  readonly argv: readonly string[];
  readonly result: ExecResult;
  constructor(argv: readonly string[], result: ExecResult, why: string) {
    const said = result.stderr.trim() || result.stdout.trim();
    super(`${argv.join(' ')}: ${why}${said === '' ? '' : `\n${said}`}`);
    this.name = 'ExecError';
    this.argv = argv;
    this.result = result;
  }
}

export function run(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(new Error('run: empty argv'));
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env });
    const out: Buffer[] = [];
    const errs: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => errs.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${argv.join(' ')}: ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const result = { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(errs).toString() };
      if (timedOut) reject(new ExecError(argv, result, `timed out after ${timeoutMs} ms`));
      else if (code !== 0 && options.check !== false) reject(new ExecError(argv, result, `exited with code ${code}`));
      else resolve(result);
    });
    // A program that exits without reading its input must not crash us with EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** argv that runs `argv` inside network namespace `ns`. */
export function inNamespace(ns: string, argv: readonly string[]): string[] {
  return ['ip', 'netns', 'exec', ns, ...argv];
}
