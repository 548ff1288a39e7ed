// The frame around every screen: a title line with the connection and confirm state, the tab
// bar, the key hints, the help overlay and the quit prompt. Props only.
import { Box, Text } from 'ink';
import { createElement as h, type ReactElement } from 'react';
import type { Palette } from './palette.ts';
import { truncate } from './text.ts';
import { SCREENS, type ScreenId } from '../state/router.ts';

export interface HeaderProps {
  readonly width: number;
  readonly palette: Palette;
  readonly title: string;
  readonly revision: number | undefined;
  readonly outage: string | undefined;
  /** e.g. `confirm rev 7 in 93 s — 8 then y`. */
  readonly confirmLine: string | undefined;
  readonly uncommitted: number;
}

export function Header(p: HeaderProps): ReactElement {
  const parts = [`v6edge · ${p.title}`, p.revision === undefined ? 'no revision' : `rev ${p.revision}`];
  if (p.uncommitted > 0) parts.push(`${p.uncommitted} uncommitted`);
  const right = p.outage ?? p.confirmLine;
  return h(
    Box,
    { flexShrink: 0 },
    h(Text, { bold: p.palette.color, color: p.palette.accent, wrap: 'truncate-end' }, truncate(parts.join(' · '), p.width)),
    right === undefined
      ? null
      : h(Text, { color: p.outage === undefined ? p.palette.warn : p.palette.bad, wrap: 'truncate-end' }, truncate(` · ${right}`, Math.max(0, p.width - parts.join(" · ").length))),
  );
}

/** The tab bar as one line (`1 Overview 2 Ifaces …`, 75 columns), cut with … when narrower. */
export function Tabs(p: { readonly width: number; readonly palette: Palette; readonly current: ScreenId }): ReactElement {
  let used = 0;
  const parts: ReactElement[] = [];
  SCREENS.forEach((s, i) => {
    const on = s.id === p.current;
    const label = on && !p.palette.color ? `[${i + 1} ${s.tab}]` : `${i + 1} ${s.tab}`;
    const text = truncate((i === 0 ? '' : ' ') + label, p.width - used);
    used += text.length;
    if (text !== '') parts.push(h(Text, { key: s.id, inverse: on && p.palette.color, color: on ? undefined : p.palette.muted }, text));
  });
  return h(Text, { wrap: 'truncate-end' }, ...parts);
}

export function Footer(p: { readonly width: number; readonly palette: Palette; readonly hints: string }): ReactElement {
  return h(Text, { color: p.palette.muted, wrap: 'truncate-end' }, truncate(`${p.hints} · ? keys · q quit`, p.width));
}

export const GLOBAL_KEYS: readonly (readonly [string, string])[] = [
  ['1–9', 'switch screen'],
  ['Tab / Shift-Tab', 'next / previous screen'],
  ['↑ ↓ PgUp PgDn', 'move in a list'],
  ['?', 'show or hide this help'],
  ['q', 'quit (asks when the candidate has uncommitted edits)'],
  ['Esc', 'cancel a prompt, search or form'],
];

export function Help(p: { readonly width: number; readonly palette: Palette; readonly screenKeys: readonly (readonly [string, string])[] }): ReactElement {
  const line = (k: string, v: string): string => truncate(`  ${k.padEnd(16)} ${v}`, p.width);
  return h(
    Box,
    { flexDirection: 'column', flexShrink: 0 },
    h(Text, { bold: p.palette.color }, 'Keys on this screen'),
    ...p.screenKeys.map(([k, v]) => h(Text, { key: `s${k}`, wrap: 'truncate-end' }, line(k, v))),
    h(Text, { bold: p.palette.color }, 'Everywhere'),
    ...GLOBAL_KEYS.map(([k, v]) => h(Text, { key: `g${k}`, wrap: 'truncate-end' }, line(k, v))),
  );
}

/** A question on one line; the screen's input handler takes the answer. */
export function Prompt(p: { readonly width: number; readonly palette: Palette; readonly text: string }): ReactElement {
  return h(Text, { color: p.palette.warn, bold: p.palette.color, wrap: 'truncate-end' }, truncate(p.text, p.width));
}

/** A section title inside a screen. */
export function Section(p: { readonly width: number; readonly palette: Palette; readonly title: string }): ReactElement {
  return h(Text, { color: p.palette.accent, bold: p.palette.color, wrap: 'truncate-end' }, truncate(p.title, p.width));
}

/** A one-line note (status message, error), coloured by tone. */
export function Note(p: { readonly width: number; readonly color: string | undefined; readonly text: string }): ReactElement {
  return h(Text, { color: p.color, wrap: 'truncate-end' }, truncate(p.text, p.width));
}
