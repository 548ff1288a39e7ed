// A refusal is how the daemon's operations say no: an HTTP status and the API error body, built
// from the same Problem values the rest of v6edge uses.
import type { ApiErrorBody, ApiProblem } from '../api/types.ts';
import { describe, err, type Problem } from '../lib/result.ts';
import type { StoreError } from '../store/errors.ts';

export interface Refusal {
  readonly status: number;
  readonly body: ApiErrorBody;
}

/** A problem as the API shows it: config paths stay paths; offsets and lines go into the sentence. */
export function apiProblem(p: Problem): ApiProblem {
  const w = p.where;
  if (w !== undefined && 'path' in w) return { code: p.code, message: p.message, path: w.path };
  return { code: p.code, message: describe(p) };
}

export function refusal(status: number, code: string, message: string, problems?: readonly Problem[]): Refusal {
  const body: ApiErrorBody = problems === undefined ? { error: { code, message } } : { error: { code, message }, problems: problems.map(apiProblem) };
  return { status, body };
}

export const refuse = (status: number, code: string, message: string, problems?: readonly Problem[]) => err(refusal(status, code, message, problems));

/** Every problem of an invalid document, as one 422. */
export function invalid(problems: readonly Problem[]): Refusal {
  const n = problems.length;
  return refusal(422, 'invalid', `The configuration has ${n} error${n === 1 ? '' : 's'}; nothing was changed.`, problems);
}

const STORE_STATUS: Readonly<Record<StoreError['code'], number>> = {
  conflict: 409,
  'not-found': 404,
  invalid: 422,
  symlink: 500,
  locked: 503,
  'pending-confirm': 409,
  expired: 409,
  'newer-schema': 500,
  io: 500,
};

export function fromStoreError(e: StoreError): Refusal {
  return refusal(STORE_STATUS[e.code], e.code, e.message, e.problems);
}
