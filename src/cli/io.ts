// What a command may touch besides its arguments, so tests run commands in-process.
import { readFileSync } from 'node:fs';

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly readFile: (path: string) => string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  readFile: (path) => readFileSync(path === '-' ? 0 : path, 'utf8'),
  env: process.env,
};

/** Exit statuses: 0 done, 1 input refused (errors printed with their paths), 2 usage. */
export const EXIT_OK = 0;
export const EXIT_REFUSED = 1;
export const EXIT_USAGE = 2;

/** The text of `path` (`-` is standard input), or undefined after saying why it could not be read. */
export function readInput(path: string, io: CliIo): string | undefined {
  try {
    return io.readFile(path);
  } catch (e) {
    io.err(`v6edge: cannot read ${path}: ${(e as Error).message}`);
    return undefined;
  }
}
