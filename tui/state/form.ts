// A form is a list of text fields; the daemon validates. Problems come back from `putCandidate`
// with config paths (`hosts.web1.nextHop`), and each lands beside the field whose path it names;
// the rest show above the form, so nothing the daemon said is lost.
import type { ApiProblem } from '../../src/api/types.ts';

export interface FieldSpec {
  readonly name: string;
  readonly label: string;
  readonly hint?: string;
}

export interface FormState {
  readonly fields: readonly FieldSpec[];
  readonly values: Readonly<Record<string, string>>;
  readonly focus: number;
  readonly fieldProblems: Readonly<Record<string, readonly string[]>>;
  readonly formProblems: readonly string[];
  readonly submitting: boolean;
}

export type FormAction =
  | { readonly type: 'type'; readonly text: string }
  | { readonly type: 'erase' }
  | { readonly type: 'focus'; readonly delta: 1 | -1 }
  | { readonly type: 'submitting' }
  | { readonly type: 'refused'; readonly problems: readonly ApiProblem[]; readonly pathOf: (field: string) => string };

export function initialForm(fields: readonly FieldSpec[], values: Readonly<Record<string, string>> = {}): FormState {
  return { fields, values, focus: 0, fieldProblems: {}, formProblems: [], submitting: false };
}

function focused(state: FormState): string | undefined {
  return state.fields[state.focus]?.name;
}

/** True when `path` is `base` itself or something under it (`base.x`, `base[0]`). */
export function pathWithin(path: string, base: string): boolean {
  return path === base || path.startsWith(`${base}.`) || path.startsWith(`${base}[`);
}

/**
 * A problem's message as its field shows it: prefixed with the part of the path below the field,
 * so one field holding several things (the Networks list) says which one is wrong: `web.prefix: …`.
 */
function withinField(path: string, base: string, message: string): string {
  const rest = path.slice(base.length).replace(/^\./, '');
  return rest === '' ? message : `${rest}: ${message}`;
}

/** Sorts problems to fields by path; `pathOf(field)` is the config path a field edits. */
export function placeProblems(
  fields: readonly FieldSpec[],
  problems: readonly ApiProblem[],
  pathOf: (field: string) => string,
): { fieldProblems: Record<string, string[]>; formProblems: string[] } {
  const fieldProblems: Record<string, string[]> = {};
  const formProblems: string[] = [];
  for (const p of problems) {
    // The most specific field wins: a name field at `hosts.web1` must not take `hosts.web1.nextHop`.
    const field = p.path === undefined
      ? undefined
      : fields
          .filter((f) => pathWithin(p.path ?? '', pathOf(f.name)))
          .sort((a, b) => pathOf(b.name).length - pathOf(a.name).length)[0];
    if (field === undefined) formProblems.push(p.path === undefined ? p.message : `${p.path}: ${p.message}`);
    else (fieldProblems[field.name] ??= []).push(withinField(p.path ?? '', pathOf(field.name), p.message));
  }
  return { fieldProblems, formProblems };
}

export function formReducer(state: FormState, action: FormAction): FormState {
  const name = focused(state);
  switch (action.type) {
    case 'type':
      if (name === undefined) return state;
      return { ...state, values: { ...state.values, [name]: (state.values[name] ?? '') + action.text } };
    case 'erase':
      if (name === undefined) return state;
      return { ...state, values: { ...state.values, [name]: Array.from(state.values[name] ?? '').slice(0, -1).join('') } };
    case 'focus':
      return { ...state, focus: (state.focus + action.delta + state.fields.length) % Math.max(1, state.fields.length) };
    case 'submitting':
      return { ...state, submitting: true };
    case 'refused':
      return { ...state, submitting: false, ...placeProblems(state.fields, action.problems, action.pathOf) };
  }
}
