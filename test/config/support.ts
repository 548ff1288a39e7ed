// Shared by the config tests: a mutable copy of the demo document and a problem finder.
import { DEMO_CONFIG } from '../../src/config/defaults.ts';
import type { Problem } from '../../src/lib/result.ts';

// The tests poke at arbitrary fields, including wrong types, so the document is untyped here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Doc = any;

export function demoDoc(): Doc {
  return structuredClone(DEMO_CONFIG);
}

export function pathOf(p: Problem): string | undefined {
  return p.where !== undefined && 'path' in p.where ? p.where.path : undefined;
}

export function summary(problems: readonly Problem[]): string[] {
  return problems.map((p) => `${p.code} @ ${pathOf(p) ?? JSON.stringify(p.where)}`);
}
