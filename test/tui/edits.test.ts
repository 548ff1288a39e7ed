// Edits: a host form (with container networks) whose refusal shows each problem beside its field,
// commit and commit-confirm with a typed window, the countdown and the confirm key, the lockout
// guard, and rollback.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeApi, T0 } from './fake-api.ts';
import { KEYS, startApp, widest } from './harness.ts';

async function type(app: Awaited<ReturnType<typeof startApp>>, text: string): Promise<void> {
  await app.press(...Array.from(text));
}

/** A form field's line, joined with the problem line under it when the problem did not fit beside. */
function fieldText(frame: string, label: string): string {
  const lines = frame.split('\n');
  const at = lines.findIndex((l) => new RegExp(`^[› ] ${label}\\b`).test(l));
  const next = lines[at + 1] ?? '';
  return at < 0 ? '' : /^\s+✗ /.test(next) ? `${lines[at]} ${next.trim()}` : (lines[at] ?? '');
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

/** Hosts → a → fills the form one field at a time (Tab between), leaving blank ones untouched. */
async function fillHostForm(app: Awaited<ReturnType<typeof startApp>>, values: readonly string[]): Promise<void> {
  await app.press('a');
  await app.until('Add a host to the candidate');
  for (const [i, v] of values.entries()) {
    if (i > 0) await app.press(KEYS.tab);
    await type(app, v);
  }
}

test('add-host form: container networks go into the candidate; a bad one is named on the Networks line', async () => {
  const api = new FakeApi();
  const app = await startApp({ api, props: { initialScreen: 'hosts' } });
  try {
    await app.until('web1');
    await fillHostForm(app, ['ch2', 'lan0', 'fe80::20', '', 'web=nope, db']);
    const focused = app.frame().split('\n').find((l) => l.includes('Networks')) ?? '';
    assert.match(focused, /› Networks\s+web=nope, db_/);
    await app.press(KEYS.enter);
    const refused = await app.until('✗ web.prefix:');
    // Too long for the field's line, the problem takes the line under it, whole.
    const lines = refused.split('\n');
    const at = lines.findIndex((l) => l.includes('Networks'));
    assert.match(lines[at] ?? '', /› Networks\s+web=nope, db_$/);
    assert.match(lines[at + 1] ?? '', /^\s{13}✗ web\.prefix: Expected an IPv6 prefix such as 2001:db8::\/80\.$/);
    assert.ok(widest(refused) <= 80);
    assert.ok(!('ch2' in (api.candidateDoc.hosts as object)), 'a refused edit leaves the candidate alone');
    await app.press(KEYS.clearLine);
    for (let i = 0; i < 'web=nope, db'.length; i++) await app.press(KEYS.backspace);
    await type(app, 'web=2001:db8:4001:1::/80, db');
    await app.press(KEYS.enter);
    await app.until('ch2 is in the candidate');
    assert.deepEqual((api.candidateDoc.hosts as Record<string, unknown>).ch2, {
      interface: 'lan0',
      nextHop: 'fe80::20',
      networks: { web: { prefix: '2001:db8:4001:1::/80' }, db: {} },
    });
    assert.equal(api.callsTo('commit').length, 0);
  } finally {
    app.unmount();
  }
});

test('add-host form: a network named twice is refused on the Networks line without asking the daemon', async () => {
  const api = new FakeApi();
  const app = await startApp({ api, props: { initialScreen: 'hosts' } });
  try {
    await app.until('web1');
    await fillHostForm(app, ['ch2', 'lan0', 'fe80::20', '', 'web,db,web']);
    const puts = api.callsTo('putCandidate').length;
    await app.press(KEYS.enter);
    const refused = await app.until('✗ web is named more than once');
    assert.match(fieldText(refused, 'Networks'), /web,db,web_\s+✗ web is named more than once; give each network its own name\.$/);
    assert.equal(api.callsTo('putCandidate').length, puts);
  } finally {
    app.unmount();
  }
});

test('commit-confirm with a typed window: a bad one stays in the prompt, Esc goes back, 5 s is sent and counted down', async () => {
  const api = new FakeApi();
  api.candidateDoc = { ...api.candidateDoc, hosts: {} };
  const app = await startApp({ api, props: { initialScreen: 'changes' } });
  try {
    await app.until('- hosts.web1');
    await app.press('c');
    await app.until('Comment: _');
    await type(app, 'probation');
    await app.press(KEYS.enter);
    await app.until('k commit-confirm (window next)');
    await app.press('k');
    await app.until('Confirm within: 120s_   (90, 90s, 2m) Enter commit-confirm · Esc back');
    await app.press(KEYS.escape);
    await app.until('k commit-confirm (window next)');
    await app.press('k');
    await app.until('Confirm within: 120s_');
    for (let i = 0; i < 4; i++) await app.press(KEYS.backspace);
    await type(app, 'soon');
    await app.until('Confirm within: soon_');
    await app.press(KEYS.enter);
    const refused = await app.until('✗ "soon" is not a duration');
    assert.ok(widest(refused) <= 80);
    assert.equal(api.callsTo('commit').length, 0, 'a window that does not parse commits nothing');
    await app.press(KEYS.clearLine);
    await app.until('Confirm within: _');
    await type(app, '5');
    await app.until('Confirm within: 5_');
    await app.press(KEYS.enter);
    await app.until('Revision 4 rolls back in 5 s unless confirmed');
    assert.deepEqual(api.callsTo('commit'), [[{ comment: 'probation', confirmSeconds: 5 }]]);
    // The next commit-confirm offers the default again.
    api.candidateDoc = { ...api.candidateDoc, hosts: { web9: { interface: 'lan0', nextHop: 'fe80::9' } } };
    await app.press('r');
    await app.until('+ hosts.web9');
    await app.press('c');
    await app.until('Comment: _');
    await app.press(KEYS.enter, 'k');
    await app.until('Confirm within: 120s_');
    await app.press(KEYS.clearLine, '2', 'm');
    await app.until('Confirm within: 2m_');
    await app.press(KEYS.enter);
    await app.until('Revision 5 rolls back in 120 s');
    assert.deepEqual(api.callsTo('commit')[1], [{ comment: 'committed from the TUI', confirmSeconds: 120 }]);
  } finally {
    app.unmount();
  }
});

test('keys faster than renders: the form and the commit prompts act on every key typed before Enter', async () => {
  const api = new FakeApi();
  const app = await startApp({ api, props: { initialScreen: 'hosts' } });
  try {
    await app.until('web1');
    await app.press('a');
    await app.until('Add a host to the candidate');
    app.burst(...'ch2', KEYS.tab, ...'lan0', KEYS.tab, ...'fe80::20', KEYS.tab, KEYS.tab, ...'web', KEYS.enter);
    await app.until('ch2 is in the candidate');
    assert.deepEqual((api.candidateDoc.hosts as Record<string, unknown>).ch2, { interface: 'lan0', nextHop: 'fe80::20', networks: { web: {} } });
    await app.press('8');
    await app.until('+ hosts.ch2');
    app.burst('c', ...'quick', KEYS.enter, 'k', KEYS.clearLine, ...'7s', KEYS.enter);
    await app.until('Revision 4 rolls back in 7 s');
    assert.deepEqual(api.callsTo('commit'), [[{ comment: 'quick', confirmSeconds: 7 }]]);
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
    assert.match(fieldText(f, 'Name'), /DB\s+✗ Host names are lower-case letters, digits and -\.$/);
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
    await app.until('Enter commit · k commit-confirm (window next) · Esc cancel');
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
    await app.until('Enter commit-confirm (window next) · n commit without confirm');
    await app.press(KEYS.enter);
    await app.until('Confirm within: 120s_');
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
