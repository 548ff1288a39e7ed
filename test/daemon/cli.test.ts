// The CLI through the API: `v6edge <verb>` in-process against an in-process daemon on the fake
// kernel, with $V6EDGE_SOCKET pointing at it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { configToYaml } from '../../src/config/yaml.ts';
import { demoConfig } from '../../src/config/defaults.ts';
import { startTestDaemon, type TestDaemon } from '../api/support.ts';

async function v6edge(t: TestDaemon, argv: readonly string[], env: Record<string, string> = {}, files: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const io: CliIo = {
    out: (s) => (out += s.endsWith('\n') ? s : `${s}\n`),
    err: (s) => (err += s.endsWith('\n') ? s : `${s}\n`),
    readFile: (p) => files[p] ?? '',
    env: { USER: 'clitester', V6EDGE_SOCKET: t.socketPath, ...env },
  };
  const code = await main(argv, io);
  return { code, out, err };
}

test('config import, hosts add, commit with confirm, confirm, history, routes, rollback — through the daemon', async () => {
  const t = await startTestDaemon();
  try {
    const files = { 'demo.yaml': configToYaml(demoConfig()) };
    const imported = await v6edge(t, ['config', 'import', 'demo.yaml'], {}, files);
    assert.equal(imported.code, 0, imported.err);
    assert.match(imported.out, /candidate set \(based on revision 0\)/);
    const first = await v6edge(t, ['config', 'commit', '--comment', 'demo']);
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /committed revision 1/);

    const added = await v6edge(t, ['hosts', 'add', 'ch9', '--interface', 'hosts0', '--next-hop', '2001:db8:3::99', '--prefix', '2001:db8:9000::/48', '--network', 'web', '--network', 'db=2001:db8:9000:1::/80']);
    assert.equal(added.code, 0, added.err);
    assert.match(added.out, /\+ hosts\.ch9/);
    const diff = await v6edge(t, ['diff']);
    assert.match(diff.out, /hosts\.ch9/);
    const pending = await v6edge(t, ['config', 'commit', '--comment', 'ch9', '--confirm', '5']);
    assert.equal(pending.code, 0, pending.err);
    assert.match(pending.out, /confirm before .* or it rolls back/);
    assert.ok(t.fake.state.routes.some((r) => r.dst === '2001:db8:9000::/48' && r.via === '2001:db8:3::99'), 'the host route is in the kernel');
    assert.match((await v6edge(t, ['status'])).out, /revision 2 rolls back at/);
    assert.equal((await v6edge(t, ['confirm'])).code, 0);

    const routes = await v6edge(t, ['routes']);
    assert.match(routes.out, /2001:db8:9000::\/48\s+2001:db8:3::99\s+hosts0\s+installed\s+host ch9/);
    const hosts = await v6edge(t, ['hosts', 'list']);
    assert.match(hosts.out, /ch9\s+hosts0\s+2001:db8:3::99\s+2001:db8:9000::\/48\s+web=2001:db8:9000::\/80,db=2001:db8:9000:1::\/80/);
    const history = await v6edge(t, ['history']);
    assert.match(history.out, /\*    2 .* confirmed .* clitester: ch9/);

    const rolled = await v6edge(t, ['rollback', '1']);
    assert.equal(rolled.code, 0, rolled.err);
    assert.ok(!t.fake.state.routes.some((r) => r.dst === '2001:db8:9000::/48'), 'rolled back in the kernel');
    assert.match((await v6edge(t, ['plan'])).out, /No changes/);
  } finally {
    await t.stop();
  }
});

test('refusals exit 1 with the daemon\'s problems; usage errors exit 2; no daemon exits 1', async () => {
  const t = await startTestDaemon();
  try {
    const bad = await v6edge(t, ['hosts', 'add', 'x', '--interface', 'nope0', '--next-hop', 'fe80::1']);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /hosts\.x/);
    assert.equal((await v6edge(t, ['hosts', 'add', 'x'])).code, 2);
    assert.equal((await v6edge(t, ['rollback', 'abc'])).code, 2);
    const none = await v6edge(t, ['confirm']);
    assert.equal(none.code, 1);
    assert.match(none.err, /No commit is waiting/);
    const away = await v6edge(t, ['status'], { V6EDGE_SOCKET: join(t.dir, 'nobody.sock') });
    assert.equal(away.code, 1);
    assert.match(away.err, /No v6edge daemon answers/);
    assert.match((await v6edge(t, ['leases'])).out, /\(no leases\)/);
  } finally {
    await t.stop();
  }
});

test('config edit: $EDITOR changes the candidate as YAML, the diff is shown and saved with --yes', async () => {
  const t = await startTestDaemon();
  try {
    await v6edge(t, ['config', 'import', 'demo.yaml'], {}, { 'demo.yaml': configToYaml(demoConfig()) });
    await v6edge(t, ['config', 'commit', '--comment', 'demo']);
    const editor = join(t.dir, 'editor.sh');
    writeFileSync(editor, '#!/bin/sh\nsed -i "s/mtu: 1500/mtu: 1480/" "$1"\n');
    chmodSync(editor, 0o755);
    const edited = await v6edge(t, ['config', 'edit', '--yes'], { EDITOR: editor });
    assert.equal(edited.code, 0, edited.err);
    assert.match(edited.out, /mtu: 1500 → 1480/);
    assert.ok((await t.client.candidate()).diff.length > 0);

    const breaker = join(t.dir, 'break.sh');
    writeFileSync(breaker, '#!/bin/sh\nsed -i "s/mtu: 1480/mtu: 80/" "$1"\n');
    chmodSync(breaker, 0o755);
    const refused = await v6edge(t, ['config', 'edit', '--yes'], { EDITOR: breaker });
    assert.equal(refused.code, 1);
    assert.match(refused.err, /interfaces\.\w+\.mtu/);
  } finally {
    await t.stop();
  }
});

test('completion bash prints a script that completes the verbs', async () => {
  const t = await startTestDaemon();
  try {
    const r = await v6edge(t, ['completion', 'bash']);
    assert.equal(r.code, 0);
    assert.match(r.out, /complete -F _v6edge v6edge/);
    assert.match(r.out, /hosts\) words="list add remove/);
    assert.equal((await v6edge(t, ['completion', 'zsh'])).code, 2);
  } finally {
    await t.stop();
  }
});
