// `v6edge config …`: validate, import, show, export, diff, commit, confirm, rollback, history —
// offline, on the store file, until a daemon serves the same verbs over its API.
import { parseConfigYaml, configToYaml } from '../config/yaml.ts';
import type { Config } from '../config/schema.ts';
import { diffJson, formatDiff } from '../lib/jsondiff.ts';
import { describe } from '../lib/result.ts';
import { intArg, parseArgs, stringFlag, UsageError, type Parsed } from './args.ts';
import { EXIT_OK, EXIT_REFUSED, readInput, type CliIo } from './io.ts';
import {
  printProblems,
  readCandidate,
  storePath,
  withConfigStore,
  writeCandidate,
  type ConfigStore,
} from './config-store.ts';

export const CONFIG_USAGE = `usage: v6edge config <verb> [--store PATH]
  validate FILE                 check a YAML config; print every error with its path
  import FILE                   make FILE the candidate and show how it differs from running
  show [--candidate]            print the running (or candidate) config as YAML
  export [--rev N]              print revision N (default: running) as YAML
  diff [A B]                    diff two revisions (numbers, 'running' or 'candidate');
                                default: running against candidate
  commit [FILE] --comment TEXT [--author NAME] [--confirm MINUTES]
                                commit the candidate (or FILE); with --confirm, roll back
                                unless 'config confirm' follows in time
  confirm                       keep the commit awaiting confirmation
  rollback N [--comment TEXT]   make revision N's config running again, as a new revision
  history [--limit N]           list revisions, newest first`;

const FLAGS = {
  store: 'string',
  candidate: 'boolean',
  rev: 'string',
  comment: 'string',
  author: 'string',
  confirm: 'string',
  limit: 'string',
} as const;

type Verb = (args: Parsed, store: ConfigStore, io: CliIo) => number;

function loadYaml(path: string, io: CliIo): Config | undefined {
  const text = readInput(path, io);
  if (text === undefined) return undefined;
  const parsed = parseConfigYaml(text);
  if (parsed.ok) return parsed.value;
  printProblems(io, path, parsed.error);
  return undefined;
}

function needArg(args: Parsed, index: number, what: string): string {
  const v = args.positional[index];
  if (v === undefined) throw new UsageError(`missing ${what}`);
  return v;
}

function documentOf(store: ConfigStore, ref: string, io: CliIo): Config | undefined {
  if (ref === 'candidate') {
    const c = readCandidate(store);
    if (c === undefined) io.err('v6edge: there is no candidate; use `config import FILE` first');
    return c?.document;
  }
  if (ref === 'running') {
    const r = store.running();
    if (r === undefined) io.err('v6edge: nothing has been committed yet');
    return r?.document;
  }
  const rev = store.revision(intArg(ref, 'a revision'));
  if (!rev.ok) io.err(`v6edge: ${rev.error.message}`);
  return rev.ok ? rev.value.document : undefined;
}

function printDiff(io: CliIo, before: unknown, after: unknown): void {
  const entries = diffJson(before, after);
  io.out(entries.length === 0 ? '(no differences)' : formatDiff(entries));
}

const verbs: Record<string, Verb> = {
  import(args, store, io) {
    const doc = loadYaml(needArg(args, 1, 'FILE'), io);
    if (doc === undefined) return EXIT_REFUSED;
    const running = store.running();
    const stored = writeCandidate(store, { base: running?.number ?? 0, document: doc });
    if (!stored.ok) {
      io.err(`v6edge: ${stored.error.message}`);
      return EXIT_REFUSED;
    }
    printDiff(io, running?.document ?? {}, doc);
    io.out(`candidate set (based on revision ${running?.number ?? 0}); commit it with \`v6edge config commit --comment TEXT\``);
    return EXIT_OK;
  },

  show(args, store, io) {
    const doc = documentOf(store, args.flags['candidate'] === true ? 'candidate' : 'running', io);
    if (doc === undefined) return EXIT_REFUSED;
    io.out(configToYaml(doc));
    return EXIT_OK;
  },

  export(args, store, io) {
    const doc = documentOf(store, stringFlag(args, 'rev') ?? 'running', io);
    if (doc === undefined) return EXIT_REFUSED;
    io.out(configToYaml(doc));
    return EXIT_OK;
  },

  diff(args, store, io) {
    const a = args.positional[1] ?? 'running';
    const b = args.positional[2] ?? 'candidate';
    const before = documentOf(store, a, io);
    const after = documentOf(store, b, io);
    if (before === undefined || after === undefined) return EXIT_REFUSED;
    printDiff(io, before, after);
    return EXIT_OK;
  },

  commit(args, store, io) {
    const comment = stringFlag(args, 'comment');
    if (comment === undefined) throw new UsageError('commit needs --comment TEXT');
    const file = args.positional[1];
    const candidate = file === undefined ? readCandidate(store) : undefined;
    const document = file === undefined ? candidate?.document : loadYaml(file, io);
    if (document === undefined) {
      if (file === undefined) io.err('v6edge: there is no candidate; use `config import FILE` or `config commit FILE`');
      return EXIT_REFUSED;
    }
    const confirm = stringFlag(args, 'confirm');
    const result = store.commit({
      document,
      base: candidate?.base ?? store.running()?.number ?? 0,
      author: stringFlag(args, 'author') ?? io.env['USER'] ?? 'cli',
      comment,
      ...(confirm === undefined ? {} : { confirmWithinSeconds: intArg(confirm, '--confirm MINUTES') * 60 }),
    });
    if (!result.ok) {
      if (result.error.problems) printProblems(io, 'commit', result.error.problems);
      else io.err(`v6edge: commit refused: ${describe(result.error)}`);
      return EXIT_REFUSED;
    }
    if (file === undefined) writeCandidate(store, undefined);
    const rev = result.value;
    io.out(
      rev.confirmDeadline === undefined
        ? `committed revision ${rev.number}`
        : `committed revision ${rev.number}; confirm before ${new Date(rev.confirmDeadline).toISOString()} or it rolls back`,
    );
    return EXIT_OK;
  },

  confirm(_args, store, io) {
    const result = store.confirm();
    if (!result.ok) {
      io.err(`v6edge: ${result.error.message}`);
      return EXIT_REFUSED;
    }
    io.out(`revision ${result.value.number} confirmed`);
    return EXIT_OK;
  },

  rollback(args, store, io) {
    const n = intArg(needArg(args, 1, 'revision N'), 'revision N');
    const result = store.rollback(n, {
      author: stringFlag(args, 'author') ?? io.env['USER'] ?? 'cli',
      comment: stringFlag(args, 'comment') ?? `rollback to revision ${n}`,
    });
    if (!result.ok) {
      io.err(`v6edge: rollback refused: ${describe(result.error)}`);
      return EXIT_REFUSED;
    }
    io.out(`revision ${result.value.number} now runs the config of revision ${n}`);
    return EXIT_OK;
  },

  history(args, store, io) {
    const limitFlag = stringFlag(args, 'limit');
    const rows = store.history({ limit: limitFlag === undefined ? 20 : intArg(limitFlag, '--limit') });
    const running = store.running()?.number;
    if (rows.length === 0) io.out('(no revisions)');
    for (const r of rows) {
      const mark = r.number === running ? '*' : ' ';
      io.out(`${mark}${String(r.number).padStart(5)}  ${new Date(r.time).toISOString()}  ${r.state.padEnd(11)}  ${r.author}: ${r.comment}`);
    }
    return EXIT_OK;
  },
};

export function runConfig(argv: readonly string[], io: CliIo): number {
  const args = parseArgs(argv, FLAGS);
  const verb = args.positional[0];
  if (verb === 'validate') {
    const file = needArg(args, 1, 'FILE');
    const doc = loadYaml(file, io);
    if (doc !== undefined) io.out(`${file}: valid`);
    return doc === undefined ? EXIT_REFUSED : EXIT_OK;
  }
  const run = verb === undefined ? undefined : verbs[verb];
  if (run === undefined) throw new UsageError(verb === undefined ? 'missing verb' : `unknown verb ${verb}`);
  return withConfigStore(storePath(stringFlag(args, 'store'), io), io, (store) => run(args, store, io));
}
