// Pure parts of the two follow-ups to the edit flow: the add-host form's Networks field (parse,
// document edit, problems placed with the part of the path below the field) and the
// commit-confirm window the operator types (parse, prompt state).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { hostPath, parseNetworks, withHost } from '../../tui/state/candidate-edits.ts';
import { changesReducer, initialChanges, MAX_CONFIRM_SECONDS, parseConfirmWindow, type ChangesState } from '../../tui/state/changes.ts';
import { placeProblems } from '../../tui/state/form.ts';
import { HOST_FIELDS } from '../../tui/state/hosts.ts';

test('Networks field: names, name=prefix, blanks skipped, duplicates reported and sent once', () => {
  const cases: [string, { name: string; prefix: string }[], string[]][] = [
    ['', [], []],
    ['   ', [], []],
    ['web', [{ name: 'web', prefix: '' }], []],
    [' web , db ', [{ name: 'web', prefix: '' }, { name: 'db', prefix: '' }], []],
    ['web=2001:db8:4001:1::/80', [{ name: 'web', prefix: '2001:db8:4001:1::/80' }], []],
    ['web = 2001:db8::/80 ,db', [{ name: 'web', prefix: '2001:db8::/80' }, { name: 'db', prefix: '' }], []],
    ['web,', [{ name: 'web', prefix: '' }], []],
    [',,web,,', [{ name: 'web', prefix: '' }], []],
    ['web=', [{ name: 'web', prefix: '' }], []],
    // The daemon judges names and prefixes: these go through as typed.
    ['Bad Name=nope', [{ name: 'Bad Name', prefix: 'nope' }], []],
    ['=2001:db8::/80', [{ name: '', prefix: '2001:db8::/80' }], []],
    ['a=x=y', [{ name: 'a', prefix: 'x=y' }], []],
    ['web,db,web=::/80,db,db', [{ name: 'web', prefix: '' }, { name: 'db', prefix: '' }], ['web', 'db']],
  ];
  for (const [text, networks, duplicates] of cases) {
    assert.deepEqual(parseNetworks(text), { networks, duplicates }, JSON.stringify(text));
  }
});

const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,9}$/);
const prefix = fc.constantFrom('', '2001:db8:4001:1::/80', 'fd00::/64', 'nope');

test('property: networks written back as text parse to the same list', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.tuple(label, prefix).map(([name, p]) => ({ name, prefix: p })), { selector: (n) => n.name, maxLength: 6 }), fc.constantFrom(',', ', ', ' ,'), (networks, sep) => {
      const text = networks.map((n) => (n.prefix === '' ? n.name : `${n.name}=${n.prefix}`)).join(sep);
      assert.deepEqual(parseNetworks(text), { networks, duplicates: [] });
    }),
  );
});

test('withHost writes networks as a map, {} where IPAM allocates, and leaves the key out when none', () => {
  const doc = { version: 1, hosts: { ch1: { interface: 'hosts0', nextHop: '2001:db8:3::10', networks: { web: {} } } } };
  const host = { name: 'ch2', interface: 'hosts0', nextHop: '2001:db8:3::20', prefix: '' };
  const added = withHost(doc, { ...host, networks: [{ name: ' web ', prefix: '' }, { name: 'db', prefix: ' 2001:db8:4001:db::/80 ' }] });
  assert.deepEqual(added.hosts, {
    ...doc.hosts,
    ch2: { interface: 'hosts0', nextHop: '2001:db8:3::20', networks: { web: {}, db: { prefix: '2001:db8:4001:db::/80' } } },
  });
  assert.ok(!('networks' in ((withHost(doc, { ...host, networks: [] }).hosts as Record<string, object>).ch2 ?? {})));
  assert.deepEqual(doc.hosts.ch1.networks, { web: {} }, 'the input is not mutated');
});

test('a problem below a field shows on it with the rest of its path, so the Networks field says which network', () => {
  const pathOf = (f: string): string => (f === 'name' ? hostPath('ch2') : hostPath('ch2', f));
  const placed = placeProblems(HOST_FIELDS, [
    { code: 'not-prefix', path: 'hosts.ch2.networks.web.prefix', message: 'Nope has no prefix length.' },
    { code: 'bad-name', path: 'hosts.ch2.networks["bad name"]', message: 'not a valid name' },
    { code: 'duplicate', path: 'hosts.ch2.networks', message: 'web is named more than once.' },
    { code: 'range', path: 'hosts.ch2.prefixLength', message: 'too long' },
    { code: 'not-ipv6', path: 'hosts.ch2.nextHop', message: 'Expected an IPv6 address.' },
  ], pathOf);
  assert.deepEqual(placed.fieldProblems, {
    networks: ['web.prefix: Nope has no prefix length.', '["bad name"]: not a valid name', 'web is named more than once.'],
    name: ['prefixLength: too long'],
    nextHop: ['Expected an IPv6 address.'],
  });
  assert.deepEqual(placed.formProblems, []);
});

test('confirm window: seconds, Ns, Nm and NmNs from 1 s to 24 h; anything else is refused with a reason', () => {
  const accepted: [string, number][] = [
    ['120s', 120], ['5', 5], [' 5 s ', 5], ['90S', 90], ['2m', 120], ['2 m', 120], ['1m30s', 90], ['1m 30', 90], ['1440m', 86_400], ['86400', 86_400], ['0m1s', 1],
  ];
  for (const [text, seconds] of accepted) assert.deepEqual(parseConfirmWindow(text), { ok: true, seconds }, text);
  const refused: [string, RegExp][] = [
    ['', /is not a duration/], ['abc', /"abc" is not a duration/], ['5h', /not a duration/], ['-5', /not a duration/], ['1.5m', /not a duration/],
    ['m', /not a duration/], ['s', /not a duration/], ['0', /from 1 s to 24 h; 0 s/], ['0m', /0 s is not/], ['86401', /86401 s is not/], ['1441m', /86460 s/],
  ];
  for (const [text, why] of refused) {
    const r = parseConfirmWindow(text);
    assert.ok(!r.ok && why.test(r.message), `${JSON.stringify(text)} → ${JSON.stringify(r)}`);
  }
});

test('property: any window in range, written in seconds, minutes or both, parses to its seconds', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: MAX_CONFIRM_SECONDS }), fc.constantFrom('s', 'plain', 'ms'), (seconds, form) => {
      const text = form === 's' ? `${seconds}s` : form === 'plain' ? String(seconds) : `${Math.floor(seconds / 60)}m${seconds % 60}s`;
      assert.deepEqual(parseConfirmWindow(text), { ok: true, seconds });
    }),
  );
});

test('changes: k opens the window prompt prefilled with 120s; typing edits it; a refusal stays until the next key; Esc goes back', () => {
  const choose: ChangesState = { ...initialChanges, mode: 'choose', comment: 'add ch2' };
  let s = changesReducer(choose, { type: 'ask-window' });
  assert.deepEqual([s.mode, s.window, s.comment], ['window', '120s', 'add ch2']);
  s = changesReducer(s, { type: 'clear' });
  for (const t of ['5', 'x']) s = changesReducer(s, { type: 'type', text: t });
  s = changesReducer(s, { type: 'window-refused', message: 'bad' });
  assert.deepEqual([s.window, s.windowProblem, s.comment], ['5x', 'bad', 'add ch2'], 'typing goes to the window, not the comment');
  s = changesReducer(s, { type: 'erase' });
  assert.deepEqual([s.window, s.windowProblem], ['5', undefined]);
  assert.deepEqual(changesReducer(s, { type: 'back' }).mode, 'choose');
  assert.equal(changesReducer(choose, { type: 'back' }), choose, 'back only leaves the window prompt');
  assert.equal(changesReducer(changesReducer(s, { type: 'back' }), { type: 'ask-window' }).window, '120s', 'each commit-confirm starts from the default');
  assert.equal(changesReducer(initialChanges, { type: 'type', text: 'x' }), initialChanges, 'no prompt open: keys change nothing');
  assert.equal(changesReducer(s, { type: 'busy' }).mode, 'browse');
});
