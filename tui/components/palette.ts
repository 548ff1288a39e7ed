// Colours as data. With NO_COLOR (https://no-color.org) every entry is undefined and no style is
// emitted at all, so the frame carries no escape codes; selection then shows as a › marker.
export interface Palette {
  readonly color: boolean;
  readonly accent: string | undefined;
  readonly good: string | undefined;
  readonly warn: string | undefined;
  readonly bad: string | undefined;
  readonly muted: string | undefined;
}

export function paletteFor(color: boolean): Palette {
  return color
    ? { color, accent: 'cyan', good: 'green', warn: 'yellow', bad: 'red', muted: 'gray' }
    : { color, accent: undefined, good: undefined, warn: undefined, bad: undefined, muted: undefined };
}

/** NO_COLOR set to anything non-empty turns colour off, as the convention says. */
export function colorFromEnv(env: Readonly<Record<string, string | undefined>>): boolean {
  return (env.NO_COLOR ?? '') === '';
}

export function healthColor(p: Palette, health: string): string | undefined {
  if (health === 'ok' || health === 'up' || health === 'installed' || health === 'answering') return p.good;
  if (health === 'degraded' || health === 'pending' || health === 'probing') return p.warn;
  if (health === 'failed' || health === 'down' || health === 'missing') return p.bad;
  return p.muted;
}
