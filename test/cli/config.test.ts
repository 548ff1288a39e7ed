import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { configToYaml } from '../../src/config/yaml.ts';
import { demoConfig } from '../../src/config/defaults.ts';
import { cli, tempDir } from './support.ts';

const demo = configToYaml(demoConfig());
const withMtu = demo.replace(/mtu: 1500/, 'mtu: 1400');

test('config validate: exit 0 for a valid file, 1 with path-precise errors for a bad one', async () => {
  const good = await cli(['config', 'validate', 'demo.yaml'], { 'demo.yaml': demo });
  assert.equal(good.code, 0);
  assert.match(good.out, /demo\.yaml: valid/);

  const bad = await cli(['config', 'validate', 'bad.yaml'], { 'bad.yaml': 'version: 1\ninterfaces:\n  lan0:\n    kind: ethernet\n    mtu: 100\n' });
  assert.equal(bad.code, 1);
  assert.match(bad.err, /bad\.yaml: interfaces\.lan0\.mtu: /);
  assert.match(bad.err, /nothing was changed/);
});

test('usage errors exit 2', async () => {
  assert.equal((await cli(['config'])).code, 2);
  assert.equal((await cli(['config', 'frobnicate'])).code, 2);
  assert.equal((await cli(['config', 'history', '--bogus'])).code, 2);
  assert.equal((await cli(['nonsense'])).code, 2);
  assert.equal((await cli(['config', 'commit', '--store', join(tempDir(), 's.db')])).code, 2, 'commit without --comment');
});

test('import → diff → commit → history → export → rollback, on one store file', async () => {
  const store = ['--store', join(tempDir(), 'state.db')];
  const files = { 'a.yaml': demo, 'b.yaml': withMtu };
  assert.notEqual(demo, withMtu, 'the fixture edit changes something');

  const imported = await cli(['config', 'import', 'a.yaml', ...store], files);
  assert.equal(imported.code, 0, imported.err);
  assert.match(imported.out, /candidate set \(based on revision 0\)/);

  const first = await cli(['config', 'commit', '--comment', 'initial', ...store], files);
  assert.equal(first.code, 0, first.err);
  assert.match(first.out, /committed revision 1/);

  await cli(['config', 'import', 'b.yaml', ...store], files);
  const diff = await cli(['config', 'diff', ...store], files);
  assert.match(diff.out, /mtu: 1500 → 1400/);
  assert.equal((await cli(['config', 'commit', '--comment', 'smaller mtu', ...store], files)).code, 0);

  const history = await cli(['config', 'history', ...store]);
  assert.match(history.out, /\*    2 .* tester: smaller mtu/);
  assert.match(history.out, /     1 .* tester: initial/);

  const exported = await cli(['config', 'export', '--rev', '1', ...store]);
  assert.equal(exported.out.trim(), demo.trim());

  const rolled = await cli(['config', 'rollback', '1', ...store]);
  assert.match(rolled.out, /revision 3 now runs the config of revision 1/);
  const between = await cli(['config', 'diff', '2', '3', ...store]);
  assert.match(between.out, /mtu: 1400 → 1500/);
});

test('a stale candidate is refused with a conflict and nothing is committed', async () => {
  const store = ['--store', join(tempDir(), 'state.db')];
  const files = { 'a.yaml': demo, 'b.yaml': withMtu };
  await cli(['config', 'commit', 'a.yaml', '--comment', 'one', ...store], files);
  await cli(['config', 'import', 'b.yaml', ...store], files);
  await cli(['config', 'commit', 'a.yaml', '--comment', 'someone else', ...store], files);
  const stale = await cli(['config', 'commit', '--comment', 'mine', ...store], files);
  assert.equal(stale.code, 1);
  assert.match(stale.err, /conflict|revision/i);
  const history = await cli(['config', 'history', ...store]);
  assert.doesNotMatch(history.out, /mine/);
});

test('commit --confirm reports its deadline and confirm keeps it', async () => {
  const store = ['--store', join(tempDir(), 'state.db')];
  const files = { 'a.yaml': demo, 'b.yaml': withMtu };
  await cli(['config', 'commit', 'a.yaml', '--comment', 'one', ...store], files);
  const pending = await cli(['config', 'commit', 'b.yaml', '--comment', 'try', '--confirm', '5', ...store], files);
  assert.match(pending.out, /confirm before .* or it rolls back/);
  const confirmed = await cli(['config', 'confirm', ...store]);
  assert.match(confirmed.out, /revision 2 confirmed/);
  assert.equal((await cli(['config', 'confirm', ...store])).code, 1, 'nothing left to confirm');
});
