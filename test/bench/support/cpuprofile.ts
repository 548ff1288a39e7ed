// Reads a V8 .cpuprofile (what `node --cpu-prof` writes) into the few lines a results file can
// hold: the functions with the most self time, and where they live.

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
}

export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
}

export interface HotFunction {
  /** `name (file:line)`, with the file relative to the repository when it is ours. */
  readonly where: string;
  /** Percent of all samples taken while this function itself was running. */
  readonly selfPercent: number;
}

/** Shortens `file:///work/main/src/x.ts` to `src/x.ts`; node internals keep their `node:` names. */
export function shortUrl(url: string, root: string): string {
  const plain = url.startsWith('file://') ? url.slice('file://'.length) : url;
  return plain.startsWith(root) ? plain.slice(root.length).replace(/^\//, '') : plain;
}

/** The `limit` functions with the most self samples; V8 splits one function over many nodes, so they are summed. */
export function hotFunctions(profile: CpuProfile, root: string, limit: number): HotFunction[] {
  const bySite = new Map<string, number>();
  let total = 0;
  for (const n of profile.nodes) {
    const hits = n.hitCount ?? 0;
    total += hits;
    const f = n.callFrame;
    const name = f.functionName === '' ? '(anonymous)' : f.functionName;
    const file = shortUrl(f.url, root);
    // lineNumber is 0-based in the profile.
    const where = file === '' ? name : `${name} (${file}:${f.lineNumber + 1})`;
    bySite.set(where, (bySite.get(where) ?? 0) + hits);
  }
  if (total === 0) return [];
  return [...bySite.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([where, hits]) => ({ where, selfPercent: (hits / total) * 100 }));
}
