// Edits: a host form whose refusal shows each problem beside its field, commit and
// commit-confirm with the countdown and the confirm key, the lockout guard, and rollback.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeApi, T0 } from './fake-api.ts';
import { KEYS, startApp, widest } from './harness.ts';

async function type(app: Awaited<ReturnType<typeof startApp>>, text: string): Promise<void> {
  await app.press(...Array.from(text));
}

test('add-host form: problems from putCandidate appear beside their fields; nothing is committed', async () => {
  const api = new FakeApi();
  const app = await startApp({ api, props: { initialScreen: 'hosts' } });
  try {
    await app.until('web1');
    await app.press('a');
    await app.until('Add a host to the candidate');
    await type(app, 'db2');
    await app.press(KEYS.tab);
    await type(app, 'eth9');
    await app.press(KEYS.tab);
    await type(app, 'not-an-address');
    await app.press(KEYS.enter);
    const refused = await app.until('✗ No interface named "eth9".');
    const line = (label: string): string => refused.split('\n').find((l) => l.includes(label)) ?? '';
    assert.match(line('Interface'), /eth9\s+✗ No interface named "eth9"\./);
    assert.match(line('Next hop'), /not-an-address_?\s+✗ Expected an IPv6 address\./);
    assert.doesNotMatch(line('Name'), /✗/);
    assert.ok(widest(refused) <= 80);
    assert.equal(api.callsTo('commit').length, 0);
    assert.ok(!('db2' in (api.candidateDoc.hosts as object)), 'a refused edit leaves the candidate alone');
    // Fix the fields and submit again: the focus is still on Next hop.
    for (let i = 0; i < 'not-an-address'.length; i++) await app.press(KEYS.backspace);
    await type(app, 'fe80::20');
    await app.press(KEYS.up);
    for (let i = 0; i < 4; i++) await app.press(KEYS.backspace);
    await type(app, 'lan0');
    await app.press(KEYS.enter);
    await app.until('db2 is in the candidate — commit it on 8 Changes');
    assert.deepEqual((api.candidateDoc.hosts as Record<string, unknown>).db2, { interface: 'lan0', nextHop: 'fe80::20' });
    assert.equal(api.callsTo('commit').length, 0, 'nothing applies without a commit');
    await app.until('1 uncommitted');
  } finally {
    app.unmount();
  }
});

test('a host name the daemon refuses is shown on the Name field; Esc leaves the form', async () => {
  const app = await startApp({ props: { initialScreen: 'hosts' } });
  try {
    await app.until('web1');
    await app.press('a');
    await app.until('Add a host');
    await type(app, 'DB');
    await app.press(KEYS.tab);
    await type(app, 'lan0');
    await app.press(KEYS.tab);
    await type(app, 'fe80::3');
    await app.press(KEYS.enter);
    const f = await app.until('✗ Host names are');
    assert.match(f.split('\n').find((l) => l.includes('Name')) ?? '', /DB\s+✗ Host names are/);
    await app.press(KEYS.escape);
    await app.until('Routes (2)');
  } finally {
    app.unmount();
  }
});

test('commit with a comment applies the candidate as a new revision', async () => {
  const api = new FakeApi();
  api.candidateDoc = { ...api.candidateDoc, hosts: {} };
  const app = await startApp({ api, props: { initialScreen: 'changes' } });
  try {
    await app.until('- hosts.web1');
    await app.press('c');
    await app.until('Comment: _');
    await type(app, 'drop web1');
    await app.press(KEYS.enter);
    await app.until('Enter commit · k commit-confirm (120 s) · Esc cancel');
    await app.press(KEYS.enter);
    await app.until('commit: revision 4');
    assert.deepEqual(api.callsTo('commit'), [[{ comment: 'drop web1' }]]);
    await app.until((f) => f.includes('drop web1') && f.includes('no changes'), 'history and an empty diff');
  } finally {
    app.unmount();
  }
});

test('lockout guard: a management-path diff warns and Enter means commit-confirm; the countdown shows and y confirms', async () => {
  const api = new FakeApi();
  api.candidateDoc = { ...api.candidateDoc, firewall: { management: { interfaces: [] } } };
  const app = await startApp({ api, props: { initialScreen: 'changes' } });
  try {
    const warned = await app.until('! touches the management path (firewall.management)');
    assert.ok(widest(warned) <= 80);
    await app.press('c');
    await app.until('Comment: _');
    await type(app, 'tighten');
    await app.press(KEYS.enter);
    await app.until('Enter commit-confirm (120 s) · n commit without confirm');
    await app.press(KEYS.enter);
    const counting = await app.until('Revision 4 rolls back in 120 s unless confirmed — press y to confirm');
    assert.ok(counting.includes('confirm rev 4 in 120 s'), 'the header carries the countdown on every screen');
    assert.deepEqual(api.callsTo('commit'), [[{ comment: 'tighten', confirmSeconds: 120 }]]);
    // Time passes on the daemon's clock.
    api.now = () => T0 + 45_000;
    await app.press('r');
    await app.until('rolls back in 75 s');
    await app.press('y');
    await app.until((f) => !f.includes('rolls back in') && f.includes('confirm: revision 4'), 'confirmed');
    assert.equal(api.callsTo('confirm').length, 1);
  } finally {
    app.unmount();
  }
});

test('rollback asks for the selected revision and rolls back to it', async () => {
  const api = new FakeApi();
  const app = await startApp({ api, props: { initialScreen: 'changes' } });
  try {
    await app.until('add web1');
    await app.press(KEYS.down, 'b');
    await app.until('Roll back to revision 2? y/n');
    await app.press('n');
    await app.until((f) => !f.includes('Roll back to'));
    assert.equal(api.callsTo('rollback').length, 0);
    await app.press('b');
    await app.until('Roll back to revision 2? y/n');
    await app.press('y');
    await app.until('rollback: revision 4');
    assert.deepEqual(api.callsTo('rollback'), [[2, 'rollback to 2 from the TUI']]);
    await app.until('rollback to 2 from the TUI');
  } finally {
    app.unmount();
  }
});
