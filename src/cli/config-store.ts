// The offline CLI's view of the store: the config validator plumbed in, and the candidate (the
// document being edited, with the revision it started from) kept in the store's meta table so an
// edit survives between commands the way a router's candidate configuration does.
import { validateConfig } from '../config/validate.ts';
import type { Config } from '../config/schema.ts';
import { MAX_DOCUMENT_BYTES } from '../config/limits.ts';
import { openStore, type Store } from '../store/store.ts';
import type { StoreError } from '../store/errors.ts';
import { DEFAULT_STATE_PATH } from '../store/database.ts';
import { describe, type Problem, type Result } from '../lib/result.ts';
import { EXIT_REFUSED, type CliIo } from './io.ts';

export type ConfigStore = Store<Config>;

export interface Candidate {
  readonly base: number;
  readonly document: Config;
}

const CANDIDATE_KEY = 'cli.candidate';

export function storePath(flag: string | undefined, io: CliIo): string {
  return flag ?? io.env['V6EDGE_STORE'] ?? DEFAULT_STATE_PATH;
}

/** Opens the store as a tool (it never undoes a daemon's pending commit), or prints why not. */
export function openConfigStore(path: string, io: CliIo): ConfigStore | undefined {
  const opened = openStore<Config>({ path, validate: validateConfig, role: 'tool' });
  if (opened.ok) return opened.value;
  io.err(`v6edge: cannot open store ${path}: ${opened.error.message}`);
  return undefined;
}

/** Runs `use` on the store at `path` and closes it; EXIT_REFUSED (having said why) when it cannot be opened. */
export function withConfigStore(path: string, io: CliIo, use: (store: ConfigStore) => number): number {
  const store = openConfigStore(path, io);
  if (store === undefined) return EXIT_REFUSED;
  try {
    return use(store);
  } finally {
    store.close();
  }
}

export function readCandidate(store: ConfigStore): Candidate | undefined {
  const raw = store.getMeta(CANDIDATE_KEY) as { base?: unknown; document?: unknown } | undefined;
  if (raw === undefined || typeof raw.base !== 'number') return undefined;
  const checked = validateConfig(raw.document);
  return checked.ok ? { base: raw.base, document: checked.value } : undefined;
}

/**
 * Stores (or, with undefined, drops) the candidate; a failure says why and leaves the previous
 * candidate in place. The candidate is a whole document, so it has the document's size limit
 * (and a little room for its base revision), not the small-fact limit of other meta values.
 */
export function writeCandidate(store: ConfigStore, candidate: Candidate | undefined): Result<void, StoreError> {
  if (candidate === undefined) return store.deleteMeta(CANDIDATE_KEY);
  return store.setMeta(CANDIDATE_KEY, candidate, MAX_DOCUMENT_BYTES + CANDIDATE_WRAPPER_BYTES);
}

/** `{"base":N,"document":…}` around the document. */
const CANDIDATE_WRAPPER_BYTES = 64;

export function printProblems(io: CliIo, source: string, problems: readonly Problem[]): void {
  for (const p of problems) io.err(`${source}: ${describe(p)}`);
  io.err(`${source}: ${problems.length} error${problems.length === 1 ? '' : 's'}; nothing was changed`);
}
