// Crash safety: a child process commits while this test SIGKILLs it at random moments. After
// every kill the store must open, pass SQLite's integrity check, and hold a contiguous history
// whose every document is exactly what was committed (no torn or half-written revision).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { DatabaseSync } from 'node:sqlite';
import { unwrap } from '../../src/lib/result.ts';
import { crashDocument, open, tempDir } from './fixture.ts';

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const TARGET = 200;
const KILLS = 20;
// Each killed run is allowed a random number of commits, then killed a random moment later
// while it is still committing, so kills land inside transactions as well as between them.
const MAX_COMMITS_PER_RUN = 10;
const MAX_KILL_DELAY_MS = 3;

/** Starts the child; `commits` resolves when it has reported that many commits (or exited). */
function startChild(path: string, killAfter: number) {
  const child = spawn(process.execPath, ['--no-warnings', CHILD, path, String(TARGET)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const commits = new Promise<void>((resolve) => {
    let lines = 0;
    child.stdout.on('data', (b: Buffer) => {
      lines += b.toString().split('\n').length - 1;
      // The first line is `ready`; the rest are commits.
      if (lines - 1 >= killAfter) resolve();
    });
    void exited.then(() => resolve());
  });
  return { child, exited, commits, stderr: () => stderr };
}

/** Opens the store as the next daemon would and checks everything it holds; returns the count. */
function verify(path: string): number {
  const store = open(path);
  try {
    unwrap(store.checkIntegrity());
    const raw = new DatabaseSync(path, { readOnly: true });
    try {
      assert.deepEqual(raw.prepare('PRAGMA integrity_check').all().map((r) => r['integrity_check']), ['ok']);
    } finally {
      raw.close();
    }
    const history = store.history({ limit: 10_000 });
    const n = history.length;
    assert.deepEqual(
      history.map((r) => r.number),
      Array.from({ length: n }, (_, i) => n - i),
      'revision numbers are contiguous from 1',
    );
    assert.equal(store.running()?.number ?? 0, n, 'running is the last committed revision');
    for (let i = 1; i <= n; i++) {
      const r = unwrap(store.revision(i));
      assert.deepEqual(r.document, crashDocument(i), `revision ${i} holds exactly what was committed`);
      assert.equal(r.state, 'confirmed');
    }
    return n;
  } finally {
    store.close();
  }
}

test('SIGKILL at random points never leaves a store that fails to open or holds a torn revision', async (t) => {
  const tmp = tempDir();
  t.after(tmp.remove);
  let kills = 0;
  let runs = 0;
  let count = 0;
  const progress: number[] = [];
  while (count < TARGET) {
    assert.ok(runs < KILLS + 10, `no progress after ${runs} runs (${progress.join(', ')})`);
    runs++;
    const killing = kills < KILLS;
    const killAfter = killing ? 1 + Math.floor(Math.random() * MAX_COMMITS_PER_RUN) : TARGET;
    const { child, exited, commits, stderr } = startChild(tmp.path, killAfter);
    if (killing) {
      await commits;
      await sleep(Math.random() * MAX_KILL_DELAY_MS);
      child.kill('SIGKILL');
      const [code, signal] = await exited;
      // The child may have reached the target and exited before the kill landed.
      if (signal === 'SIGKILL') kills++;
      else assert.equal(code, 0, stderr());
    } else {
      const [code] = await exited;
      assert.equal(code, 0, stderr());
    }
    count = verify(tmp.path);
    progress.push(count);
  }
  assert.equal(count, TARGET);
  assert.ok(kills >= KILLS / 2, `only ${kills} kills landed before the child finished (${progress.join(', ')})`);
  t.diagnostic(`kills=${kills} runs=${runs} revisions after each run: ${progress.join(' ')}`);
});
