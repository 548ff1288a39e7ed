// Pure arithmetic and text for benchmark sections: percentiles, /proc parsing, ratios, tables.
// Kept free of I/O so test/bench can check every figure a results file prints.

export interface Distribution {
  readonly count: number;
  readonly min: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/**
 * Nearest-rank percentile (the smallest sample with at least q of the samples at or below it):
 * always a value that was measured, never an interpolation between two.
 */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export function distribution(samples: readonly number[]): Distribution {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((s, x) => s + x, 0);
  return {
    count: sorted.length,
    min: sorted[0] ?? Number.NaN,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    max: sorted.at(-1) ?? Number.NaN,
    mean: sorted.length === 0 ? Number.NaN : sum / sorted.length,
  };
}

/**
 * utime + stime in clock ticks from the text of /proc/PID/stat (proc(5) fields 14 and 15). The
 * command name (field 2) may hold spaces and parentheses, so fields are counted after its last `)`.
 */
export function cpuTicksFromStat(stat: string): number {
  const close = stat.lastIndexOf(')');
  if (close < 0) throw new Error(`not a /proc/PID/stat line: ${stat.slice(0, 80)}`);
  // After ")": field 3 (state) is index 0, so field N is index N - 3.
  const fields = stat.slice(close + 1).trim().split(/\s+/);
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`no utime/stime in /proc/PID/stat: ${stat.slice(0, 80)}`);
  return utime + stime;
}

/** VmRSS in KiB from the text of /proc/PID/status, or undefined when the line is absent (a zombie). */
export function vmRssKiB(status: string): number | undefined {
  const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return m === null ? undefined : Number(m[1]);
}

/** `ours / anchor` as text: `1.23×`, or `n/a` when either side is missing or the anchor is 0. */
export function ratio(ours: number, anchor: number): string {
  if (!Number.isFinite(ours) || !Number.isFinite(anchor) || anchor === 0) return 'n/a';
  return `${(ours / anchor).toFixed(2)}×`;
}

/** A number for a table cell: fixed decimals, `—` when not measured. */
export function fmt(x: number | undefined, decimals = 0): string {
  return x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(decimals);
}

/** A GitHub-flavoured Markdown table. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** One load step: what was offered and what came back. */
export interface StepOutcome {
  /** Offered exchanges per second. */
  readonly rate: number;
  readonly solicitsSent: number;
  /** Completed exchanges: Replies that end a 4-way or a rapid-commit exchange. */
  readonly replies: number;
  readonly durationS: number;
}

/** Percent of started exchanges that never got their Reply. */
export function dropPercent(s: StepOutcome): number {
  if (s.solicitsSent === 0) return 100;
  return (Math.max(0, s.solicitsSent - s.replies) / s.solicitsSent) * 100;
}

/** The limit for a sustained rate: under 1% of exchanges lost. */
export const MAX_DROP_PERCENT = 1;

export function sustained(s: StepOutcome): boolean {
  return dropPercent(s) < MAX_DROP_PERCENT;
}

/**
 * The highest sustained step of a run that stepped up and stopped at the first failing step:
 * its completed exchanges per second, or 0 when even the first step lost 1% or more.
 */
export function sustainedRate(steps: readonly StepOutcome[]): number {
  let best = 0;
  for (const s of steps) {
    if (!sustained(s)) break;
    best = s.replies / s.durationS;
  }
  return best;
}
