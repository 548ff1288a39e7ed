// Turns zod issues into Problems: a stable code, the config path, and a sentence that says
// what to write instead of zod's generic wording.
import type { z } from 'zod';
import { problem, type Problem } from '../lib/result.ts';
import { formatPath } from './paths.ts';

type Issue = z.core.$ZodIssue;

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the text ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return `${typeof v} ${String(v)}`;
}

function rangeProblem(issue: Issue & { code: 'too_small' | 'too_big' }): { code: string; message: string } {
  const small = issue.code === 'too_small';
  const bound = small ? (issue as { minimum: number | bigint }).minimum : (issue as { maximum: number | bigint }).maximum;
  switch (issue.origin) {
    case 'array':
      return small
        ? { code: 'too-few', message: `List needs at least ${bound} entr${bound === 1 ? 'y' : 'ies'}.` }
        : { code: 'too-many', message: `List may hold at most ${bound} entries.` };
    case 'string':
      return small
        ? { code: 'too-short', message: `Text must be at least ${bound} characters long.` }
        : { code: 'too-long', message: `Text must be at most ${bound} characters long.` };
    default:
      return { code: 'out-of-range', message: small ? `Must be at least ${bound}.` : `Must be at most ${bound}.` };
  }
}

/** Zod's own wording starts with "Invalid"; ours (from `error:` options) does not. */
function ownMessage(issue: Issue): string | undefined {
  return issue.message.startsWith('Invalid') ? undefined : issue.message;
}

export function problemsFromIssue(issue: Issue, base: readonly PropertyKey[] = []): Problem[] {
  const path = [...base, ...issue.path];
  const at = (code: string, message: string, p: readonly PropertyKey[] = path): Problem =>
    problem(code, message, { path: formatPath(p) });
  if ((issue.code === 'invalid_type' || issue.code === 'invalid_value') && issue.input === undefined && issue.path.length > 0) {
    return [at('missing', 'This field is required.')];
  }
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((k) => at('unknown-key', `Unknown key "${k}"; check its spelling against the reference config.`, [...path, k]));
    case 'invalid_key':
      return issue.issues.flatMap((inner) => problemsFromIssue(inner as Issue, path));
    case 'invalid_type':
      return [at('wrong-type', ownMessage(issue) ?? `Expected ${issue.expected}, found ${describeValue(issue.input)}.`)];
    case 'too_small':
    case 'too_big': {
      const r = rangeProblem(issue);
      return [at(r.code, r.message)];
    }
    case 'invalid_value':
      return [at('not-allowed', `Expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, found ${describeValue(issue.input)}.`)];
    case 'invalid_format':
      return [at('wrong-format', ownMessage(issue) ?? `Has the wrong format (${issue.format}).`)];
    case 'invalid_union': {
      const d = (issue as { discriminator?: string; options?: unknown[] }).discriminator;
      if (d !== undefined) {
        const options = ((issue as { options?: unknown[] }).options ?? []).map((o) => JSON.stringify(o)).join(', ');
        return [at('unknown-kind', `Expected "${d}" to be one of ${options}.`)];
      }
      return [at('wrong-type', ownMessage(issue) ?? 'Does not match any allowed form; see the reference config.')];
    }
    case 'custom': {
      const code = (issue.params as { code?: string } | undefined)?.code ?? 'invalid';
      return [at(code, issue.message)];
    }
    default:
      return [at(issue.code.replaceAll('_', '-'), issue.message)];
  }
}
