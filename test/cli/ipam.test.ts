import { test } from 'node:test';
import assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { configToYaml } from '../../src/config/yaml.ts';
import { demoConfig } from '../../src/config/defaults.ts';
import { openStore } from '../../src/store/store.ts';
import { validateConfig } from '../../src/config/validate.ts';
import { cli, tempDir } from './support.ts';

test('ipam show lists stored allocations and what the next pass would allocate, changing nothing', async () => {
  const path = join(tempDir(), 'state.db');
  const store = ['--store', path];
  await cli(['config', 'commit', 'demo.yaml', '--comment', 'demo', ...store], { 'demo.yaml': configToYaml(demoConfig()) });

  const first = await cli(['ipam', 'show', ...store]);
  assert.equal(first.code, 0, first.err);
  assert.match(first.out, /^\+ hosts\s+ch1\s+2001:db8:4000::\/48\s+\(next pass allocates\)$/m);
  assert.match(first.out, /^\+ host:ch1\s+ch1\/web\s+2001:db8:4000:0:1::\/80/m);

  // Nothing was written: a direct look at the store finds no allocations.
  const opened = openStore({ path, validate: validateConfig, role: 'tool' });
  assert.ok(opened.ok);
  assert.deepEqual(opened.value.allocations.loadAll(), []);
  opened.value.allocations.upsert({ pool: 'hosts', owner: 'ch1', prefix: '2001:db8:4000::/48' });
  opened.value.close();

  const second = await cli(['ipam', 'show', ...store]);
  assert.match(second.out, /^  hosts\s+ch1\s+2001:db8:4000::\/48$/m, 'the stored allocation is listed as held');
  assert.doesNotMatch(second.out, /^\+ hosts/m, 'and is not allocated again');
});

test('ipam without show is a usage error', async () => {
  assert.equal((await cli(['ipam'])).code, 2);
});

test('a store that cannot be opened is refused with its path and reason, by every offline verb', async () => {
  const dir = tempDir();
  const link = join(dir, 'linked.db');
  symlinkSync(join(dir, 'real.db'), link);
  for (const argv of [['ipam', 'show'], ['config', 'history'], ['config', 'export-radvd']]) {
    const r = await cli([...argv, '--store', link]);
    assert.equal(r.code, 1, argv.join(' '));
    assert.match(r.err, new RegExp(`cannot open store ${link}: `), argv.join(' '));
  }
});
