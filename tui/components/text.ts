// Pure text layout for a fixed-width terminal: every cell is cut to its column with … so a row
// never wraps, whatever the data (long DUIDs, IPv6 addresses, log lines).

/** Code points, not UTF-16 units, so an ellipsis or a box glyph counts as one column. */
export function textWidth(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Cuts `text` to `width` columns, ending with … when something was cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (textWidth(text) <= width) return text;
  return `${Array.from(text).slice(0, width - 1).join('')}…`;
}

/** Exactly `width` columns: truncated or padded with spaces. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const cut = truncate(text, width);
  const pad = ' '.repeat(Math.max(0, width - textWidth(cut)));
  return align === 'left' ? cut + pad : pad + cut;
}

export interface ColumnSpec {
  readonly header: string;
  /** Columns wide at least; a column with `grow` takes a share of what is left. */
  readonly min: number;
  readonly grow?: number;
  readonly align?: 'left' | 'right';
}

/**
 * Column widths for `width` terminal columns with one space between columns. Fixed columns keep
 * `min`; growing ones share the rest by weight. When even the minimums do not fit, the last
 * columns shrink (to 0 if need be) so the row still fits.
 */
export function layoutColumns(specs: readonly ColumnSpec[], width: number): number[] {
  const gaps = Math.max(0, specs.length - 1);
  const widths = specs.map((s) => s.min);
  let spare = width - gaps - widths.reduce((a, b) => a + b, 0);
  if (spare >= 0) {
    const weight = specs.reduce((a, s) => a + (s.grow ?? 0), 0);
    if (weight > 0) {
      let given = 0;
      const growing = specs.map((s, i) => ({ s, i })).filter(({ s }) => (s.grow ?? 0) > 0);
      growing.forEach(({ s, i }, k) => {
        const share = k === growing.length - 1 ? spare - given : Math.floor((spare * (s.grow ?? 0)) / weight);
        widths[i] = (widths[i] ?? 0) + share;
        given += share;
      });
    }
    return widths;
  }
  for (let i = widths.length - 1; i >= 0 && spare < 0; i--) {
    const take = Math.min(widths[i] ?? 0, -spare);
    widths[i] = (widths[i] ?? 0) - take;
    spare += take;
  }
  return widths;
}

/** One table row as a single line of `width` columns or fewer. */
export function formatRow(cells: readonly string[], specs: readonly ColumnSpec[], widths: readonly number[]): string {
  return widths
    .map((w, i) => fit(cells[i] ?? '', w, specs[i]?.align))
    .join(' ')
    .trimEnd();
}

/** `####.... 55%`-style gauge (ASCII, for serial consoles) of `used` out of `size`, `width` columns in all. */
export function usageBar(used: number, size: number, width: number): string {
  const ratio = size > 0 ? Math.min(1, Math.max(0, used / size)) : 0;
  const pct = `${Math.round(ratio * 100)}%`.padStart(5);
  const cells = Math.max(0, width - pct.length);
  const full = Math.round(ratio * cells);
  return '#'.repeat(full) + '.'.repeat(cells - full) + pct;
}

/** Seconds left until `deadline` (ms since the epoch), never negative, rounded up. */
export function secondsLeft(deadline: number, now: number): number {
  return Math.max(0, Math.ceil((deadline - now) / 1000));
}

/** `3d 4h`, `5m 02s`, `42s`: a duration short enough for a table cell. */
export function shortDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 86_400) return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
  if (s >= 3600) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/** `12:03:59` in UTC, so logs line up with the daemon's journal whatever the console's zone. */
export function clockTime(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}
