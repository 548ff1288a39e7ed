// The Changes screen: candidate against running, commit with a comment, commit-confirm with a
// window the operator chooses, and rollback from history. The lockout guard lives here: a diff that touches how the operator
// reaches the box defaults to commit-confirm, so a mistake rolls itself back.
import type { DiffEntryDto } from '../../src/api/types.ts';
import { pathWithin } from './form.ts';

export const DEFAULT_CONFIRM_SECONDS = 120;
/** The longest window the store accepts (src/store/revisions.ts); asked here so a typo stays in the prompt. */
export const MAX_CONFIRM_SECONDS = 24 * 60 * 60;

export interface ChangesState {
  readonly mode: 'browse' | 'comment' | 'choose' | 'window' | 'confirm-rollback';
  readonly comment: string;
  /** The commit-confirm window as typed (`120s`, `5`, `2m`). */
  readonly window: string;
  /** Why the typed window was not accepted, shown in the prompt until the next key. */
  readonly windowProblem: string | undefined;
  /** Row selected in the history list. */
  readonly selected: number;
  readonly busy: boolean;
  readonly message: string | undefined;
}

export type ChangesAction =
  | { readonly type: 'start-commit' }
  /** Text and erasing go to the prompt that is open: the comment or the confirm window. */
  | { readonly type: 'type'; readonly text: string }
  | { readonly type: 'erase' }
  | { readonly type: 'clear' }
  | { readonly type: 'comment-done' }
  | { readonly type: 'ask-window' }
  | { readonly type: 'window-refused'; readonly message: string }
  | { readonly type: 'back' }
  | { readonly type: 'cancel' }
  | { readonly type: 'move'; readonly delta: number; readonly count: number }
  | { readonly type: 'ask-rollback'; readonly count: number }
  | { readonly type: 'busy' }
  | { readonly type: 'done'; readonly message: string };

export const initialChanges: ChangesState = {
  mode: 'browse',
  comment: '',
  window: `${DEFAULT_CONFIRM_SECONDS}s`,
  windowProblem: undefined,
  selected: 0,
  busy: false,
  message: undefined,
};

export type WindowParse = { readonly ok: true; readonly seconds: number } | { readonly ok: false; readonly message: string };

/** The confirm window in seconds from `90`, `90s`, `2m` or `1m30s` (spaces allowed), 1 s to 24 h. */
export function parseConfirmWindow(text: string): WindowParse {
  const m = /^(?:(\d{1,6})\s*m)?\s*(?:(\d{1,6})\s*s?)?$/i.exec(text.trim());
  if (m === null || (m[1] === undefined && m[2] === undefined)) {
    return { ok: false, message: `"${text.trim()}" is not a duration; write seconds (90 or 90s) or minutes (2m).` };
  }
  const seconds = Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0);
  if (seconds < 1 || seconds > MAX_CONFIRM_SECONDS) {
    return { ok: false, message: `The window must be from 1 s to ${MAX_CONFIRM_SECONDS / 3600} h; ${seconds} s is not.` };
  }
  return { ok: true, seconds };
}

function edit(state: ChangesState, change: (text: string) => string): ChangesState {
  if (state.mode === 'window') return { ...state, window: change(state.window), windowProblem: undefined };
  if (state.mode === 'comment') return { ...state, comment: change(state.comment) };
  return state;
}

/** The management path: mgmt interfaces, firewall.management and the API's own settings. */
export function managementPaths(mgmtInterfaces: readonly string[]): string[] {
  return ['firewall.management', 'api', ...mgmtInterfaces.map((n) => (/^[A-Za-z0-9_-]+$/.test(n) ? `interfaces.${n}` : `interfaces[${JSON.stringify(n)}]`))];
}

/** Diff entries that could cut the operator off; a change to the whole `interfaces` map counts. */
export function lockoutRisks(diff: readonly DiffEntryDto[], mgmtInterfaces: readonly string[]): DiffEntryDto[] {
  const guarded = managementPaths(mgmtInterfaces);
  return diff.filter((d) => d.path === 'interfaces' || d.path === 'firewall' || guarded.some((g) => pathWithin(d.path, g)));
}

export function changesReducer(state: ChangesState, action: ChangesAction): ChangesState {
  switch (action.type) {
    case 'start-commit':
      return { ...state, mode: 'comment', comment: '', message: undefined };
    case 'type':
      return edit(state, (t) => t + action.text);
    case 'erase':
      return edit(state, (t) => Array.from(t).slice(0, -1).join(''));
    case 'clear':
      return edit(state, () => '');
    case 'comment-done':
      return { ...state, mode: 'choose' };
    // Every commit-confirm starts from the default window: a short one chosen once is not reused unseen.
    case 'ask-window':
      return { ...state, mode: 'window', window: initialChanges.window, windowProblem: undefined };
    case 'window-refused':
      return { ...state, windowProblem: action.message };
    case 'back':
      return state.mode === 'window' ? { ...state, mode: 'choose', windowProblem: undefined } : state;
    case 'cancel':
      return { ...state, mode: 'browse' };
    case 'move':
      return { ...state, selected: Math.min(Math.max(0, state.selected + action.delta), Math.max(0, action.count - 1)) };
    case 'ask-rollback':
      return action.count === 0 ? state : { ...state, mode: 'confirm-rollback', message: undefined };
    case 'busy':
      return { ...state, mode: 'browse', busy: true };
    case 'done':
      return { ...state, mode: 'browse', busy: false, message: action.message };
  }
}
