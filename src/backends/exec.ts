// Runs a system program to completion, optionally inside a network namespace; the only way the
// kernel and nft backends touch the system.
import { spawn } from 'node:child_process';

export interface ExecResult {
  /** Exit code, or null when a signal ended the program (a timeout, for instance). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Killed (SIGKILL) because it outlived its time limit. */
  readonly timedOut: boolean;
}

/** argv run inside namespace `netns` when given (`ip netns exec` enters it for any program). */
export function inNetns(netns: string | undefined, argv: readonly string[]): string[] {
  return netns === undefined ? [...argv] : ['ip', 'netns', 'exec', netns, ...argv];
}

/**
 * Runs `argv` with `input` on stdin, killed after `timeoutMs`; never rejects for a non-zero exit
 * or a timeout (callers read `code` and `timedOut`), only when the program cannot be started.
 */
export function execute(argv: readonly string[], input = '', timeoutMs = 30_000, env: NodeJS.ProcessEnv = process.env): Promise<ExecResult> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(new Error('execute: empty argv'));
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
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
      resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(errs).toString(), timedOut });
    });
    // A program that exits without reading its input must not crash us with EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}
