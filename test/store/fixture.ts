// Shared by the store tests: a throwaway directory per test and a small validator standing in for
// the config schema (the store is generic over it).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { err, ok, problem, unwrap, type Problem, type Result } from '../../src/lib/result.ts';
import { openStore, type OpenStoreOptions, type Store } from '../../src/store/store.ts';

export interface TestDoc {
  readonly hostname: string;
  readonly interfaces: Record<string, { readonly mtu: number; readonly prefixes?: string[] }>;
}

/** Accepts `{ hostname: string, interfaces: { NAME: { mtu: 1280..65535, prefixes? } } }`. */
export function validateTestDoc(doc: unknown): Result<TestDoc, Problem[]> {
  const problems: Problem[] = [];
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return err([problem('type', 'The document must be an object.', { path: '' })]);
  }
  const d = doc as Record<string, unknown>;
  if (typeof d['hostname'] !== 'string') problems.push(problem('type', 'hostname must be a string.', { path: 'hostname' }));
  const ifaces = d['interfaces'];
  if (typeof ifaces !== 'object' || ifaces === null) {
    problems.push(problem('type', 'interfaces must be an object.', { path: 'interfaces' }));
  } else {
    for (const [name, v] of Object.entries(ifaces)) {
      const mtu = (v as { mtu?: unknown } | null)?.mtu;
      if (typeof mtu !== 'number' || mtu < 1280 || mtu > 65535) {
        problems.push(problem('range', 'mtu must be 1280–65535 (RFC 8200 §5).', { path: `interfaces.${name}.mtu` }));
      }
    }
  }
  return problems.length === 0 ? ok(doc as TestDoc) : err(problems);
}

export function doc(hostname: string, mtu = 1500): TestDoc {
  return { hostname, interfaces: { lan0: { mtu } } };
}

export interface TempDir {
  readonly dir: string;
  readonly path: string;
  readonly remove: () => void;
}

export function tempDir(): TempDir {
  const dir = mkdtempSync(join(tmpdir(), 'v6t-store-'));
  return { dir, path: join(dir, 'state.db'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A clock the test moves by hand. */
export function manualClock(start = 1_700_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

export function open(
  path: string,
  extra: Partial<OpenStoreOptions<TestDoc>> = {},
): Store<TestDoc> {
  return unwrap(openStore<TestDoc>({ path, validate: validateTestDoc, ...extra }));
}

/**
 * The document the crash child commits as revision `n`: large enough to span several database
 * pages, and fully determined by `n`, so a torn or misplaced write cannot go unnoticed.
 */
export function crashDocument(n: number): TestDoc {
  const prefixes = Array.from({ length: 60 + (n % 40) }, (_, i) => `2001:db8:${n.toString(16)}:${i.toString(16)}::/64`);
  return { hostname: `commit-${n}`, interfaces: { lan0: { mtu: 1280 + n, prefixes }, lan1: { mtu: 1500 } } };
}
