// A table as lines of fixed-width text: a header, then the rows that fit, each cut to the
// terminal with …. The caller passes only what to show; the table never wraps a row.
import { Box, Text } from 'ink';
import { createElement as h, type ReactElement } from 'react';
import type { Palette } from './palette.ts';
import { type ColumnSpec, formatRow, layoutColumns, truncate } from './text.ts';
import { windowStart } from '../state/selection.ts';

export interface TableProps {
  readonly columns: readonly ColumnSpec[];
  readonly rows: readonly (readonly string[])[];
  readonly width: number;
  /** Lines available, header included. */
  readonly height: number;
  readonly palette: Palette;
  /** Highlighted row; the table scrolls to keep it in view. */
  readonly selected?: number | undefined;
  readonly rowColors?: readonly (string | undefined)[];
  readonly empty?: string;
}

export function Table(props: TableProps): ReactElement {
  const { columns, rows, width, height, palette, selected } = props;
  const marker = selected === undefined ? 0 : 2;
  const widths = layoutColumns(columns, width - marker);
  const header = ' '.repeat(marker) + formatRow(columns.map((c) => c.header), columns, widths);
  const room = Math.max(0, height - 1);
  const start = windowStart(selected ?? 0, rows.length, room);
  const shown = rows.slice(start, start + room);
  return h(
    Box,
    { flexDirection: 'column', flexShrink: 0 },
    h(Text, { bold: palette.color, wrap: 'truncate-end' }, truncate(header, width)),
    rows.length === 0
      ? h(Text, { color: palette.muted, wrap: 'truncate-end' }, truncate(props.empty ?? '(none)', width))
      : shown.map((cells, k) => {
          const i = start + k;
          const isSel = selected === i;
          const prefix = marker === 0 ? '' : isSel ? '› ' : '  ';
          return h(
            Text,
            { key: i, inverse: isSel && palette.color, color: props.rowColors?.[i], wrap: 'truncate-end' },
            truncate(prefix + formatRow(cells, columns, widths), width),
          );
        }),
  );
}
