// Size and depth limits checked before anything recursive touches a document, so a huge or
// 10,000-deep payload is refused with a code instead of exhausting memory or the stack
// (the Kea CVE-2026-3608 kind of input). Both walks use an explicit stack.
import { err, ok, problem, type Problem, type Result } from '../lib/result.ts';
import { formatPath } from './paths.ts';

export const MAX_DOCUMENT_BYTES = 1024 * 1024;
export const MAX_DEPTH = 64;

export function tooLarge(bytes: number | string): Problem {
  return problem('too-large', `The document is ${typeof bytes === 'number' ? `${bytes} bytes` : bytes}; the limit is ${MAX_DOCUMENT_BYTES} bytes (1 MiB).`);
}

export function tooDeep(where?: { path: string } | { line: number; column: number }): Problem {
  return problem('too-deep', `The document nests deeper than ${MAX_DEPTH} levels; no valid config comes close.`, where);
}

interface Frame {
  readonly value: unknown;
  readonly depth: number;
  readonly parent?: Frame;
  readonly key?: string | number;
}

function pathOf(f: Frame): string {
  const keys: (string | number)[] = [];
  for (let cur: Frame | undefined = f; cur?.key !== undefined; cur = cur.parent) keys.push(cur.key);
  return formatPath(keys.reverse());
}

/**
 * Refuses a JSON-like value over 1 MiB (measured as its JSON text would be, roughly) or with
 * collections nested more than MAX_DEPTH deep. Cycles count as infinitely deep.
 */
export function checkDocumentLimits(value: unknown): Result<void, Problem> {
  let size = 0;
  const stack: Frame[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const f = stack.pop()!;
    const v = f.value;
    if (typeof v === 'string') size += v.length + 2;
    else if (v === null || typeof v !== 'object') size += String(v).length;
    else {
      const depth = f.depth + 1;
      if (depth > MAX_DEPTH) return err(tooDeep({ path: pathOf(f) }));
      size += 2;
      if (Array.isArray(v)) {
        v.forEach((item: unknown, i) => stack.push({ value: item, depth, parent: f, key: i }));
        size += v.length;
      } else {
        for (const [k, item] of Object.entries(v)) {
          size += k.length + 4;
          stack.push({ value: item, depth, parent: f, key: k });
        }
      }
    }
    if (size > MAX_DOCUMENT_BYTES) return err(tooLarge('over 1 MiB'));
  }
  return ok(undefined);
}
