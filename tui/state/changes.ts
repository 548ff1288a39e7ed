// The Changes screen: candidate against running, commit with a comment, commit-confirm, and
// rollback from history. The lockout guard lives here: a diff that touches how the operator
// reaches the box defaults to commit-confirm, so a mistake rolls itself back.
import type { DiffEntryDto } from '../../src/api/types.ts';
import { pathWithin } from './form.ts';

export const DEFAULT_CONFIRM_SECONDS = 120;

export interface ChangesState {
  readonly mode: 'browse' | 'comment' | 'choose' | 'confirm-rollback';
  readonly comment: string;
  /** Row selected in the history list. */
  readonly selected: number;
  readonly busy: boolean;
  readonly message: string | undefined;
}

export type ChangesAction =
  | { readonly type: 'start-commit' }
  | { readonly type: 'type'; readonly text: string }
  | { readonly type: 'erase' }
  | { readonly type: 'comment-done' }
  | { readonly type: 'cancel' }
  | { readonly type: 'move'; readonly delta: number; readonly count: number }
  | { readonly type: 'ask-rollback'; readonly count: number }
  | { readonly type: 'busy' }
  | { readonly type: 'done'; readonly message: string };

export const initialChanges: ChangesState = { mode: 'browse', comment: '', selected: 0, busy: false, message: undefined };

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
      return { ...state, comment: state.comment + action.text };
    case 'erase':
      return { ...state, comment: Array.from(state.comment).slice(0, -1).join('') };
    case 'comment-done':
      return { ...state, mode: 'choose' };
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
