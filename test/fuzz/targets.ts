// Every codec's fuzz target, found by file name so a new codec only adds a file.
import { readdirSync } from 'node:fs';
import type { FuzzTarget } from './target.ts';

export async function loadTargets(): Promise<FuzzTarget[]> {
  const dir = new URL('./targets/', import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts')).sort();
  const targets: FuzzTarget[] = [];
  for (const f of files) {
    const mod = (await import(new URL(f, dir).href)) as { target: FuzzTarget };
    targets.push(mod.target);
  }
  return targets;
}
