// Overview: service health, interfaces with their addresses, upstream and delegated prefixes,
// and alerts (rogue RAs, pool exhaustion, reconcile failures), in whatever height there is.
import { Box, Text, useInput } from 'ink';
import { createElement as h, type ReactElement } from 'react';
import type { InterfaceDto, PoolDto, RouteDto, ServiceHealth } from '../../src/api/types.ts';
import { healthColor } from '../components/palette.ts';
import { Note, Section } from '../components/chrome.ts';
import { Table } from '../components/table.ts';
import { clockTime, truncate } from '../components/text.ts';
import { usePolled } from '../hooks/use-polled.ts';
import type { KeyHelp, ScreenProps } from './screen.ts';

export const overviewKeys: KeyHelp = [['r', 'reload now']];
export const overviewHints = 'r reload';

interface OverviewData {
  readonly interfaces: readonly InterfaceDto[];
  readonly routes: readonly RouteDto[];
  readonly pools: readonly PoolDto[];
}

/** Upstream = addresses on wan links; delegated = prefixes routed because of a delegation. */
export function prefixLines(data: OverviewData): string[] {
  const upstream = data.interfaces.filter((i) => i.role === 'wan').flatMap((i) => i.addresses.map((a) => `upstream  ${a} on ${i.name}`));
  const delegated = data.routes.filter((r) => /deleg|pd/i.test(r.origin)).map((r) => `delegated ${r.prefix} via ${r.via ?? r.dev ?? '?'} (${r.state})`);
  const pdPools = data.pools.filter((p) => p.kind === 'pd').map((p) => `pd pool   ${p.range} on ${p.iface}: ${p.used}/${p.size} used`);
  return [...upstream, ...delegated, ...pdPools];
}

export function OverviewScreen(p: ScreenProps): ReactElement {
  const { session, width, height, status } = p;
  const pal = session.palette;
  const polled = usePolled(session, async (c): Promise<OverviewData> => {
    const [interfaces, routes, pools] = await Promise.all([c.interfaces(), c.routes(), c.pools()]);
    return { interfaces, routes, pools };
  }, [session.events.commit, session.events.reconcile]);
  useInput((input) => {
    if (input === 'r') polled.reload();
  }, { isActive: p.active });
  const data = polled.data ?? { interfaces: [], routes: [], pools: [] };
  const services: [string, ServiceHealth | undefined][] = [
    ['RA', status?.services.ra],
    ['DHCPv6', status?.services.dhcpv6],
    ['NDP proxy', status?.services.ndproxy],
    ['reconcile', status?.services.reconcile],
  ];
  const alerts = status?.alerts ?? [];
  const prefixes = prefixLines(data);
  // Height: services 1, then interfaces, prefixes and alerts share the rest, alerts first.
  const rest = Math.max(0, height - 2);
  const alertRows = Math.min(alerts.length + 1, Math.max(2, Math.floor(rest / 3)));
  const prefixRows = Math.min(prefixes.length + 1, Math.max(2, Math.floor((rest - alertRows) / 3)));
  const ifaceRows = Math.max(2, rest - alertRows - prefixRows);
  return h(
    Box,
    { flexDirection: 'column', flexShrink: 0 },
    h(
      Text,
      { wrap: 'truncate-end' },
      ...services.map(([name, s], i) =>
        h(Text, { key: name, color: healthColor(pal, s?.health ?? 'off') }, `${i === 0 ? '' : ' · '}${name} ${s?.health ?? '?'}${s?.detail === undefined ? '' : ` (${s.detail})`}`),
      ),
    ),
    h(Table, {
      columns: [
        { header: 'Interface', min: 10 },
        { header: 'Role', min: 5 },
        { header: 'State', min: 7 },
        { header: 'Addresses', min: 20, grow: 1 },
      ],
      rows: data.interfaces.map((i) => [i.name, i.role, i.state, i.addresses.join(' ')]),
      rowColors: data.interfaces.map((i) => healthColor(pal, i.state)),
      width,
      height: ifaceRows,
      palette: pal,
      empty: polled.data === undefined ? 'loading…' : 'no interfaces',
    }),
    h(Section, { width, palette: pal, title: 'Prefixes' }),
    ...(prefixes.length === 0 ? ['none yet'] : prefixes).slice(0, prefixRows - 1).map((l, i) => h(Text, { key: `p${i}`, wrap: 'truncate-end' }, truncate(`  ${l}`, width))),
    h(Section, { width, palette: pal, title: `Alerts (${alerts.length})` }),
    ...(alerts.length === 0
      ? [h(Note, { key: 'none', width, color: pal.good, text: '  none' })]
      : alerts.slice(-(alertRows - 1)).map((a, i) =>
          h(Note, { key: `a${i}`, width, color: pal.bad, text: `  ${clockTime(a.at)} ${a.kind}: ${a.message}` }),
        )),
  );
}
