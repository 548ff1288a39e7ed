// `v6edge config import-radvd FILE` and `v6edge config export-radvd [IFACE]`: radvd.conf in
// and out of the store. Import maps the file onto the candidate (or the running config) and
// sets the candidate as `config import` does; export writes a revision's `ra` blocks as text
// `radvd -c` accepts.
import { configToRadvd, importRadvdText } from '../config/radvd/map.ts';
import { writeRadvdConf } from '../config/radvd/writer.ts';
import type { Config } from '../config/schema.ts';
import { diffJson, formatDiff } from '../lib/jsondiff.ts';
import { describe } from '../lib/result.ts';
import { intArg, parseArgs, stringFlag, UsageError, type Parsed } from './args.ts';
import { printProblems, readCandidate, storePath, withConfigStore, writeCandidate, type ConfigStore } from './config-store.ts';
import { EXIT_OK, EXIT_REFUSED, readInput, type CliIo } from './io.ts';

export const RADVD_USAGE = `  import-radvd FILE             map a radvd.conf onto the candidate (each interface's ra
                                block); print what it cannot express as warnings
  export-radvd [IFACE] [--rev N] [--newer]
                                print revision N's (default: running) ra blocks as
                                radvd.conf; --newer allows radvd ≥ 2.20 syntax`;

/** The verbs this module answers, for the dispatcher in main.ts. */
export const RADVD_VERBS = ['import-radvd', 'export-radvd'] as const;

const FLAGS = { store: 'string', rev: 'string', newer: 'boolean' } as const;

function importRadvd(args: Parsed, store: ConfigStore, io: CliIo): number {
  const file = args.positional[1];
  if (file === undefined) throw new UsageError('missing FILE');
  const text = readInput(file, io);
  if (text === undefined) return EXIT_REFUSED;
  const running = store.running();
  const candidate = readCandidate(store);
  // Editing continues from the candidate when there is one, as a router's candidate config does.
  const base: Config | undefined = candidate?.document ?? running?.document;
  const mapped = importRadvdText(text, base);
  if (!mapped.ok) {
    printProblems(io, file, mapped.error);
    return EXIT_REFUSED;
  }
  for (const p of mapped.value.unmapped) io.err(`${file}: warning: ${describe(p)}`);
  const document = mapped.value.config;
  writeCandidate(store, { base: candidate?.base ?? running?.number ?? 0, document });
  const entries = diffJson(running?.document ?? {}, document);
  io.out(entries.length === 0 ? '(no differences)' : formatDiff(entries));
  const left = mapped.value.unmapped.length;
  const note = left === 0 ? '' : `; ${left} setting${left === 1 ? ' was' : 's were'} left out (see the warnings)`;
  io.out(`candidate set from ${file}${note}; commit it with \`v6edge config commit --comment TEXT\``);
  return EXIT_OK;
}

function exportRadvd(args: Parsed, store: ConfigStore, io: CliIo): number {
  const rev = stringFlag(args, 'rev');
  let document: Config;
  if (rev === undefined) {
    const running = store.running();
    if (running === undefined) {
      io.err('v6edge: nothing has been committed yet');
      return EXIT_REFUSED;
    }
    document = running.document;
  } else {
    const r = store.revision(intArg(rev, '--rev N'));
    if (!r.ok) {
      io.err(`v6edge: ${r.error.message}`);
      return EXIT_REFUSED;
    }
    document = r.value.document;
  }
  const exported = configToRadvd(document, args.positional[1], { newerSyntax: args.flags['newer'] === true });
  if (!exported.ok) {
    io.err(`v6edge: ${describe(exported.error)}`);
    return EXIT_REFUSED;
  }
  for (const p of exported.value.unexpressed) io.err(`v6edge: warning: ${describe(p)}`);
  io.out(writeRadvdConf(exported.value.radvd));
  return EXIT_OK;
}

/** Runs `config import-radvd …` or `config export-radvd …`; argv starts with the verb. */
export function runRadvdConfig(argv: readonly string[], io: CliIo): number {
  const args = parseArgs(argv, FLAGS);
  const verb = args.positional[0];
  const run = verb === 'import-radvd' ? importRadvd : verb === 'export-radvd' ? exportRadvd : undefined;
  if (run === undefined) throw new UsageError(`unknown verb ${verb ?? ''}`);
  return withConfigStore(storePath(stringFlag(args, 'store'), io), io, (store) => run(args, store, io));
}
