import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { unwrap } from '../../src/lib/result.ts';
import { formatDiff } from '../../src/lib/jsondiff.ts';
import { openStore } from '../../src/store/store.ts';
import { doc, open, tempDir, validateTestDoc, type TestDoc } from './fixture.ts';

test('first commit starts from base 0 and becomes running and confirmed', (t) => {
  const tmp = tempDir();
  t.after(tmp.remove);
  const store = open(tmp.path, { now: () => 1000 });
  t.after(() => store.close());
  assert.equal(store.running(), undefined);
  const r1 = unwrap(store.commit({ document: doc('r1'), base: 0, author: 'alice', comment: 'initial' }));
  assert.deepEqual(r1, {
    number: 1,
    time: 1000,
    author: 'alice',
    comment: 'initial',
    state: 'confirmed',
    document: doc('r1'),
  });
  assert.deepEqual(store.running(), r1);
  assert.equal(store.saved(), undefined);
});

test('a stale base is a conflict naming both revisions, and nothing is written', (t) => {
  const tmp = tempDir();
  t.after(tmp.remove);
  const store = open(tmp.path);
  t.after(() => store.close());
  unwrap(store.commit({ document: doc('a'), base: 0, author: 'a', comment: '' }));
  unwrap(store.commit({ document: doc('b'), base: 1, author: 'a', comment: '' }));
  const stale = store.commit({ document: doc('c'), base: 1, author: 'bob', comment: 'late' });
  assert.equal(stale.ok, false);
  assert.ok(!stale.ok);
  assert.equal(stale.error.code, 'conflict');
  assert.match(stale.error.message, /Revision 2 is running .* started from revision 1/);
  assert.equal(store.history().length, 2);
  assert.equal(store.running()?.document.hostname, 'b');
});

test('a document that fails validation is refused whole with every problem', (t) => {
  const tmp = tempDir();
  t.after(tmp.remove);
  const store = open(tmp.path);
  t.after(() => store.close());
  const bad = { hostname: 7, interfaces: { lan0: { mtu: 1000 } } };
  const r = store.commit({ document: bad, base: 0, author: 'a', comment: '' });
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'invalid');
  assert.deepEqual(
    r.error.problems?.map((p) => p.where),
    [{ path: 'hostname' }, { path: 'interfaces.lan0.mtu' }],
  );
  assert.match(r.error.message, /2 problem\(s\).*hostname: hostname must be a string/);
  assert.equal(store.history().length, 0);
});

test('a document over the size limit is refused', (t) => {
  const tmp = tempDir();
  t.after(tmp.remove);
  const store = open(tmp.path, { maxDocumentBytes: 100 });
  t.after(() => store.close());
  const r = store.commit({ document: doc('x'.repeat(200)), base: 0, author: 'a', comment: '' });
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'invalid');
  assert.match(r.error.message, /over the limit of 100/);
});

test('the store persists what the validator returns', (t) => {
  const tmp = tempDir();
  t.after(tmp.remove);
  // A validator that fills in a default, as a zod schema with .default() does.
  const store = unwrap(
    openStore({
      path: tmp.path,
      validate: (d: unknown) => {
        const v = validateTestDoc(d);
        return v.ok ? { ok: true as const, value: { ...v.value, version: 1 } } : v;
      },
    }),
  );
  t.after(() => store.close());
  const r = unwrap(store.commit({ document: doc('a'), base: 0, author: 'a', comment: '' }));
  assert.equal(r.document.version, 1);
  assert.equal(unwrap(store.revision(1)).document.version, 1);
});

test('rollback to N appends a new revision carrying N’s document', (t) => {
  const tmp = tempDir();
  t.after(tmp.remove);
  const store = open(tmp.path);
  t.after(() => store.close());
  for (const [i, name] of ['a', 'b', 'c'].entries()) {
    unwrap(store.commit({ document: doc(name), base: i, author: 'alice', comment: `set ${name}` }));
  }
  const r4 = unwrap(store.rollback(1, { author: 'bob', comment: 'back to a' }));
  assert.equal(r4.number, 4);
  assert.equal(r4.restoredFrom, 1);
  assert.deepEqual(r4.document, doc('a'));
  assert.equal(store.running()?.number, 4);
  // History is append-only: revisions 2 and 3 are untouched.
  assert.deepEqual(unwrap(store.revision(3)).document, doc('c'));
  const missing = store.rollback(99, { author: 'bob', comment: '' });
  assert.ok(!missing.ok);
  assert.equal(missing.error.code, 'not-found');
});

test('rollback re-validates: a revision today’s schema rejects is not restored', (t) => {
  const tmp = tempDir();
  t.after(tmp.remove);
  const loose = unwrap(openStore({ path: tmp.path, validate: (d: unknown) => ({ ok: true as const, value: d }) }));
  unwrap(loose.commit({ document: { anything: true }, base: 0, author: 'a', comment: '' }));
  unwrap(loose.commit({ document: doc('ok'), base: 1, author: 'a', comment: '' }));
  loose.close();
  const store = open(tmp.path);
  t.after(() => store.close());
  const r = store.rollback(1, { author: 'a', comment: '' });
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'invalid');
  assert.equal(store.running()?.number, 2);
});

test('history pages newest first with limit and before', (t) => {
  const tmp = tempDir();
  t.after(tmp.remove);
  const store = open(tmp.path);
  t.after(() => store.close());
  for (let i = 0; i < 7; i++) unwrap(store.commit({ document: doc(`h${i}`), base: i, author: 'a', comment: `c${i}` }));
  const page1 = store.history({ limit: 3 });
  assert.deepEqual(page1.map((r) => r.number), [7, 6, 5]);
  assert.equal('document' in (page1[0] ?? {}), false);
  const page2 = store.history({ limit: 3, before: 5 });
  assert.deepEqual(page2.map((r) => r.number), [4, 3, 2]);
  assert.deepEqual(store.history({ limit: 3, before: 2 }).map((r) => r.number), [1]);
  assert.equal(store.history({ limit: 0 }).length, 0);
});

test('save marks running for boot; running moves on without it', (t) => {
  const tmp = tempDir();
  t.after(tmp.remove);
  const store = open(tmp.path);
  t.after(() => store.close());
  const none = store.save();
  assert.ok(!none.ok);
  assert.equal(none.error.code, 'not-found');
  unwrap(store.commit({ document: doc('a'), base: 0, author: 'a', comment: '' }));
  assert.equal(unwrap(store.save()).number, 1);
  unwrap(store.commit({ document: doc('b'), base: 1, author: 'a', comment: '' }));
  assert.equal(store.running()?.number, 2);
  assert.equal(store.saved()?.number, 1);
  assert.deepEqual(store.saved()?.document, doc('a'));
});

test('diffRevisions gives path-based entries and readable text', (t) => {
  const tmp = tempDir();
  t.after(tmp.remove);
  const store = open(tmp.path);
  t.after(() => store.close());
  const a: TestDoc = { hostname: 'gw', interfaces: { lan0: { mtu: 1500, prefixes: ['2001:db8:1::/64'] } } };
  const b: TestDoc = {
    hostname: 'gw',
    interfaces: { lan0: { mtu: 9000, prefixes: ['2001:db8:1::/64', '2001:db8:2::/64'] }, lan1: { mtu: 1500 } },
  };
  unwrap(store.commit({ document: a, base: 0, author: 'a', comment: '' }));
  unwrap(store.commit({ document: b, base: 1, author: 'a', comment: '' }));
  const d = unwrap(store.diffRevisions(1, 2));
  assert.equal(
    formatDiff(d),
    [
      '~ interfaces.lan0.mtu: 1500 → 9000',
      '+ interfaces.lan0.prefixes[1]: "2001:db8:2::/64"',
      '+ interfaces.lan1: {"mtu":1500}',
    ].join('\n'),
  );
  const missing = store.diffRevisions(1, 3);
  assert.ok(!missing.ok);
  assert.equal(missing.error.code, 'not-found');
});

test('a second connection sees the daemon’s commits and gets a conflict on a stale base', (t) => {
  const tmp = tempDir();
  t.after(tmp.remove);
  const daemon = open(tmp.path);
  t.after(() => daemon.close());
  const cli = open(tmp.path, { role: 'tool' });
  t.after(() => cli.close());
  unwrap(daemon.commit({ document: doc('a'), base: 0, author: 'daemon', comment: '' }));
  assert.equal(cli.running()?.number, 1);
  unwrap(cli.commit({ document: doc('b'), base: 1, author: 'cli', comment: '' }));
  const r = daemon.commit({ document: doc('c'), base: 1, author: 'daemon', comment: '' });
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'conflict');
  assert.equal(daemon.running()?.author, 'cli');
});

test('a writer that cannot get the lock within busy_timeout gets locked, not an exception', (t) => {
  const tmp = tempDir();
  t.after(tmp.remove);
  const store = open(tmp.path, { busyTimeoutMs: 50 });
  t.after(() => store.close());
  const other = new DatabaseSync(tmp.path);
  t.after(() => other.close());
  other.exec('BEGIN IMMEDIATE');
  const r = store.commit({ document: doc('a'), base: 0, author: 'a', comment: '' });
  other.exec('ROLLBACK');
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'locked');
  assert.equal(store.history().length, 0);
  // Once the other writer is done the same commit goes through.
  assert.equal(unwrap(store.commit({ document: doc('a'), base: 0, author: 'a', comment: '' })).number, 1);
});

test('meta values round-trip as JSON and survive reopen', (t) => {
  const tmp = tempDir();
  t.after(tmp.remove);
  const store = open(tmp.path);
  assert.equal(store.getMeta('dhcpv6.serverDuid'), undefined);
  unwrap(store.setMeta('dhcpv6.serverDuid', '000100012a3b4c5d0242ac110002'));
  unwrap(store.setMeta('ra.advertised', ['2001:db8:1::/64', '2001:db8:2::/64']));
  unwrap(store.setMeta('ra.advertised', ['2001:db8:2::/64']));
  const bad = store.setMeta('x', undefined);
  assert.ok(!bad.ok);
  assert.equal(bad.error.code, 'invalid');
  store.close();
  const again = open(tmp.path);
  t.after(() => again.close());
  assert.equal(again.getMeta('dhcpv6.serverDuid'), '000100012a3b4c5d0242ac110002');
  assert.deepEqual(again.getMeta('ra.advertised'), ['2001:db8:2::/64']);
  unwrap(again.deleteMeta('ra.advertised'));
  assert.equal(again.getMeta('ra.advertised'), undefined);
});
