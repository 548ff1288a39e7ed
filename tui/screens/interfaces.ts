// Interfaces: every link the config names, with what the kernel says about it.
import { Box, useInput } from 'ink';
import { createElement as h, useState, type ReactElement } from 'react';
import { healthColor } from '../components/palette.ts';
import { Note } from '../components/chrome.ts';
import { Table } from '../components/table.ts';
import { usePolled } from '../hooks/use-polled.ts';
import { clampIndex } from '../state/selection.ts';
import type { KeyHelp, ScreenProps } from './screen.ts';

export const interfacesKeys: KeyHelp = [['↑ ↓', 'select an interface'], ['r', 'reload now']];
export const interfacesHints = '↑↓ select · r reload';

export function InterfacesScreen(p: ScreenProps): ReactElement {
  const { session, width, height } = p;
  const polled = usePolled(session, (c) => c.interfaces(), [session.events.commit]);
  const rows = polled.data ?? [];
  const [selected, setSelected] = useState(0);
  useInput((input, key) => {
    if (key.upArrow) setSelected((s) => clampIndex(s - 1, rows.length));
    else if (key.downArrow) setSelected((s) => clampIndex(s + 1, rows.length));
    else if (input === 'r') polled.reload();
  }, { isActive: p.active });
  const sel = rows[clampIndex(selected, rows.length)];
  return h(
    Box,
    { flexDirection: 'column', flexShrink: 0 },
    h(Table, {
      columns: [
        { header: 'Name', min: 9 },
        { header: 'Role', min: 5 },
        { header: 'Kind', min: 8 },
        { header: 'State', min: 7 },
        { header: 'MTU', min: 5, align: 'right' },
        { header: 'RA', min: 3 },
        { header: 'DHCPv6', min: 9 },
        { header: 'Addresses', min: 12, grow: 1 },
      ],
      rows: rows.map((i) => [i.name, i.role, i.kind, i.state, i.mtu === undefined ? '-' : String(i.mtu), i.ra ? 'on' : 'off', i.dhcpv6, i.addresses.join(' ')]),
      rowColors: rows.map((i) => healthColor(session.palette, i.state)),
      selected: clampIndex(selected, rows.length),
      width,
      height: Math.max(2, height - 3),
      palette: session.palette,
      empty: polled.data === undefined ? 'loading…' : 'no interfaces',
    }),
    sel === undefined ? null : h(Note, { width, color: undefined, text: `${sel.name}: mac ${sel.mac ?? '-'}` }),
    ...(sel === undefined ? [] : sel.addresses.slice(0, 2).map((a, i) => h(Note, { key: i, width, color: undefined, text: `  ${a}` }))),
  );
}
