import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { unwrap } from '../../src/lib/result.ts';
import { openStore } from '../../src/store/store.ts';
import { openDatabase } from '../../src/store/database.ts';
import { applyMigrations, MIGRATIONS, schemaVersion, type Migration } from '../../src/store/migrations.ts';
import { doc, open, tempDir, validateTestDoc } from './fixture.ts';

test('creates the file 0600 and a missing parent directory 0700, whatever the umask', (t) => {
  const tmp = tempDir();
  t.after(tmp.remove);
  const path = join(tmp.dir, 'var', 'lib', 'v6edge', 'state.db');
  const old = process.umask(0o000);
  t.after(() => process.umask(old));
  const store = open(path);
  unwrap(store.commit({ document: doc('a'), base: 0, author: 'a', comment: '' }));
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(statSync(`${path}-wal`).mode & 0o777, 0o600);
  assert.equal(statSync(join(tmp.dir, 'var', 'lib', 'v6edge')).mode & 0o777, 0o700);
  store.close();
});

test('an existing file with a loose mode is tightened to 0600', (t) => {
  const tmp = tempDir();
  t.after(tmp.remove);
  writeFileSync(tmp.path, '');
  chmodSync(tmp.path, 0o644);
  open(tmp.path).close();
  assert.equal(statSync(tmp.path).mode & 0o777, 0o600);
});

for (const suffix of ['', '-wal', '-shm']) {
  test(`refuses a symlinked state file${suffix || ' (the database itself)'}`, (t) => {
    const tmp = tempDir();
    t.after(tmp.remove);
    const victim = join(tmp.dir, 'victim');
    writeFileSync(victim, 'precious');
    symlinkSync(victim, tmp.path + suffix);
    const r = openStore({ path: tmp.path, validate: validateTestDoc });
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'symlink');
    assert.ok(r.error.message.includes(tmp.path + suffix), r.error.message);
    assert.equal(statSync(victim).size, 'precious'.length);
  });
}

test('refuses a dangling symlink too (it would be created through)', (t) => {
  const tmp = tempDir();
  t.after(tmp.remove);
  symlinkSync(join(tmp.dir, 'nowhere'), tmp.path);
  const r = openStore({ path: tmp.path, validate: validateTestDoc });
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'symlink');
});

test('refuses a path that is a directory', (t) => {
  const tmp = tempDir();
  t.after(tmp.remove);
  mkdirSync(tmp.path);
  const r = openStore({ path: tmp.path, validate: validateTestDoc });
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'invalid');
});

test('a file that is not SQLite is an io error value, not an exception', (t) => {
  const tmp = tempDir();
  t.after(tmp.remove);
  writeFileSync(tmp.path, 'this is not a database, it is a text file of some length'.repeat(20));
  const r = openStore({ path: tmp.path, validate: validateTestDoc });
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'io');
});

test('opens in WAL mode, recorded in the file for every later opener', (t) => {
  const tmp = tempDir();
  t.after(tmp.remove);
  open(tmp.path).close();
  const db = new DatabaseSync(tmp.path);
  t.after(() => db.close());
  assert.deepEqual({ ...db.prepare('PRAGMA journal_mode').get() }, { journal_mode: 'wal' });
});

test('every store connection syncs each commit (synchronous=FULL) and waits on a busy peer', (t) => {
  const tmp = tempDir();
  t.after(tmp.remove);
  const db = unwrap(openDatabase({ path: tmp.path, busyTimeoutMs: 1234 }));
  t.after(() => db.close());
  // 2 is FULL: in WAL mode NORMAL would let a power cut lose acknowledged leases.
  assert.deepEqual({ ...db.prepare('PRAGMA synchronous').get() }, { synchronous: 2 });
  assert.deepEqual({ ...db.prepare('PRAGMA busy_timeout').get() }, { timeout: 1234 });
  assert.deepEqual({ ...db.prepare('PRAGMA foreign_keys').get() }, { foreign_keys: 1 });
});

test('the shipped migrations are numbered 1, 2, 3, … and reopening runs none again', (t) => {
  assert.deepEqual(
    MIGRATIONS.map((m) => m.version),
    MIGRATIONS.map((_, i) => i + 1),
  );
  const tmp = tempDir();
  t.after(tmp.remove);
  const first = open(tmp.path);
  unwrap(first.commit({ document: doc('a'), base: 0, author: 'a', comment: '' }));
  first.close();
  // A rerun of migration 1 would fail on CREATE TABLE; the data must also be intact.
  const second = open(tmp.path);
  t.after(() => second.close());
  assert.equal(second.running()?.number, 1);
  const db = new DatabaseSync(tmp.path);
  t.after(() => db.close());
  assert.equal(schemaVersion(db), MIGRATIONS.length);
});

test('applyMigrations runs each step once, in order, and a failing step leaves the last good version', (t) => {
  const tmp = tempDir();
  t.after(tmp.remove);
  const db = new DatabaseSync(tmp.path);
  t.after(() => db.close());
  const steps: Migration[] = [
    { version: 1, description: 'table', sql: 'CREATE TABLE t (a INTEGER)' },
    { version: 2, description: 'column', sql: 'ALTER TABLE t ADD COLUMN b TEXT' },
  ];
  assert.equal(unwrap(applyMigrations(db, steps)), 2);
  assert.equal(unwrap(applyMigrations(db, steps)), 2);
  const broken: Migration[] = [
    ...steps,
    { version: 3, description: 'half', sql: 'CREATE TABLE u (x); THIS IS NOT SQL' },
  ];
  const r = applyMigrations(db, broken);
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'io');
  assert.equal(schemaVersion(db), 2);
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
  assert.deepEqual(tables.map((row) => row['name']), ['t']);
});

test('a database from a newer v6edge is refused, not downgraded', (t) => {
  const tmp = tempDir();
  t.after(tmp.remove);
  open(tmp.path).close();
  const db = new DatabaseSync(tmp.path);
  db.exec(`PRAGMA user_version = ${MIGRATIONS.length + 1}`);
  db.close();
  const r = openStore({ path: tmp.path, validate: validateTestDoc });
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'newer-schema');
});
