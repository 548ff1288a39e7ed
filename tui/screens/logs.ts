// Logs: the live tail from the event stream (kept by the app so nothing is missed while another
// screen is open), newest at the bottom, filtered by component with `f`.
import { Box, Text, useInput } from 'ink';
import { createElement as h, type ReactElement } from 'react';
import type { LogEntryDto } from '../../src/api/types.ts';
import type { Palette } from '../components/palette.ts';
import { Note } from '../components/chrome.ts';
import { clockTime, truncate } from '../components/text.ts';
import { componentsOf, visibleLogs, type LogsState } from '../state/logs.ts';
import type { KeyHelp, ScreenProps } from './screen.ts';

export const logsKeys: KeyHelp = [['f', 'filter: cycle through components (all, ra, dhcpv6, …)'], ['a', 'show all components']];
export const logsHints = 'f filter by component · a all';

function levelColor(p: Palette, level: LogEntryDto['level']): string | undefined {
  return level === 'error' ? p.bad : level === 'warn' ? p.warn : level === 'debug' ? p.muted : undefined;
}

export function logLine(e: LogEntryDto): string {
  return `${clockTime(e.at)} ${e.level.padEnd(5)} ${e.component.padEnd(9)} ${e.message}`;
}

export function LogsScreen(p: ScreenProps & { readonly logs: LogsState; readonly onCycle: () => void; readonly onAll: () => void }): ReactElement {
  const { width, height, logs } = p;
  const pal = p.session.palette;
  useInput((input) => {
    if (input === 'f') p.onCycle();
    else if (input === 'a') p.onAll();
  }, { isActive: p.active });
  const shown = visibleLogs(logs);
  const room = Math.max(1, height - 1);
  const tail = shown.slice(-room);
  const filter = logs.component === undefined ? `all of ${componentsOf(logs.entries).join(', ') || 'nothing yet'}` : logs.component;
  return h(
    Box,
    { flexDirection: 'column', flexShrink: 0 },
    h(Note, { width, color: pal.accent, text: `showing ${filter} · ${shown.length} lines` }),
    ...tail.map((e, i) => h(Text, { key: i, color: levelColor(pal, e.level), wrap: 'truncate-end' }, truncate(logLine(e), width))),
  );
}
