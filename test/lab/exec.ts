// Runs a program to completion (through the backends' runner) and hands back what it printed; the lab's only way to touch the system.
import { execute, type ExecResult } from '../../src/backends/exec.ts';

export interface ExecOptions {
  /** Kill the program (SIGKILL) after this long; default 30 s. */
  readonly timeoutMs?: number;
  /** Written to the program's stdin, which is then closed. */
  readonly input?: string;
  /** Throw when the exit code is not 0 (default true). */
  readonly check?: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

export type { ExecResult } from '../../src/backends/exec.ts';

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

/** `execute` from the backends, with the lab's habit: a non-zero exit or a timeout throws ExecError (unless `check: false`). */
export async function run(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const result = await execute(argv, options.input ?? '', timeoutMs, options.env ?? process.env);
  if (result.timedOut) throw new ExecError(argv, result, `timed out after ${timeoutMs} ms`);
  if (result.code !== 0 && options.check !== false) throw new ExecError(argv, result, `exited with code ${result.code}`);
  return result;
}

/** argv that runs `argv` inside network namespace `ns`. */
export function inNamespace(ns: string, argv: readonly string[]): string[] {
  return ['ip', 'netns', 'exec', ns, ...argv];
}
