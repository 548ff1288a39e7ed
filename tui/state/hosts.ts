// The Hosts & routes screen: a list with a selection, an add-host form and a remove prompt.
import type { FieldSpec, FormAction, FormState } from './form.ts';
import { formReducer, initialForm } from './form.ts';

export const HOST_FIELDS: readonly FieldSpec[] = [
  { name: 'name', label: 'Name', hint: 'a label, e.g. web1' },
  { name: 'interface', label: 'Interface', hint: 'link the host is on' },
  { name: 'nextHop', label: 'Next hop', hint: 'the host’s address on that link' },
  { name: 'prefix', label: 'Prefix', hint: 'blank: allocate from the pool' },
  { name: 'networks', label: 'Networks', hint: 'web, db=prefix; blank: none' },
];

export interface HostsState {
  readonly mode: 'browse' | 'form' | 'confirm-remove';
  readonly selected: number;
  readonly form: FormState;
  readonly message: string | undefined;
}

export type HostsAction =
  | { readonly type: 'move'; readonly delta: number; readonly count: number }
  | { readonly type: 'open-form' }
  | { readonly type: 'form'; readonly action: FormAction }
  | { readonly type: 'ask-remove'; readonly count: number }
  | { readonly type: 'close'; readonly message?: string };

export const initialHosts: HostsState = { mode: 'browse', selected: 0, form: initialForm(HOST_FIELDS), message: undefined };

export function hostsReducer(state: HostsState, action: HostsAction): HostsState {
  switch (action.type) {
    case 'move':
      return { ...state, selected: Math.min(Math.max(0, state.selected + action.delta), Math.max(0, action.count - 1)) };
    case 'open-form':
      return { ...state, mode: 'form', form: initialForm(HOST_FIELDS), message: undefined };
    case 'form':
      return { ...state, form: formReducer(state.form, action.action) };
    case 'ask-remove':
      return action.count === 0 ? state : { ...state, mode: 'confirm-remove', message: undefined };
    case 'close':
      return { ...state, mode: 'browse', message: action.message };
  }
}
