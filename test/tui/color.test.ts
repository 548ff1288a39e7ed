// NO_COLOR: with colour forced on for the terminal, the app still emits no escape codes when
// told not to; the same frame with colour on does carry them (so the check can fail).
import assert from 'node:assert/strict';
import { test } from 'node:test';

// Chalk decides at import whether the terminal takes colour; force it so colour is possible.
process.env.FORCE_COLOR = '1';
const { createElement: h } = await import('react');
const { render } = await import('ink-testing-library');
const { App } = await import('../../tui/app.ts');
const { FakeApi } = await import('./fake-api.ts');

// eslint-disable-next-line no-control-regex
const SGR = /\u001B\[[0-9;]*m/;

const MARK = { overview: 'mgmt0', dhcpv6: '2001:db8:1::1000', changes: 'add web1' } as const;

async function frameWith(color: boolean, screen: 'overview' | 'dhcpv6' | 'changes'): Promise<string> {
  const api = new FakeApi();
  const r = render(h(App, { client: api, columns: 80, rows: 24, color, refreshMs: 60_000, now: () => api.now(), initialScreen: screen }));
  try {
    const end = Date.now() + 3000;
    for (;;) {
      const f = r.lastFrame() ?? '';
      if (f.includes(MARK[screen]) || Date.now() > end) return f;
      await new Promise((res) => setTimeout(res, 5));
    }
  } finally {
    r.unmount();
  }
}

test('colour on: frames carry SGR codes; NO_COLOR: none at all', async () => {
  for (const screen of ['overview', 'dhcpv6', 'changes'] as const) {
    const colored = await frameWith(true, screen);
    const plain = await frameWith(false, screen);
    assert.match(colored, SGR, `${screen} with colour`);
    assert.doesNotMatch(plain, SGR, `${screen} under NO_COLOR`);
    assert.ok(plain.includes(`[${screen === 'overview' ? 1 : screen === 'dhcpv6' ? 4 : 8} `), 'the current tab is marked without colour');
  }
});
