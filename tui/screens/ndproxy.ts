// NDP proxy: the rules, what they learned, and the counters.
import { Box, Text, useInput } from 'ink';
import { createElement as h, type ReactElement } from 'react';
import { healthColor } from '../components/palette.ts';
import { Section } from '../components/chrome.ts';
import { Table } from '../components/table.ts';
import { secondsLeft, truncate } from '../components/text.ts';
import { usePolled } from '../hooks/use-polled.ts';
import type { KeyHelp, ScreenProps } from './screen.ts';

export const ndproxyKeys: KeyHelp = [['r', 'reload now']];
export const ndproxyHints = 'r reload';

export function NdproxyScreen(p: ScreenProps): ReactElement {
  const { session, width, height } = p;
  const pal = session.palette;
  const polled = usePolled(session, (c) => c.ndproxy(), [session.events.commit]);
  useInput((input) => {
    if (input === 'r') polled.reload();
  }, { isActive: p.active });
  const d = polled.data ?? { rules: [], entries: [], counters: {} };
  const now = session.now();
  const counters = Object.entries(d.counters).map(([k, v]) => `${k} ${v}`).join(' · ');
  const ruleRows = Math.min(d.rules.length + 1, Math.max(2, Math.floor((height - 3) / 3)));
  const entryRows = Math.max(2, height - ruleRows - 3);
  return h(
    Box,
    { flexDirection: 'column', flexShrink: 0 },
    h(Text, { wrap: 'truncate-end' }, truncate(`counters: ${counters === '' ? 'none' : counters}`, width)),
    h(Table, {
      columns: [{ header: 'Upstream', min: 10 }, { header: 'Mode', min: 7 }, { header: 'Prefix', min: 20, grow: 1 }],
      rows: d.rules.map((r) => [r.upstream, r.mode, r.prefix]),
      width,
      height: ruleRows,
      palette: pal,
      empty: polled.data === undefined ? 'loading…' : 'no proxy rules',
    }),
    h(Section, { width, palette: pal, title: `Learned entries (${d.entries.length})` }),
    h(Table, {
      columns: [
        { header: 'Upstream', min: 10 },
        { header: 'Address', min: 24, grow: 1 },
        { header: 'Mode', min: 7 },
        { header: 'State', min: 10 },
        { header: 'Expires', min: 8, align: 'right' },
      ],
      rows: d.entries.map((e) => [e.upstream, e.address, e.mode, e.state, e.expiresAt === undefined ? '-' : `${secondsLeft(e.expiresAt, now)} s`]),
      rowColors: d.entries.map((e) => healthColor(pal, e.state)),
      width,
      height: entryRows,
      palette: pal,
      empty: 'nothing learned yet',
    }),
  );
}
