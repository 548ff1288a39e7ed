// The live log tail: entries from the event stream in a bounded buffer, filtered by component.
import type { LogEntryDto } from '../../src/api/types.ts';

export const LOG_CAPACITY = 2000;

export interface LogsState {
  readonly entries: readonly LogEntryDto[];
  /** Show only this component; undefined shows all. */
  readonly component: string | undefined;
}

export type LogsAction =
  | { readonly type: 'append'; readonly entries: readonly LogEntryDto[] }
  /** The backlog fetched on (re)connection replaces what we had, so a reconnect never doubles lines. */
  | { readonly type: 'load'; readonly entries: readonly LogEntryDto[] }
  | { readonly type: 'cycle-filter' }
  | { readonly type: 'clear-filter' };

export const initialLogs: LogsState = { entries: [], component: undefined };

export function componentsOf(entries: readonly LogEntryDto[]): string[] {
  return [...new Set(entries.map((e) => e.component))].sort();
}

export function visibleLogs(state: LogsState): readonly LogEntryDto[] {
  return state.component === undefined ? state.entries : state.entries.filter((e) => e.component === state.component);
}

export function logsReducer(state: LogsState, action: LogsAction): LogsState {
  switch (action.type) {
    case 'append': {
      const all = [...state.entries, ...action.entries];
      return { ...state, entries: all.length > LOG_CAPACITY ? all.slice(all.length - LOG_CAPACITY) : all };
    }
    case 'load':
      return { ...state, entries: action.entries.slice(-LOG_CAPACITY) };
    case 'cycle-filter': {
      // all → first component → … → last component → all
      const names = componentsOf(state.entries);
      const i = state.component === undefined ? -1 : names.indexOf(state.component);
      return { ...state, component: names[i + 1] };
    }
    case 'clear-filter':
      return { ...state, component: undefined };
  }
}
