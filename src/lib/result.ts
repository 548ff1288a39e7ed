// Errors are values: a code a program can switch on, where it happened, and a sentence for people.

/** Where a problem was found: a config path, a byte offset, or a line and column. */
export type Where =
  | { readonly path: string }
  | { readonly offset: number }
  | { readonly line: number; readonly column: number };

export interface Problem {
  /** Stable machine-readable code, e.g. `too-short`, `overlap`, `not-ipv6`. */
  readonly code: string;
  /** A sentence an operator can act on. */
  readonly message: string;
  readonly where?: Where;
}

export type Result<T, E = Problem> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): { readonly ok: true; readonly value: T } => ({ ok: true, value });
export const err = <E>(error: E): { readonly ok: false; readonly error: E } => ({ ok: false, error });

export function problem(code: string, message: string, where?: Where): Problem {
  return where === undefined ? { code, message } : { code, message, where };
}

/** Unwraps a result whose failure is a programming error at the call site (tests, constants). */
export function unwrap<T, E extends Problem>(r: Result<T, E>): T {
  if (r.ok) return r.value;
  throw new Error(`${r.error.code}: ${r.error.message}`);
}

/** Renders a problem the way the CLI and logs print it: `path: sentence`. */
export function describe(p: Problem): string {
  const w = p.where;
  if (w === undefined) return p.message;
  if ('path' in w) return `${w.path}: ${p.message}`;
  if ('offset' in w) return `at byte ${w.offset}: ${p.message}`;
  return `line ${w.line}, column ${w.column}: ${p.message}`;
}
