// `config import-radvd` / `config export-radvd` on a store file, and real radvd judging the
// export: every fixture radvd 2.19 reads, imported and exported again, passes `radvd -c`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { UsageError } from '../../src/cli/args.ts';
import { runConfig } from '../../src/cli/config-commands.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { runRadvdConfig } from '../../src/cli/radvd-commands.ts';

const FIXTURES = new URL('../fixtures/radvd/', import.meta.url);
const fixtureText = (name: string): string => readFileSync(new URL(name, FIXTURES), 'utf8');

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

function io(files: Record<string, string>): { io: CliIo; result: () => { out: string; err: string } } {
  let out = '';
  let err = '';
  return {
    io: {
      out: (t) => (out += `${t}\n`),
      err: (t) => (err += `${t}\n`),
      readFile: (p) => {
        const text = files[p];
        if (text === undefined) throw new Error('no such file');
        return text;
      },
      env: { USER: 'tester' },
    },
    result: () => ({ out, err }),
  };
}

function radvdCli(argv: readonly string[], files: Record<string, string> = {}): Run {
  const r = io(files);
  return { code: runRadvdConfig(argv, r.io), ...r.result() };
}

function configCli(argv: readonly string[]): Run {
  const r = io({});
  return { code: runConfig(argv, r.io), ...r.result() };
}

const tempStore = (): string[] => ['--store', join(mkdtempSync(join(tmpdir(), 'v6t-radvdcli-')), 'state.db')];

function radvdAccepts(text: string): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'v6t-radvdcli-conf-'));
  try {
    const file = join(dir, 'radvd.conf');
    writeFileSync(file, text, { mode: 0o644 });
    const r = spawnSync('radvd', ['-c', '-C', file, '-m', 'stderr', '-p', join(dir, 'radvd.pid')], { encoding: 'utf8', timeout: 10_000 });
    return r.status === 0 ? undefined : `exit ${r.status}: ${r.stderr}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const noRadvd = spawnSync('radvd', ['--version']).error === undefined ? undefined : 'radvd is not installed';

test('import-radvd sets the candidate, warns with line and column, and commit makes it running', () => {
  const store = tempStore();
  const imported = radvdCli(['import-radvd', 'r.conf', ...store], { 'r.conf': fixtureText('17-lowpan-abro.conf') });
  assert.equal(imported.code, 0, imported.err);
  assert.match(imported.err, /^r\.conf: warning: line 13, column 2: lowpanco /m);
  assert.match(imported.err, /^r\.conf: warning: line 20, column 2: abro /m);
  assert.match(imported.out, /^\+ interfaces: \{"lan0":\{"kind":"ethernet",.*"role":"lan"/m);
  assert.match(imported.out, /candidate set from r\.conf; 2 settings were left out/);
  assert.equal(configCli(['commit', '--comment', 'from radvd', ...store]).code, 0);

  const exported = radvdCli(['export-radvd', ...store]);
  assert.equal(exported.code, 0, exported.err);
  assert.match(exported.out, /^interface lan0\n\{\n\tAdvSendAdvert on;\n\tUnicastOnly on;\n\tAdvCurHopLimit 255;\n/);
  assert.match(exported.out, /prefix 2001:db8:100:f101::\/64\n\t\{\n\t\tAdvRouterAddr on;\n\t\tAdvValidLifetime 86400;/);
});

test('a second import continues from the candidate and keeps other interfaces', () => {
  const store = tempStore();
  assert.equal(radvdCli(['import-radvd', 'a.conf', ...store], { 'a.conf': fixtureText('01-slaac-basic.conf') }).code, 0);
  const second = radvdCli(['import-radvd', 'b.conf', ...store], { 'b.conf': fixtureText('02-managed-other.conf').replace('lan0', 'lan1') });
  assert.equal(second.code, 0, second.err);
  assert.equal(configCli(['commit', '--comment', 'two', ...store]).code, 0);
  const out = radvdCli(['export-radvd', ...store]).out;
  assert.deepEqual([...out.matchAll(/^interface (\S+)/gm)].map((m) => m[1]), ['lan0', 'lan1']);
  assert.match(radvdCli(['export-radvd', 'lan1', ...store]).out, /^interface lan1\n\{\n\tAdvSendAdvert on;\n\tAdvManagedFlag on;/);
});

test('export-radvd --rev picks a revision; --newer allows radvd ≥ 2.20 syntax, otherwise it warns', () => {
  const store = tempStore();
  radvdCli(['import-radvd', 'a.conf', ...store], { 'a.conf': fixtureText('01-slaac-basic.conf') });
  configCli(['commit', '--comment', 'one', ...store]);
  radvdCli(['import-radvd', 'b.conf', ...store], { 'b.conf': fixtureText('19-nat64prefix.radvd-2.20.conf') });
  configCli(['commit', '--comment', 'two', ...store]);
  assert.match(radvdCli(['export-radvd', '--rev', '1', ...store]).out, /prefix 2001:db8:10::\/64/);
  const old = radvdCli(['export-radvd', ...store]);
  assert.equal(old.code, 0);
  assert.doesNotMatch(old.out, /nat64prefix/);
  assert.match(old.err, /warning: interfaces\.lan0\.ra\.pref64: nat64prefix \(PREF64, RFC 8781\) needs radvd ≥ 2\.20/);
  const newer = radvdCli(['export-radvd', '--newer', ...store]);
  assert.match(newer.out, /nat64prefix 64:ff9b::\/96\n\t\{\n\t\tAdvValidLifetime 1800;/);
  assert.equal(newer.err, '');
});

test('refusals exit 1 with the reason; usage mistakes throw UsageError', () => {
  const store = tempStore();
  const bad = radvdCli(['import-radvd', 'x.conf', ...store], { 'x.conf': 'interface lan0 { AdvSendAdvert maybe; };' });
  assert.equal(bad.code, 1);
  assert.match(bad.err, /x\.conf: line 1, column 32: AdvSendAdvert takes on or off/);
  assert.equal(radvdCli(['import-radvd', 'missing.conf', ...store]).code, 1);
  assert.match(radvdCli(['export-radvd', ...store]).err, /nothing has been committed yet/);
  radvdCli(['import-radvd', 'a.conf', ...store], { 'a.conf': fixtureText('01-slaac-basic.conf') });
  configCli(['commit', '--comment', 'one', ...store]);
  assert.match(radvdCli(['export-radvd', 'wan9', ...store]).err, /Interface wan9 is not in the config/);
  assert.match(radvdCli(['export-radvd', '--rev', '7', ...store]).err, /7/);
  assert.throws(() => radvdCli(['import-radvd', ...store]), UsageError);
  assert.throws(() => radvdCli(['export-radvd', '--bogus', ...store]), UsageError);
  assert.throws(() => radvdCli(['frob', ...store]), UsageError);
});

test('radvd 2.19 accepts every exported fixture', { skip: noRadvd }, () => {
  const names = readdirSync(FIXTURES).filter((f) => f.endsWith('.conf')).sort();
  for (const name of names) {
    const store = tempStore();
    assert.equal(radvdCli(['import-radvd', name, ...store], { [name]: fixtureText(name) }).code, 0, name);
    assert.equal(configCli(['commit', '--comment', name, ...store]).code, 0, name);
    const exported = radvdCli(['export-radvd', ...store]);
    assert.equal(exported.code, 0, name);
    assert.equal(radvdAccepts(exported.out), undefined, `${name}:\n${exported.out}`);
  }
});
