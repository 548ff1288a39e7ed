// `v6edge config …` when a daemon runs: the verbs go through its API so the daemon applies
// them live (an offline commit would change the store behind the daemon's back). Rule: without
// --store, when the API socket exists and answers, edit/import/show/diff/commit/confirm/rollback/
// history use the API; with --store, or when no daemon answers, the offline verbs run on the file.
// `config edit` needs the daemon.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { ApiError } from '../api/types.ts';
import type { HttpApiClient } from '../api/client.ts';
import type { Config } from '../config/schema.ts';
import { configToYaml, parseConfigYaml } from '../config/yaml.ts';
import { diffJson, formatDiff } from '../lib/jsondiff.ts';
import { intArg, parseArgs, stringFlag, UsageError, type Parsed } from './args.ts';
import { apiClient, confirmVerb, diffVerb, historyVerb, printApiError, rollbackVerb, socketPath } from './api-commands.ts';
import { printProblems } from './config-store.ts';
import { EXIT_OK, EXIT_REFUSED, type CliIo } from './io.ts';

export const CONFIG_API_USAGE = `  edit [--yes]                  (daemon) open the candidate in $EDITOR as YAML, validate,
                                show the diff, and save it after a y/n question
  with a daemon running, the other verbs go through its API unless --store is given`;

const FLAGS = {
  store: 'string',
  socket: 'string',
  candidate: 'boolean',
  rev: 'string',
  comment: 'string',
  author: 'string',
  confirm: 'string',
  limit: 'string',
  yes: 'boolean',
} as const;

type Verb = (args: Parsed, c: HttpApiClient, io: CliIo) => Promise<number>;

/** Asks on the terminal; anything but y/yes is no. */
async function askYes(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/** Runs $EDITOR (or vi) on `text`; returns the edited text, or undefined when the editor failed. */
function runEditor(io: CliIo, text: string): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'v6edge-edit-'));
  const file = join(dir, 'candidate.yaml');
  writeFileSync(file, text, { mode: 0o600 });
  try {
    const editor = io.env['VISUAL'] ?? io.env['EDITOR'] ?? 'vi';
    // Through the shell, so EDITOR may carry arguments ("code --wait").
    const r = spawnSync('/bin/sh', ['-c', `${editor} "$1"`, 'sh', file], { stdio: 'inherit', env: { ...process.env, ...io.env } });
    if (r.status !== 0) {
      io.err(`v6edge: the editor (${editor}) exited with ${r.status ?? r.signal}; nothing was changed`);
      return undefined;
    }
    return readFileSync(file, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const verbs: Record<string, Verb> = {
  async edit(args, c, io) {
    const candidate = await c.candidate();
    const edited = runEditor(io, configToYaml(candidate.document as Config));
    if (edited === undefined) return EXIT_REFUSED;
    const parsed = parseConfigYaml(edited);
    if (!parsed.ok) {
      printProblems(io, 'candidate.yaml', parsed.error);
      return EXIT_REFUSED;
    }
    const changes = diffJson(candidate.document, parsed.value);
    if (changes.length === 0) {
      io.out('(no changes)');
      return EXIT_OK;
    }
    io.out(formatDiff(changes));
    if (args.flags['yes'] !== true && !(await askYes('Save these changes to the candidate?'))) {
      io.out('nothing was changed');
      return EXIT_OK;
    }
    await c.putCandidate(parsed.value);
    io.out('candidate saved; commit it with `v6edge config commit`');
    return EXIT_OK;
  },

  async import(args, c, io) {
    const file = args.positional[1];
    if (file === undefined) throw new UsageError('missing FILE');
    const parsed = parseConfigYaml(io.readFile(file));
    if (!parsed.ok) {
      printProblems(io, file, parsed.error);
      return EXIT_REFUSED;
    }
    const candidate = await c.putCandidate(parsed.value);
    io.out(candidate.diff.length === 0 ? '(no differences)' : formatDiff(candidate.diff));
    io.out(`candidate set (based on revision ${candidate.base}); commit it with \`v6edge config commit\``);
    return EXIT_OK;
  },

  async show(_args, c, io) {
    io.out(configToYaml((await c.candidate()).document as Config));
    return EXIT_OK;
  },

  async commit(args, c, io) {
    if (args.positional[1] !== undefined) {
      const parsed = parseConfigYaml(io.readFile(args.positional[1]));
      if (!parsed.ok) {
        printProblems(io, args.positional[1], parsed.error);
        return EXIT_REFUSED;
      }
      await c.putCandidate(parsed.value);
    }
    const confirm = stringFlag(args, 'confirm');
    const rev = await c.commit({
      comment: stringFlag(args, 'comment') ?? 'committed with v6edge config commit',
      ...(confirm === undefined ? {} : { confirmSeconds: intArg(confirm, '--confirm MINUTES') * 60 }),
    });
    io.out(
      rev.confirmDeadline === undefined
        ? `committed revision ${rev.number}`
        : `committed revision ${rev.number}; confirm before ${new Date(rev.confirmDeadline).toISOString()} with \`v6edge confirm\` or it rolls back`,
    );
    return EXIT_OK;
  },

  confirm: confirmVerb,
  rollback: rollbackVerb,
  diff: diffVerb,
  history: historyVerb,
};

/**
 * Runs a `config` verb through the daemon when that is the rule above; undefined means "run it
 * offline". `validate`, `export` and `show` of running always run offline, read-only.
 */
export async function runConfigThroughApi(argv: readonly string[], io: CliIo): Promise<number | undefined> {
  const args = parseArgs(argv, FLAGS);
  const name = args.positional[0];
  const verb = name === undefined ? undefined : verbs[name];
  // Showing running works on the file, read-only; the daemon holds the candidate.
  const offlineShow = name === 'show' && args.flags['candidate'] !== true;
  if (verb === undefined || offlineShow || args.flags['store'] !== undefined) {
    if (name === 'edit') throw new UsageError('config edit works through the daemon; drop --store');
    return undefined;
  }
  if (name !== 'edit' && !existsSync(socketPath(args, io))) return undefined;
  try {
    return await verb(args, apiClient(args, io), io);
  } catch (e) {
    if (e instanceof ApiError && e.status === 0 && name !== 'edit') return undefined;
    return printApiError(io, e);
  }
}
