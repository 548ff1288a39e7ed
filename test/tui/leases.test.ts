// The DHCPv6 screen with 100,000 leases: one page asked for and drawn, paging with `after`,
// search on the daemon, and release only after a y.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { leasePageSize } from '../../tui/screens/dhcpv6.ts';
import { FakeApi, makeLeases } from './fake-api.ts';
import { KEYS, startApp, widest } from './harness.ts';

function bigApi(): FakeApi {
  const api = new FakeApi();
  api.leaseList = makeLeases(100_000);
  return api;
}

const leaseLines = (frame: string): string[] => frame.split('\n').filter((l) => /^[ ›] 2001:db8:1::/.test(l));

test('100,000 leases: the screen asks for one page and draws only the visible rows', async () => {
  const api = bigApi();
  const app = await startApp({ api, props: { initialScreen: 'dhcpv6' } });
  try {
    const frame = await app.until('of 100000');
    const pageSize = leasePageSize(20);
    const asked = api.callsTo('leases');
    assert.equal(asked.length, 1, 'one request');
    assert.deepEqual(asked[0], [{ limit: pageSize }]);
    assert.equal(leaseLines(frame).length, pageSize);
    assert.ok(frame.includes(`Leases 1–${pageSize} of 100000`));
    assert.ok(widest(frame) <= 80);
  } finally {
    app.unmount();
  }
});

test('moving past the last row fetches the next page with after; PgUp comes back', async () => {
  const api = bigApi();
  const app = await startApp({ api, props: { initialScreen: 'dhcpv6' } });
  try {
    const size = leasePageSize(20);
    await app.until('of 100000');
    for (let i = 0; i < size; i++) await app.press(KEYS.down);
    const second = await app.until((f) => f.includes(`Leases ${size + 1}–${2 * size} of 100000`) && !f.includes('loading'), 'page 2');
    assert.ok(second.includes(`› 2001:db8:1::${(0x1000 + size).toString(16)}`), second);
    assert.deepEqual(api.callsTo('leases').at(-1), [{ limit: size, after: String(size) }]);
    await app.press(KEYS.pageDown);
    await app.until((f) => f.includes(`Leases ${2 * size + 1}–`) && !f.includes('loading'), 'page 3');
    await app.press(KEYS.pageUp);
    await app.until((f) => f.includes(`Leases ${size + 1}–`) && !f.includes('loading'), 'page 2 again');
    assert.ok(api.callsTo('leases').every((args) => (args[0] as { limit: number }).limit === size), 'never more than a page');
  } finally {
    app.unmount();
  }
});

test('/ searches on the daemon and Esc leaves the search as it was', async () => {
  const api = bigApi();
  const app = await startApp({ api, props: { initialScreen: 'dhcpv6' } });
  try {
    await app.until('of 100000');
    await app.press('/');
    await app.until('search: _');
    await app.press('1', '2', '3', '4', '5', 'x', KEYS.backspace);
    await app.until('search: 12345_');
    await app.press('q', '2');
    await app.until('search: 12345q2_');
    assert.ok(app.frame().includes('v6edge · DHCPv6'), 'q and digits are typed, not global keys');
    await app.press(KEYS.backspace, KEYS.backspace, KEYS.enter);
    const found = await app.until((f) => f.includes('search "12345"') && !f.includes('loading'), 'search results');
    assert.deepEqual(api.callsTo('leases').at(-1), [{ limit: leasePageSize(20), search: '12345' }]);
    assert.ok(found.includes('› 2001:db8:1::12345'), found);
    assert.equal(leaseLines(found).length, 1);
    await app.press('/');
    await app.until('search: 12345_');
    await app.press('z', KEYS.escape);
    await app.until((f) => f.includes('search "12345"') && !f.includes('search: '));
  } finally {
    app.unmount();
  }
});

test('r asks before releasing; n keeps the lease, y releases it', async () => {
  const api = new FakeApi();
  const app = await startApp({ api, props: { initialScreen: 'dhcpv6' } });
  try {
    await app.until('2001:db8:1::1000');
    await app.press(KEYS.down, 'r');
    await app.until('Release 2001:db8:1::1001 (00:01:00:01:00:01:aa:bb)? y/n');
    await app.press('n');
    await app.until((f) => !f.includes('Release 2001'));
    assert.equal(api.callsTo('releaseLease').length, 0);
    await app.press('r');
    await app.until('Release 2001:db8:1::1001');
    await app.press('y');
    await app.until('released 2001:db8:1::1001');
    assert.deepEqual(api.callsTo('releaseLease'), [['2001:db8:1::1001']]);
    const frame = await app.until((f) => /› 2001:db8:1::1001 .*released/.test(f), 'the released state');
    assert.ok(widest(frame) <= 80);
  } finally {
    app.unmount();
  }
});
