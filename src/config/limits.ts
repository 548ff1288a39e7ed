// Size and depth limits checked before anything recursive touches a document, so a huge or
// 10,000-deep payload is refused with a code instead of exhausting memory or the stack
// (the Kea CVE-2026-3608 kind of input). The walk keeps one cursor per open collection, so
// its memory is bounded by MAX_DEPTH whatever the document's width.
import { err, ok, problem, type Problem, type Result } from '../lib/result.ts';
import { formatPath } from './paths.ts';

/**
 * The largest config document, in bytes of JSON (or of YAML text). Sized for the fleet the apply
 * loop is built for: 10,000 hosts × 10 container networks are 2.1 MB as JSON, 40,000 hosts 8.3 MB
 * as JSON, 10.9 MB as exported YAML and 16.3 MB as two-space-indented JSON, so 24 MiB holds the
 * 40,000-host fleet in every form with room to spare (about 115,000 hosts as compact JSON). The
 * figure is also what a hostile document may cost before it is refused: a 24 MiB API body of
 * `[{},{},…]` took 4 s and 1 GB to parse here, where 48 MiB took 9 s and 1.8 GB. YAML, which
 * costs far more per byte, has its own node budget on top (MAX_YAML_NODES in yaml.ts).
 */
export const MAX_DOCUMENT_BYTES = 24 * 1024 * 1024;
export const MAX_DEPTH = 64;

/** `25165824 bytes (24 MiB)`: a byte limit as operators read it. */
export function bytesAndMiB(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return `${bytes} bytes (${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB)`;
}

/** `bytes` is the document's size when it is known; a walk that stops early knows only that it is over. */
export function tooLarge(bytes?: number): Problem {
  const limit = bytesAndMiB(MAX_DOCUMENT_BYTES);
  return problem(
    'too-large',
    bytes === undefined ? `The document is larger than ${limit} as JSON text, the limit.` : `The document is ${bytes} bytes; the limit is ${limit}.`,
  );
}

export function tooDeep(where?: { path: string } | { line: number; column: number }): Problem {
  return problem('too-deep', `The document nests deeper than ${MAX_DEPTH} levels; no valid config comes close.`, where);
}

/** A collection being walked: its keys (undefined for an array) and the next child to visit. */
interface Open {
  readonly value: object;
  readonly keys: readonly string[] | undefined;
  /** How the enclosing collection reaches this one; undefined for the root. */
  readonly key: string | number | undefined;
  next: number;
}

function pathOf(open: readonly Open[], last: string | number | undefined): string {
  const keys: (string | number)[] = [];
  for (const o of open) if (o.key !== undefined) keys.push(o.key);
  if (last !== undefined) keys.push(last);
  return formatPath(keys);
}

/** Roughly what the value adds to JSON text: quotes, brackets, commas and key text included. */
function sizeOf(v: unknown, keys: readonly string[] | undefined): number {
  if (typeof v === 'string') return v.length + 2;
  if (v === null || typeof v !== 'object') return String(v).length;
  if (keys === undefined) return 2 + (v as unknown[]).length;
  let size = 2;
  for (const k of keys) size += k.length + 4;
  return size;
}

const childCount = (o: Open): number => (o.keys === undefined ? (o.value as unknown[]).length : o.keys.length);

/**
 * Refuses a JSON-like value over MAX_DOCUMENT_BYTES (measured as its JSON text would be, roughly)
 * or with collections nested more than MAX_DEPTH deep. Cycles count as infinitely deep. Shared
 * subtrees (YAML aliases) are measured each time they are reached, as their expansion would be.
 */
export function checkDocumentLimits(value: unknown): Result<void, Problem> {
  let size = 0;
  const open: Open[] = [];
  let v = value;
  let key: string | number | undefined;
  for (;;) {
    if (typeof v === 'object' && v !== null) {
      if (open.length >= MAX_DEPTH) return err(tooDeep({ path: pathOf(open, key) }));
      const keys = Array.isArray(v) ? undefined : Object.keys(v);
      size += sizeOf(v, keys);
      open.push({ value: v, keys, key, next: 0 });
    } else {
      size += sizeOf(v, undefined);
    }
    if (size > MAX_DOCUMENT_BYTES) return err(tooLarge());
    let top = open.at(-1);
    while (top !== undefined && top.next >= childCount(top)) {
      open.pop();
      top = open.at(-1);
    }
    if (top === undefined) return ok(undefined);
    const i = top.next++;
    if (top.keys === undefined) {
      key = i;
      v = (top.value as unknown[])[i];
    } else {
      key = top.keys[i]!;
      v = (top.value as Record<string, unknown>)[key];
    }
  }
}
