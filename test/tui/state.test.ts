// Pure state of the TUI: router keys, connection backoff, the leases window, forms, the lockout
// guard, logs, candidate edits and text layout, tested without rendering.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { LeaseDto } from '../../src/api/types.ts';
import { fit, layoutColumns, truncate, textWidth, usageBar, shortDuration, formatRow } from '../../tui/components/text.ts';
import { colorFromEnv } from '../../tui/components/palette.ts';
import { withHost, withoutHost, mgmtInterfacesIn, hostPath } from '../../tui/state/candidate-edits.ts';
import { changesReducer, initialChanges, lockoutRisks } from '../../tui/state/changes.ts';
import { backoffDelay, connectionReducer, initialConnection, outageBanner } from '../../tui/state/connection.ts';
import { formReducer, initialForm, placeProblems } from '../../tui/state/form.ts';
import { HOST_FIELDS, hostsReducer, initialHosts } from '../../tui/state/hosts.ts';
import { initialLeases, leasesReducer, pageQuery, type LeasesState } from '../../tui/state/leases.ts';
import { componentsOf, initialLogs, LOG_CAPACITY, logsReducer, visibleLogs } from '../../tui/state/logs.ts';
import { globalKey, initialRouter, routerReducer, type RouterState } from '../../tui/state/router.ts';
import { windowStart } from '../../tui/state/selection.ts';
import { makeLeases } from './fake-api.ts';

test('global keys map to router actions, and stand aside while a screen takes text', () => {
  const browse = initialRouter;
  const captured: RouterState = { ...initialRouter, captured: true };
  const asking: RouterState = { ...initialRouter, quitPrompt: true };
  const cases: [RouterState, string, object, number, unknown][] = [
    [browse, '4', {}, 0, { type: 'goto', screen: 'dhcpv6' }],
    [browse, '9', {}, 0, { type: 'goto', screen: 'logs' }],
    [browse, '0', {}, 0, undefined],
    [browse, '', { tab: true }, 0, { type: 'step', delta: 1 }],
    [browse, '', { tab: true, shift: true }, 0, { type: 'step', delta: -1 }],
    [browse, '?', {}, 0, { type: 'toggle-help' }],
    [browse, 'q', {}, 2, { type: 'quit', uncommitted: 2 }],
    [browse, 'x', {}, 0, undefined],
    [captured, '4', {}, 0, undefined],
    [captured, 'q', {}, 0, undefined],
    [captured, '', { tab: true }, 0, undefined],
    [asking, 'y', {}, 1, { type: 'quit-answer', yes: true }],
    [asking, 'n', {}, 1, { type: 'quit-answer', yes: false }],
    [asking, '', { escape: true }, 1, { type: 'quit-answer', yes: false }],
    [asking, '3', {}, 1, undefined],
  ];
  for (const [state, input, key, uncommitted, want] of cases) {
    assert.deepEqual(globalKey(state, input, key, uncommitted), want, `${JSON.stringify(state)} ${input}`);
  }
});

test('router: switching, wrapping with Tab, help, and the quit guard', () => {
  const s1 = routerReducer(initialRouter, { type: 'step', delta: -1 });
  assert.equal(s1.screen, 'logs');
  assert.equal(routerReducer(s1, { type: 'step', delta: 1 }).screen, 'overview');
  const help = routerReducer(initialRouter, { type: 'toggle-help' });
  assert.equal(help.help, true);
  assert.equal(routerReducer(help, { type: 'goto', screen: 'ra' }).help, false);
  assert.equal(routerReducer(initialRouter, { type: 'quit', uncommitted: 0 }).quitting, true);
  const asked = routerReducer(initialRouter, { type: 'quit', uncommitted: 3 });
  assert.deepEqual([asked.quitPrompt, asked.quitting], [true, false]);
  assert.deepEqual([routerReducer(asked, { type: 'quit-answer', yes: false }).quitting, routerReducer(asked, { type: 'quit-answer', yes: true }).quitting], [false, true]);
  const cap = routerReducer(initialRouter, { type: 'capture', captured: false });
  assert.equal(cap, initialRouter, 'an unchanged capture keeps the same state object');
});

test('connection: backoff doubles and caps; simultaneous failures count once; success bumps the generation', () => {
  const b = { initialMs: 500, maxMs: 4000 };
  assert.deepEqual([1, 2, 3, 4, 5, 50].map((a) => backoffDelay(a, b)), [500, 1000, 2000, 4000, 4000, 4000]);
  const up = connectionReducer(initialConnection, { type: 'succeeded' });
  assert.deepEqual([up.phase, up.generation], ['up', 1]);
  assert.equal(outageBanner(up, 0), undefined);
  const down = connectionReducer(up, { type: 'failed', error: 'ECONNREFUSED', now: 1000, backoff: b });
  assert.deepEqual([down.phase, down.attempt, down.retryAt], ['down', 1, 1500]);
  assert.equal(connectionReducer(down, { type: 'failed', error: 'again', now: 1100, backoff: b }), down);
  const second = connectionReducer(down, { type: 'failed', error: 'again', now: 1600, backoff: b, probe: true });
  assert.deepEqual([second.attempt, second.retryAt], [2, 2600]);
  assert.equal(outageBanner(second, 1600), 'daemon unreachable — retrying in 1 s (attempt 2)');
  const back = connectionReducer(second, { type: 'succeeded' });
  assert.deepEqual([back.phase, back.attempt, back.generation], ['up', 0, 2]);
});

function loaded(state: LeasesState, rows: LeaseDto[], next?: string, total = 100): LeasesState {
  return leasesReducer(state, { type: 'loaded', pageIndex: state.pageIndex, page: next === undefined ? { leases: rows, total } : { leases: rows, total, next } });
}

test('leases window: moves within a page, pages forward with the cursor and back from memory', () => {
  const rows = makeLeases(10);
  let s = loaded(initialLeases, rows.slice(0, 5), 'c5');
  assert.deepEqual(pageQuery(s, 5), { limit: 5 });
  s = leasesReducer(s, { type: 'move', delta: 4, pageSize: 5 });
  assert.equal(s.selected, 4);
  s = leasesReducer(s, { type: 'move', delta: 1, pageSize: 5 });
  assert.deepEqual([s.pageIndex, s.selected, s.loading], [1, 0, true]);
  assert.deepEqual(pageQuery(s, 5), { limit: 5, after: 'c5' });
  // A late answer for page 0 does not overwrite page 1.
  assert.equal(leasesReducer(s, { type: 'loaded', pageIndex: 0, page: { leases: rows, total: 10 } }), s);
  s = loaded(s, rows.slice(5, 10));
  assert.equal(leasesReducer(s, { type: 'page', delta: 1 }), s, 'no next page past the last');
  s = leasesReducer(s, { type: 'move', delta: -1, pageSize: 5 });
  assert.deepEqual([s.pageIndex, s.selected], [0, 4]);
  assert.deepEqual(pageQuery(s, 5), { limit: 5 });
});

test('leases search: typing, erasing, applying resets to the first page; cancel keeps the old search', () => {
  let s = loaded(initialLeases, makeLeases(3), 'n');
  s = leasesReducer(s, { type: 'page', delta: 1 });
  s = leasesReducer(s, { type: 'search-start' });
  for (const ch of ['1', '0', '0', 'x']) s = leasesReducer(s, { type: 'search-type', text: ch });
  s = leasesReducer(s, { type: 'search-erase' });
  assert.equal(s.draft, '100');
  const applied = leasesReducer(s, { type: 'search-apply' });
  assert.deepEqual([applied.mode, applied.search, applied.pageIndex, applied.cursors], ['browse', '100', 0, [undefined]]);
  assert.deepEqual(pageQuery(applied, 7), { limit: 7, search: '100' });
  const cancelled = leasesReducer(leasesReducer(applied, { type: 'search-start' }), { type: 'search-cancel' });
  assert.equal(cancelled.search, '100');
});

test('leases release asks only when a lease is selected', () => {
  assert.equal(leasesReducer(initialLeases, { type: 'release-ask' }).mode, 'browse');
  const s = loaded(initialLeases, makeLeases(2));
  const asking = leasesReducer(s, { type: 'release-ask' });
  assert.equal(asking.mode, 'confirm-release');
  assert.equal(leasesReducer(asking, { type: 'release-answer', yes: false }).mode, 'browse');
});

test('problems land on the field whose path they name, the most specific first', () => {
  const pathOf = (f: string): string => (f === 'name' ? hostPath('web2') : hostPath('web2', f));
  const placed = placeProblems(HOST_FIELDS, [
    { code: 'not-ipv6', path: 'hosts.web2.nextHop', message: 'Expected an IPv6 address.' },
    { code: 'bad', path: 'hosts.web2.prefix[0]', message: 'deep' },
    { code: 'bad-name', path: 'hosts.web2', message: 'bad name' },
    { code: 'overlap', path: 'ipam.hostPool', message: 'pool full' },
    { code: 'x', message: 'no path' },
  ], pathOf);
  assert.deepEqual(placed.fieldProblems, { nextHop: ['Expected an IPv6 address.'], prefix: ['[0]: deep'], name: ['bad name'] });
  assert.deepEqual(placed.formProblems, ['ipam.hostPool: pool full', 'no path']);
  assert.equal(hostPath('eth0.100'), 'hosts["eth0.100"]');
});

test('form: typing goes to the focused field; focus wraps; refusal clears submitting', () => {
  let f = initialForm(HOST_FIELDS);
  f = formReducer(f, { type: 'type', text: 'ab' });
  f = formReducer(f, { type: 'erase' });
  f = formReducer(f, { type: 'focus', delta: -1 });
  f = formReducer(f, { type: 'type', text: 'web' });
  assert.deepEqual(f.values, { name: 'a', networks: 'web' }, 'focus wraps from the first field to the last');
  f = formReducer(f, { type: 'submitting' });
  f = formReducer(f, { type: 'refused', problems: [{ code: 'c', path: 'hosts.a.prefix', message: 'm' }], pathOf: (n) => `hosts.a.${n}` });
  assert.deepEqual([f.submitting, f.fieldProblems], [false, { prefix: ['m'] }]);
  const h = hostsReducer(hostsReducer(initialHosts, { type: 'open-form' }), { type: 'form', action: { type: 'type', text: 'w' } });
  assert.deepEqual([h.mode, h.form.values.name], ['form', 'w']);
  assert.equal(hostsReducer(initialHosts, { type: 'ask-remove', count: 0 }).mode, 'browse');
});

test('lockout guard: mgmt interfaces, firewall.management and api are the management path', () => {
  const diff = (path: string) => [{ path, kind: 'changed' as const }];
  const cases: [string, boolean][] = [
    ['interfaces.mgmt0', true],
    ['interfaces.mgmt0.ips[0]', true],
    ['interfaces.mgmt01', false],
    ['interfaces.lan0', false],
    ['interfaces', true],
    ['firewall.management.sources', true],
    ['firewall.allowSsh', false],
    ['api.socket', true],
    ['apiary', false],
    ['hosts.web1', false],
  ];
  for (const [path, risky] of cases) assert.equal(lockoutRisks(diff(path), ['mgmt0']).length > 0, risky, path);
  assert.deepEqual(mgmtInterfacesIn({ interfaces: { a: { role: 'mgmt' }, b: { role: 'lan' } } }), ['a']);
});

test('changes: comment entry, choose, cancel, history selection bounds, rollback needs history', () => {
  let s = changesReducer(initialChanges, { type: 'start-commit' });
  for (const t of ['o', 'k', '!']) s = changesReducer(s, { type: 'type', text: t });
  s = changesReducer(s, { type: 'erase' });
  assert.deepEqual([s.mode, s.comment], ['comment', 'ok']);
  assert.equal(changesReducer(s, { type: 'comment-done' }).mode, 'choose');
  assert.equal(changesReducer(s, { type: 'cancel' }).mode, 'browse');
  assert.equal(changesReducer(initialChanges, { type: 'move', delta: 5, count: 3 }).selected, 2);
  assert.equal(changesReducer(initialChanges, { type: 'move', delta: -1, count: 3 }).selected, 0);
  assert.equal(changesReducer(initialChanges, { type: 'ask-rollback', count: 0 }).mode, 'browse');
  assert.equal(changesReducer(initialChanges, { type: 'ask-rollback', count: 2 }).mode, 'confirm-rollback');
});

test('logs: bounded buffer, reload replaces, filter cycles through components and back to all', () => {
  const entry = (component: string, i: number) => ({ at: i, level: 'info' as const, component, message: `m${i}` });
  let s = logsReducer(initialLogs, { type: 'append', entries: [entry('ra', 1), entry('dhcpv6', 2), entry('ra', 3)] });
  assert.deepEqual(componentsOf(s.entries), ['dhcpv6', 'ra']);
  s = logsReducer(s, { type: 'cycle-filter' });
  assert.deepEqual(visibleLogs(s).map((e) => e.message), ['m2']);
  s = logsReducer(s, { type: 'cycle-filter' });
  assert.deepEqual(visibleLogs(s).map((e) => e.message), ['m1', 'm3']);
  s = logsReducer(s, { type: 'cycle-filter' });
  assert.equal(s.component, undefined);
  const many = Array.from({ length: LOG_CAPACITY + 10 }, (_, i) => entry('ra', i));
  const full = logsReducer(initialLogs, { type: 'append', entries: many });
  assert.deepEqual([full.entries.length, full.entries[0]?.at], [LOG_CAPACITY, 10]);
  assert.deepEqual(logsReducer(full, { type: 'load', entries: [entry('x', 1)] }).entries.length, 1);
});

test('candidate edits add and remove a host, leave other keys alone and omit a blank prefix', () => {
  const doc = { version: 1, hosts: { a: { interface: 'lan0', nextHop: 'fe80::1' } }, firewall: { allowSsh: true } };
  const added = withHost(doc, { name: ' b ', interface: 'lan0', nextHop: ' fe80::2 ', prefix: '', networks: [] });
  assert.deepEqual(added, { version: 1, hosts: { a: { interface: 'lan0', nextHop: 'fe80::1' }, b: { interface: 'lan0', nextHop: 'fe80::2' } }, firewall: { allowSsh: true } });
  assert.deepEqual(withHost(doc, { name: 'c', interface: 'x', nextHop: 'y', prefix: '2001:db8::/48', networks: [] }).hosts, { ...doc.hosts, c: { interface: 'x', nextHop: 'y', prefix: '2001:db8::/48' } });
  assert.deepEqual(withoutHost(added, 'a').hosts, { b: { interface: 'lan0', nextHop: 'fe80::2' } });
  assert.deepEqual(doc.hosts, { a: { interface: 'lan0', nextHop: 'fe80::1' } }, 'the input is not mutated');
});

test('text layout: cells fit, bars and durations read right, NO_COLOR is honoured', () => {
  assert.equal(truncate('2001:db8::1234', 8), '2001:db…');
  assert.equal(fit('ab', 4, 'right'), '  ab');
  assert.equal(usageBar(1, 4, 13), '##......  25%');
  assert.equal(usageBar(5, 0, 10), '.....   0%');
  assert.deepEqual([shortDuration(42), shortDuration(125), shortDuration(7300), shortDuration(90_000)], ['42s', '2m 05s', '2h 01m', '1d 1h']);
  assert.deepEqual(layoutColumns([{ header: 'a', min: 4 }, { header: 'b', min: 4, grow: 1 }], 20), [4, 15]);
  assert.deepEqual([colorFromEnv({}), colorFromEnv({ NO_COLOR: '' }), colorFromEnv({ NO_COLOR: '1' })], [true, true, false]);
  assert.deepEqual([windowStart(0, 100, 10), windowStart(50, 100, 10), windowStart(99, 100, 10), windowStart(3, 5, 10)], [0, 45, 90, 0]);
});

test('property: any row of any table fits the terminal width', () => {
  const spec = fc.record({ header: fc.string(), min: fc.nat(30), grow: fc.option(fc.nat(3), { nil: undefined }) });
  fc.assert(
    fc.property(fc.array(spec, { minLength: 1, maxLength: 8 }), fc.array(fc.string({ unit: 'grapheme-ascii' }), { maxLength: 8 }), fc.integer({ min: 10, max: 300 }), (specs, cells, width) => {
      const widths = layoutColumns(specs, width);
      assert.ok(widths.every((w) => w >= 0));
      assert.ok(textWidth(formatRow(cells, specs, widths)) <= width);
    }),
  );
  fc.assert(fc.property(fc.string(), fc.nat(100), (s, w) => textWidth(fit(s, w)) === w && textWidth(truncate(s, w)) <= w));
});

test('tui arguments: --socket PATH, --socket=PATH, and refusals with usage', async () => {
  const { parseTuiArgs, DEFAULT_SOCKET } = await import('../../tui/main.ts');
  assert.deepEqual(parseTuiArgs([]), { ok: true, socket: DEFAULT_SOCKET });
  assert.deepEqual(parseTuiArgs(['--socket', '/tmp/a.sock']), { ok: true, socket: '/tmp/a.sock' });
  assert.deepEqual(parseTuiArgs(['--socket=/tmp/b.sock']), { ok: true, socket: '/tmp/b.sock' });
  assert.equal(parseTuiArgs(['--socket']).ok, false);
  assert.equal(parseTuiArgs(['--sock']).ok, false);
});
