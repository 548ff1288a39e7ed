// Runs CLI commands in-process with captured output.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import type { CliIo } from '../../src/cli/io.ts';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'v6edge-cli-'));
}

export async function cli(argv: readonly string[], files: Record<string, string> = {}): Promise<CliRun> {
  let out = '';
  let err = '';
  const io: CliIo = {
    out: (t) => (out += t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => (err += t.endsWith('\n') ? t : `${t}\n`),
    readFile: (p) => files[p] ?? readFileSync(p, 'utf8'),
    env: { USER: 'tester' },
  };
  const code = await main(argv, io);
  return { code, out, err };
}
