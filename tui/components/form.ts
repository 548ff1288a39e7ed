// A form drawn from its state: one line per field, the daemon's problem for that field on the
// same line (or the next when it does not fit), problems without a field above. Props only; the
// screen owns the keys.
import { Box, Text } from 'ink';
import { createElement as h, type ReactElement } from 'react';
import type { FormState } from '../state/form.ts';
import type { Palette } from './palette.ts';
import { fit, textWidth, truncate } from './text.ts';

export const FORM_LABEL_WIDTH = 10;

/**
 * One field as text: `› Next hop   fe80::1_                 ✗ problem`, or the hint when focused
 * and fine. A problem too long for the line goes on a line of its own under the value, so the
 * part that names what is wrong (`web.prefix: …`) is not the part cut off.
 */
export function fieldLines(label: string, value: string, focused: boolean, problem: string | undefined, width: number, hint?: string): string[] {
  const valueWidth = Math.max(8, Math.min(30, width - FORM_LABEL_WIDTH - 6));
  const shown = focused ? `${value}_` : value === '' ? '·' : value;
  const start = `${focused ? '›' : ' '} ${fit(label, FORM_LABEL_WIDTH)} ${fit(shown, valueWidth)}`;
  const note = problem !== undefined ? ` ✗ ${problem}` : focused && hint !== undefined ? ` (${hint})` : '';
  if (problem !== undefined && textWidth(start + note) > width) {
    return [truncate(start.trimEnd(), width), truncate(`${' '.repeat(FORM_LABEL_WIDTH + 3)}✗ ${problem}`, width)];
  }
  return [truncate(note === '' ? start.trimEnd() : start + note, width)];
}

export function Form(p: { readonly title: string; readonly form: FormState; readonly width: number; readonly palette: Palette }): ReactElement {
  const { form, width, palette } = p;
  return h(
    Box,
    { flexDirection: 'column', flexShrink: 0 },
    h(Text, { bold: palette.color, color: palette.accent, wrap: 'truncate-end' }, truncate(p.title, width)),
    ...form.formProblems.map((m, i) => h(Text, { key: `f${i}`, color: palette.bad, wrap: 'truncate-end' }, truncate(`✗ ${m}`, width))),
    ...form.fields.flatMap((f, i) => {
      const problems = form.fieldProblems[f.name] ?? [];
      const lines = fieldLines(f.label, form.values[f.name] ?? '', i === form.focus, problems.length > 0 ? problems.join('; ') : undefined, width, f.hint);
      return lines.map((line, j) =>
        h(Text, { key: `${f.name}${j}`, color: problems.length > 0 ? palette.bad : undefined, wrap: 'truncate-end' }, line),
      );
    }),
    h(
      Text,
      { color: palette.muted, wrap: 'truncate-end' },
      truncate(form.submitting ? 'sending to the candidate…' : 'Tab/↑↓ field · Enter put into candidate (not applied until commit) · Esc cancel', width),
    ),
  );
}
