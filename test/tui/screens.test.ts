// Every screen drawn against the fake at 80×24: its content is there, no line is wider than 80
// columns and the frame fits the console's height. Screens are switched with the real keys.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeApi } from './fake-api.ts';
import { KEYS, startApp, widest } from './harness.ts';

const SCREENS: [string, string, string[]][] = [
  ['1', 'Overview', ['NDP proxy degraded (no upstream prefix yet)', 'mgmt0', 'upstream  2001:db8:ffff::2/64', 'delegated 2001:db8:100:1::/56', 'rogue-ra: fe80::bad']],
  ['2', 'Interfaces', ['stateful', '02:00:00:00:00:01', 'mgmt0']],
  ['3', 'Router Advertisements', ['in 30 s', 'RDNSS 2001:db8:1::1', 'drops bad-hop-limit 2', 'rogue RA']],
  ['4', 'DHCPv6', ['Pools (2)', '100% 65536/65536', 'Leases 1–', '2001:db8:1::1000']],
  ['5', 'Hosts & routes', ['web1', '2001:db8:200::/48', 'app 2001:db8:2', 'drift repairs 2', 'installed']],
  ['6', 'NDP proxy', ['solicitations 40', '2001:db8:ffff::77', 'answering', '20 s']],
  ['7', 'Firewall', ['icmpv6 nd (RFC 4890)', '3.4M', '2.1G', 'Published ports (1)']],
  ['8', 'Changes', ['Candidate vs running: no changes', 'add web1']],
  ['9', 'Logs', ['pool lan0 pd exhausted', 'sent RA on lan0']],
];

test('each screen shows its data within 80 columns and 24 lines', async () => {
  const app = await startApp();
  try {
    for (const [key, title, texts] of SCREENS) {
      await app.press(key);
      const frame = await app.until((f) => f.includes(`v6edge · ${title}`) && texts.every((t) => f.includes(t)), `${title}: ${texts.join(' | ')}`);
      assert.ok(widest(frame) <= 80, `${title} is ${widest(frame)} columns wide:\n${frame}`);
      assert.ok(frame.split('\n').length <= 24, `${title} is ${frame.split('\n').length} lines tall`);
    }
  } finally {
    app.unmount();
  }
});

test('long values are cut with … rather than wrapped', async () => {
  const api = new FakeApi();
  api.interfaceList = [{ ...api.interfaceList[0]!, addresses: Array.from({ length: 6 }, (_, i) => `2001:db8:ffff:ffff:ffff:ffff:ffff:${i}/64`) }];
  const app = await startApp({ api });
  try {
    const frame = await app.until('wan0');
    const line = frame.split('\n').find((l) => l.startsWith('wan0')) ?? '';
    assert.ok(line.endsWith('…'), line);
    assert.ok(widest(frame) <= 80);
  } finally {
    app.unmount();
  }
});

test('a large terminal gets wider columns', async () => {
  const app = await startApp({ columns: 160, rows: 50 });
  try {
    await app.press('2');
    const frame = await app.until('lan0');
    assert.ok(frame.includes('2001:db8:1::1/64 fe80::1/64'), 'addresses fit uncut at 160 columns');
    assert.ok(widest(frame) <= 160);
  } finally {
    app.unmount();
  }
});

test('Tab and Shift-Tab walk the screens; ? toggles help', async () => {
  const app = await startApp();
  try {
    await app.press(KEYS.tab);
    await app.until('v6edge · Interfaces');
    await app.press(KEYS.tab, KEYS.tab);
    await app.until('v6edge · DHCPv6');
    await app.press('\u001B[Z');
    await app.until('v6edge · Router Advertisements');
    await app.press('?');
    const help = await app.until('Keys on this screen');
    assert.ok(help.includes('switch screen'));
    await app.press('?');
    await app.until((f) => !f.includes('Keys on this screen') && f.includes('Next RA'));
  } finally {
    app.unmount();
  }
});

test('q quits at once when the candidate is clean', async () => {
  const app = await startApp();
  let exited = false;
  try {
    await app.press('q');
    // Ink clears nothing here; the app stops answering keys once it has exited.
    await app.press('2');
    exited = !app.frame().includes('v6edge · Interfaces');
  } finally {
    app.unmount();
  }
  assert.ok(exited, 'keys after q are not handled');
});

test('q with uncommitted edits asks first; n stays, y quits', async () => {
  const api = new FakeApi();
  api.candidateDoc = { ...api.candidateDoc, hosts: {} };
  const app = await startApp({ api });
  try {
    await app.until('1 uncommitted');
    await app.press('q');
    await app.until('The candidate has 1 uncommitted change. Quit anyway? y/n');
    await app.press('2');
    assert.ok(app.frame().includes('v6edge · Overview'), 'screen keys wait for the answer');
    await app.press('n');
    await app.until((f) => !f.includes('Quit anyway'));
    await app.press('2');
    await app.until('v6edge · Interfaces');
    await app.press('q', 'y');
    await app.press('3');
    assert.ok(!app.frame().includes('v6edge · Router Advertisements'), 'the app has exited');
  } finally {
    app.unmount();
  }
});
