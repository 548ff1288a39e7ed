// DHCPv6: pools with usage bars and the leases table. The table is a window: it asks the API for
// one page the height of the screen (`limit`), pages with `after`, and never holds more, so it
// stays as fast at 100,000 leases as at 10. `/` searches on the daemon; `r` releases after a y/n.
import { Box, Text, useInput } from 'ink';
import { createElement as h, useEffect, useReducer, type ReactElement } from 'react';
import type { LeaseDto, LeasePage, PoolDto } from '../../src/api/types.ts';
import { ApiError } from '../../src/api/types.ts';
import { healthColor } from '../components/palette.ts';
import { Note, Prompt, Section } from '../components/chrome.ts';
import { Table } from '../components/table.ts';
import { fit, secondsLeft, shortDuration, truncate, usageBar } from '../components/text.ts';
import { usePolled } from '../hooks/use-polled.ts';
import { initialLeases, leasesReducer, pageQuery, selectedLease } from '../state/leases.ts';
import type { KeyHelp, ScreenProps } from './screen.ts';

export const dhcpv6Keys: KeyHelp = [
  ['↑ ↓', 'move through leases (pages load as you go)'],
  ['PgUp PgDn', 'previous / next page'],
  ['Home', 'first page'],
  ['/', 'search by address or DUID (Enter applies, Esc cancels)'],
  ['r', 'release the selected lease (asks first)'],
];
export const dhcpv6Hints = '↑↓ PgUp PgDn move · / search · r release';

/** Pool lines shown; fixed by the height alone so the page size does not change when pools load. */
export function poolRows(height: number): number {
  return Math.min(4, Math.max(1, Math.floor(height / 6)));
}

/** Lease rows that fit: the height less the pools section, the leases title, header and message line. */
export function leasePageSize(height: number): number {
  return Math.max(1, height - (1 + poolRows(height)) - 3);
}

export function poolLine(pool: PoolDto, width: number): string {
  const label = fit(`${pool.iface} ${pool.kind}`, 10);
  const counts = `${pool.used}/${pool.size}`;
  const barWidth = Math.max(10, Math.min(30, width - 10 - 1 - 24 - 1 - counts.length - 2));
  return truncate(`${label} ${fit(pool.range, 24)} ${usageBar(pool.used, pool.size, barWidth)} ${counts}`, width);
}

function leaseCells(l: LeaseDto, now: number): string[] {
  return [l.lease, l.kind, l.iface, l.state, shortDuration(secondsLeft(l.expiresAt, now)), l.duid];
}

export function Dhcpv6Screen(p: ScreenProps): ReactElement {
  const { session, width, height } = p;
  const pal = session.palette;
  const [state, dispatch] = useReducer(leasesReducer, initialLeases);
  const pools = usePolled(session, (c) => c.pools(), [session.events.lease, session.events.commit]);
  const poolList = pools.data ?? [];
  const pageSize = leasePageSize(height);
  const query = pageQuery(state, pageSize);
  const page = usePolled(
    session,
    async (c): Promise<{ pageIndex: number; page: LeasePage }> => ({ pageIndex: state.pageIndex, page: await c.leases(query) }),
    [state.pageIndex, query.after, query.search, pageSize, session.events.lease],
  );
  useEffect(() => {
    if (page.data !== undefined) dispatch({ type: 'loaded', pageIndex: page.data.pageIndex, page: page.data.page });
  }, [page.data]);
  const { capture } = session;
  useEffect(() => capture(state.mode !== 'browse'), [capture, state.mode]);

  const release = (lease: string): void => {
    session.client.releaseLease(lease).then(
      () => {
        dispatch({ type: 'message', text: `released ${lease}` });
        page.reload();
        pools.reload();
      },
      (e: unknown) => {
        if (e instanceof ApiError) dispatch({ type: 'message', text: `release refused: ${e.message}` });
        else session.failed(e);
      },
    );
  };

  useInput((input, key) => {
    if (state.mode === 'search') {
      if (key.return) dispatch({ type: 'search-apply' });
      else if (key.escape) dispatch({ type: 'search-cancel' });
      else if (key.backspace || key.delete) dispatch({ type: 'search-erase' });
      else if (input !== '' && !key.ctrl && !key.meta && !key.tab) dispatch({ type: 'search-type', text: input });
      return;
    }
    if (state.mode === 'confirm-release') {
      const lease = selectedLease(state);
      if (input === 'y' && lease !== undefined) release(lease.lease);
      if (input === 'y' || input === 'n' || key.escape) dispatch({ type: 'release-answer', yes: input === 'y' });
      return;
    }
    if (key.upArrow) dispatch({ type: 'move', delta: -1, pageSize });
    else if (key.downArrow) dispatch({ type: 'move', delta: 1, pageSize });
    else if (key.pageDown) dispatch({ type: 'page', delta: 1 });
    else if (key.pageUp) dispatch({ type: 'page', delta: -1 });
    else if (key.home) dispatch({ type: 'home' });
    else if (input === '/') dispatch({ type: 'search-start' });
    else if (input === 'r') dispatch({ type: 'release-ask' });
  }, { isActive: p.active });

  const now = session.now();
  const first = state.pageIndex * pageSize + 1;
  const range = state.loading
    ? `page ${state.pageIndex + 1}`
    : state.rows.length === 0 ? 'none' : `${first}–${first + state.rows.length - 1} of ${state.total}`;
  const searchText = state.mode === 'search' ? `search: ${state.draft}_` : state.search === '' ? '' : ` · search "${state.search}"`;
  const sel = selectedLease(state);
  const bottom =
    state.mode === 'confirm-release' && sel !== undefined
      ? h(Prompt, { width, palette: pal, text: `Release ${sel.lease} (${sel.duid})? y/n` })
      : state.mode === 'search'
        ? h(Prompt, { width, palette: pal, text: `${searchText}   Enter apply · Esc cancel` })
        : h(Note, { width, color: pal.muted, text: state.message ?? page.error ?? '' });
  return h(
    Box,
    { flexDirection: 'column', flexShrink: 0 },
    h(Section, { width, palette: pal, title: `Pools (${poolList.length})` }),
    ...(poolList.length === 0 ? [h(Note, { key: 'np', width, color: pal.muted, text: pools.data === undefined ? 'loading…' : 'no pools' })] : []),
    ...poolList.slice(0, poolRows(height)).map((pool, i) =>
      h(Text, { key: `p${i}`, color: pool.used >= pool.size ? pal.bad : undefined, wrap: 'truncate-end' }, poolLine(pool, width)),
    ),
    h(Section, { width, palette: pal, title: `Leases ${range}${state.mode === 'search' ? '' : searchText}${state.loading ? ' · loading…' : ''}` }),
    h(Table, {
      columns: [
        { header: 'Lease', min: 22, grow: 1 },
        { header: 'Kind', min: 4 },
        { header: 'Iface', min: 6 },
        { header: 'State', min: 8 },
        { header: 'Expires', min: 7, align: 'right' },
        { header: 'DUID', min: 10, grow: 1 },
      ],
      rows: state.rows.map((l) => leaseCells(l, now)),
      rowColors: state.rows.map((l) => (l.state === 'active' ? undefined : healthColor(pal, 'off'))),
      selected: state.rows.length === 0 ? undefined : state.selected,
      width,
      height: pageSize + 1,
      palette: pal,
      empty: state.loading ? 'loading…' : 'no leases',
    }),
    bottom,
  );
}
