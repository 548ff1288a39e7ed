// Daemon restarts: the header shows the outage while calls fail, the app retries with backoff,
// and on recovery the banner goes, screens reload and the event stream is subscribed again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeApi, T0 } from './fake-api.ts';
import { startApp } from './harness.ts';

test('the outage banner appears when the daemon goes away and disappears when it is back', async () => {
  const api = new FakeApi();
  const app = await startApp({ api, props: { initialScreen: 'logs' } });
  try {
    await app.until('sent RA on lan0');
    assert.equal(api.subscriberCount, 1);
    api.goDown();
    const down = await app.until('daemon unreachable — retrying');
    assert.ok(down.split('\n')[0]?.includes('daemon unreachable'), 'in the header line');
    // Retries keep failing while it is down: the attempt count climbs.
    await app.until((f) => /attempt [2-9]/.test(f), 'a second attempt');
    api.logList = [...api.logList, { at: T0, level: 'info', component: 'daemon', message: 'started again' }];
    api.recover();
    await app.until((f) => !f.includes('unreachable') && f.includes('started again'), 'recovery with reloaded logs');
    await app.until(() => api.subscriberCount === 1, 'one subscription again');
    api.emit({ type: 'log', at: T0 + 1000, entry: { at: T0 + 1000, level: 'warn', component: 'ra', message: 'after the restart' } });
    await app.until('after the restart');
  } finally {
    app.unmount();
  }
});

test('an app started while the daemon is down says so and connects when it comes up', async () => {
  const api = new FakeApi();
  api.failing = true;
  const app = await startApp({ api });
  try {
    await app.until('daemon unreachable');
    api.recover();
    await app.until((f) => !f.includes('unreachable') && f.includes('lan0'), 'the overview after connecting');
  } finally {
    app.unmount();
  }
});

test('an API refusal is not an outage', async () => {
  const api = new FakeApi();
  const app = await startApp({ api, props: { initialScreen: 'changes' } });
  try {
    await app.until('add web1');
    await app.press('y');
    await app.press('c');
    const f = await app.until('nothing to commit');
    assert.ok(!f.includes('unreachable'));
  } finally {
    app.unmount();
  }
});

test('the log tail follows the event stream and filters by component', async () => {
  const api = new FakeApi();
  const app = await startApp({ api, props: { initialScreen: 'logs' } });
  try {
    await app.until('showing all of dhcpv6, ra');
    api.emit({ type: 'log', at: T0 + 1, entry: { at: T0 + 1, level: 'error', component: 'reconcile', message: 'route add failed' } });
    await app.until('route add failed');
    await app.press('f');
    const only = await app.until('showing dhcpv6 ·');
    assert.ok(only.includes('pool lan0 pd exhausted') && !only.includes('sent RA on lan0') && !only.includes('route add failed'));
    await app.press('f', 'f');
    const rec = await app.until('showing reconcile ·');
    assert.ok(rec.includes('route add failed') && !rec.includes('pool lan0'));
    await app.press('a');
    await app.until('showing all of');
  } finally {
    app.unmount();
  }
});
