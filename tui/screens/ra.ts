// Router Advertisements: per interface, what the next RA carries, when it leaves, the counters,
// rogue RAs seen from other routers (RFC 4861 §6.2.7) and prefixes being withdrawn (RFC 9096).
import { Box, Text, useInput } from 'ink';
import { createElement as h, useState, type ReactElement } from 'react';
import type { RaInterfaceDto } from '../../src/api/types.ts';
import { Note, Section } from '../components/chrome.ts';
import { Table } from '../components/table.ts';
import { clockTime, secondsLeft, truncate } from '../components/text.ts';
import { usePolled, useTicker } from '../hooks/use-polled.ts';
import { clampIndex } from '../state/selection.ts';
import type { KeyHelp, ScreenProps } from './screen.ts';

export const raKeys: KeyHelp = [['↑ ↓', 'select an interface'], ['r', 'reload now']];
export const raHints = '↑↓ interface · r reload';

export function nextRaText(ra: RaInterfaceDto, now: number): string {
  return ra.nextRaAt === undefined ? 'not scheduled' : `in ${secondsLeft(ra.nextRaAt, now)} s`;
}

export function counterLine(ra: RaInterfaceDto): string {
  const drops = Object.entries(ra.drops).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`);
  return `sent ${ra.rasSent} (unicast ${ra.rasSentUnicast}) · RS received ${ra.rsReceived} · drops ${drops.length === 0 ? '0' : drops.join(', ')}`;
}

export function RaScreen(p: ScreenProps): ReactElement {
  const { session, width, height } = p;
  const pal = session.palette;
  useTicker(1000);
  const polled = usePolled(session, (c) => c.ra(), [session.events.commit, session.events.alert]);
  const list = polled.data ?? [];
  const [selected, setSelected] = useState(0);
  useInput((input, key) => {
    if (key.upArrow) setSelected((s) => clampIndex(s - 1, list.length));
    else if (key.downArrow) setSelected((s) => clampIndex(s + 1, list.length));
    else if (input === 'r') polled.reload();
  }, { isActive: p.active });
  const now = session.now();
  const idx = clampIndex(selected, list.length);
  const sel = list[idx];
  const tableRows = Math.min(list.length + 1, Math.max(2, Math.floor(height / 3)));
  const detailRows = Math.max(0, height - tableRows - 3);
  const lines = sel === undefined ? [] : [
    ...sel.advertised.map((l) => `  ${l}`),
    ...sel.withdrawn.map((w) => `  withdrawing ${w.prefix} until ${clockTime(w.until)}`),
  ];
  const rogue = sel?.rogue ?? [];
  const rogueRows = Math.min(rogue.length, Math.floor(detailRows / 2));
  return h(
    Box,
    { flexDirection: 'column', flexShrink: 0 },
    h(Table, {
      columns: [
        { header: 'Interface', min: 10 },
        { header: 'Phase', min: 10 },
        { header: 'Next RA', min: 12 },
        { header: 'Sent', min: 7, align: 'right' },
        { header: 'RS in', min: 6, align: 'right' },
        { header: 'Rogue', min: 5, align: 'right' },
      ],
      rows: list.map((r) => [r.ifname, r.phase, nextRaText(r, now), String(r.rasSent), String(r.rsReceived), String(r.rogue.length)]),
      rowColors: list.map((r) => (r.rogue.length > 0 ? pal.bad : undefined)),
      selected: idx,
      width,
      height: tableRows,
      palette: pal,
      empty: polled.data === undefined ? 'loading…' : 'no interface sends RAs',
    }),
    sel === undefined ? null : h(Section, { width, palette: pal, title: `${sel.ifname}: next RA ${nextRaText(sel, now)}` }),
    sel === undefined ? null : h(Note, { width, color: undefined, text: counterLine(sel) }),
    ...lines.slice(0, Math.max(0, detailRows - rogueRows)).map((l, i) => h(Text, { key: `l${i}`, wrap: 'truncate-end' }, truncate(l, width))),
    ...rogue.slice(-rogueRows).map((r, i) =>
      h(Note, { key: `r${i}`, width, color: pal.bad, text: `rogue RA ${clockTime(r.at)} from ${r.source}: ${r.field} — ${r.message}` }),
    ),
  );
}
