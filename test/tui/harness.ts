// Renders the app against the fake at a fixed terminal size and waits for frames by content.
import { createElement as h } from 'react';
import { render } from 'ink-testing-library';
import { App, type AppProps } from '../../tui/app.ts';
import { FakeApi } from './fake-api.ts';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001B\[[0-9;?]*[A-Za-z]/g;

export function plain(frame: string): string {
  return frame.replace(ANSI, '');
}

export const KEYS = {
  enter: '\r',
  escape: '\u001B',
  tab: '\t',
  up: '\u001B[A',
  down: '\u001B[B',
  pageDown: '\u001B[6~',
  pageUp: '\u001B[5~',
  backspace: '\u007F',
  clearLine: '\u0015',
} as const;

export interface Harness {
  readonly api: FakeApi;
  frame(): string;
  press(...keys: string[]): Promise<void>;
  /** Writes keys back to back, with no time for React to render between them (a paste, a loaded machine). */
  burst(...keys: string[]): void;
  /** Waits until the frame satisfies `check` (a string it contains, or a predicate). */
  until(check: string | ((frame: string) => boolean), what?: string): Promise<string>;
  unmount(): void;
}

const DEADLINE_MS = 3000;

export async function startApp(options: { api?: FakeApi; columns?: number; rows?: number; props?: Partial<AppProps> } = {}): Promise<Harness> {
  const api = options.api ?? new FakeApi();
  const r = render(
    h(App, {
      client: api,
      columns: options.columns ?? 80,
      rows: options.rows ?? 24,
      color: false,
      refreshMs: 60_000,
      backoff: { initialMs: 20, maxMs: 100 },
      now: () => api.now(),
      ...options.props,
    }),
  );
  const frame = (): string => plain(r.lastFrame() ?? '');
  const until = async (check: string | ((f: string) => boolean), what?: string): Promise<string> => {
    const test = typeof check === 'string' ? (f: string) => f.includes(check) : check;
    const end = Date.now() + DEADLINE_MS;
    for (;;) {
      const f = frame();
      if (test(f)) {
        // Ink installs the new input handlers just after drawing; let that happen before keys.
        await new Promise((res) => setTimeout(res, 10));
        return f;
      }
      if (Date.now() > end) throw new Error(`frame never showed ${what ?? String(check)}; last frame:\n${f}`);
      await new Promise((res) => setTimeout(res, 5));
    }
  };
  const press = async (...keys: string[]): Promise<void> => {
    for (const k of keys) {
      r.stdin.write(k);
      // Let React commit the key's state before the next one arrives, as a typist would.
      await new Promise((res) => setTimeout(res, 20));
    }
  };
  await until((f) => !f.includes('connecting to the daemon'), 'the first answer');
  const burst = (...keys: string[]): void => {
    for (const k of keys) r.stdin.write(k);
  };
  return { api, frame, press, burst, until, unmount: () => r.unmount() };
}

/** Every line of the frame fits `columns`. */
export function widest(frame: string): number {
  return Math.max(0, ...frame.split('\n').map((l) => Array.from(l).length));
}
