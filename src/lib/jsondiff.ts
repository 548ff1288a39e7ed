// A readable, path-based diff of two JSON values, for `v6edge config diff` and revision history.
// Pure and generic: it knows nothing about the config schema. Objects are compared key by key in
// sorted order and arrays index by index, so the same two documents always give the same list.

export type DiffKind = 'added' | 'removed' | 'changed';

export interface DiffEntry {
  /** Where the difference is, e.g. `interfaces.lan0.ra.prefixes[1].validLifetime`; `''` is the whole value. */
  readonly path: string;
  readonly kind: DiffKind;
  /** The old value (for `removed` and `changed`). */
  readonly before?: unknown;
  /** The new value (for `added` and `changed`). */
  readonly after?: unknown;
}

type JsonObject = { readonly [key: string]: unknown };

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// A key that reads well after a dot stays bare (`br-lan`, `lan0`); anything else, such as a VLAN
// name with a dot in it, is quoted in brackets so the path can be read back without ambiguity.
const BARE_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

function keyPath(parent: string, key: string): string {
  if (BARE_KEY.test(key)) return parent === '' ? key : `${parent}.${key}`;
  return `${parent}[${JSON.stringify(key)}]`;
}

/** Keys whose value is present; JSON has no `undefined`, so such a property counts as absent. */
function presentKeys(o: JsonObject): string[] {
  return Object.keys(o).filter((k) => o[k] !== undefined);
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function walk(a: unknown, b: unknown, path: string, out: DiffEntry[]): void {
  if (Array.isArray(a) && Array.isArray(b)) {
    const common = Math.min(a.length, b.length);
    for (let i = 0; i < common; i++) walk(a[i], b[i], `${path}[${i}]`, out);
    for (let i = common; i < b.length; i++) out.push({ path: `${path}[${i}]`, kind: 'added', after: b[i] });
    for (let i = common; i < a.length; i++) out.push({ path: `${path}[${i}]`, kind: 'removed', before: a[i] });
    return;
  }
  if (isObject(a) && isObject(b)) {
    const inA = new Set(presentKeys(a));
    const inB = new Set(presentKeys(b));
    const keys = [...new Set([...inA, ...inB])].sort(compareKeys);
    for (const key of keys) {
      const p = keyPath(path, key);
      if (!inB.has(key)) out.push({ path: p, kind: 'removed', before: a[key] });
      else if (!inA.has(key)) out.push({ path: p, kind: 'added', after: b[key] });
      else walk(a[key], b[key], p, out);
    }
    return;
  }
  // Different types (object ↔ array ↔ scalar) or two scalars: one change at this path.
  if (a !== b) out.push({ path, kind: 'changed', before: a, after: b });
}

/** The differences that turn `a` into `b`; empty when they are equal as JSON. */
export function diffJson(a: unknown, b: unknown): DiffEntry[] {
  const out: DiffEntry[] = [];
  walk(a, b, '', out);
  return out;
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? 'undefined';
}

/** One line per entry: `~ path: old → new`, `+ path: value`, `- path: value`. */
export function formatDiff(entries: readonly DiffEntry[]): string {
  return entries
    .map((e) => {
      const path = e.path === '' ? '(document)' : e.path;
      if (e.kind === 'added') return `+ ${path}: ${show(e.after)}`;
      if (e.kind === 'removed') return `- ${path}: ${show(e.before)}`;
      return `~ ${path}: ${show(e.before)} → ${show(e.after)}`;
    })
    .join('\n');
}
