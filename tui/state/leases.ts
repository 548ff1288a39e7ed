// The leases table is a window onto the daemon's lease list: one page the height of the screen,
// fetched with the API's `after` cursor. Only that page is held, so 100,000 leases cost what 20
// do. `cursors[i]` is the `after` that fetches page i (page 0 has none), which makes paging back
// as cheap as paging forward.
import type { LeaseDto, LeasePage } from '../../src/api/types.ts';

export interface LeasesState {
  readonly mode: 'browse' | 'search' | 'confirm-release';
  /** The applied search and the one being typed after `/`. */
  readonly search: string;
  readonly draft: string;
  readonly pageIndex: number;
  readonly cursors: readonly (string | undefined)[];
  readonly rows: readonly LeaseDto[];
  readonly next: string | undefined;
  readonly total: number;
  readonly selected: number;
  readonly loading: boolean;
  readonly message: string | undefined;
}

export type LeasesAction =
  | { readonly type: 'loaded'; readonly pageIndex: number; readonly page: LeasePage }
  | { readonly type: 'move'; readonly delta: number; readonly pageSize: number }
  | { readonly type: 'page'; readonly delta: 1 | -1 }
  | { readonly type: 'home' }
  | { readonly type: 'search-start' }
  | { readonly type: 'search-type'; readonly text: string }
  | { readonly type: 'search-erase' }
  | { readonly type: 'search-apply' }
  | { readonly type: 'search-cancel' }
  | { readonly type: 'release-ask' }
  | { readonly type: 'release-answer'; readonly yes: boolean }
  | { readonly type: 'message'; readonly text: string | undefined };

export const initialLeases: LeasesState = {
  mode: 'browse',
  search: '',
  draft: '',
  pageIndex: 0,
  cursors: [undefined],
  rows: [],
  next: undefined,
  total: 0,
  selected: 0,
  loading: true,
  message: undefined,
};

/** The query that fetches the page the state points at. */
export function pageQuery(state: LeasesState, pageSize: number): { search?: string; after?: string; limit: number } {
  const after = state.cursors[state.pageIndex];
  return {
    limit: pageSize,
    ...(state.search === '' ? {} : { search: state.search }),
    ...(after === undefined ? {} : { after }),
  };
}

export function selectedLease(state: LeasesState): LeaseDto | undefined {
  return state.rows[state.selected];
}

function goPage(state: LeasesState, pageIndex: number, selected: number): LeasesState {
  if (pageIndex === state.pageIndex) return { ...state, selected };
  if (pageIndex < 0) return state;
  if (pageIndex > state.pageIndex && state.next === undefined) return state;
  const cursors = pageIndex > state.pageIndex ? [...state.cursors.slice(0, pageIndex), state.next] : state.cursors;
  return { ...state, pageIndex, cursors, selected, loading: true };
}

export function leasesReducer(state: LeasesState, action: LeasesAction): LeasesState {
  switch (action.type) {
    case 'loaded': {
      // A page for a window we already left is stale.
      if (action.pageIndex !== state.pageIndex) return state;
      const rows = action.page.leases;
      const selected = rows.length === 0 ? 0 : Math.min(Math.max(0, state.selected), rows.length - 1);
      return { ...state, rows, next: action.page.next, total: action.page.total, selected, loading: false };
    }
    case 'move': {
      const target = state.selected + action.delta;
      if (target < 0) return state.pageIndex > 0 ? goPage(state, state.pageIndex - 1, action.pageSize - 1) : { ...state, selected: 0 };
      if (target >= state.rows.length) {
        return state.next !== undefined ? goPage(state, state.pageIndex + 1, 0) : { ...state, selected: Math.max(0, state.rows.length - 1) };
      }
      return { ...state, selected: target };
    }
    case 'page':
      return goPage(state, state.pageIndex + action.delta, 0);
    case 'home':
      return state.pageIndex === 0 ? { ...state, selected: 0 } : { ...state, pageIndex: 0, selected: 0, loading: true };
    case 'search-start':
      return { ...state, mode: 'search', draft: state.search };
    case 'search-type':
      return { ...state, draft: state.draft + action.text };
    case 'search-erase':
      return { ...state, draft: Array.from(state.draft).slice(0, -1).join('') };
    case 'search-apply': {
      const search = state.draft.trim();
      // Unchanged search on the first page: nothing to fetch, so nothing to wait for.
      const same = search === state.search && state.pageIndex === 0;
      return { ...state, mode: 'browse', search, pageIndex: 0, cursors: [undefined], selected: 0, loading: !same };
    }
    case 'search-cancel':
      return { ...state, mode: 'browse', draft: state.search };
    case 'release-ask':
      return selectedLease(state) === undefined ? state : { ...state, mode: 'confirm-release', message: undefined };
    case 'release-answer':
      return { ...state, mode: 'browse' };
    case 'message':
      return { ...state, message: action.text };
  }
}
