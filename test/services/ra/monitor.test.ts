// The real `ip monitor` child: started, killed by close() (no leaked process), restarted with a
// catch-up signal when it dies on its own. Runs `ip monitor` on `lo` of this namespace, which only
// listens; the lab test drives real events through it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { watchInterface } from '../../../src/services/ra/monitor.ts';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until<T>(check: () => T | undefined, what: string, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('monitor: close() kills the ip monitor child and resolves after it exited', async () => {
  const w = watchInterface({ ifname: 'lo', onChange: () => {} });
  const pid = await until(() => w.pid, 'the monitor pid');
  assert.equal(alive(pid), true);
  await w.close();
  assert.equal(alive(pid), false, `ip monitor ${pid} still running after close()`);
  assert.equal(w.pid, undefined);
  await w.close();
});

test('monitor: a monitor that dies is restarted and a re-read is asked for', async () => {
  let changes = 0;
  const w = watchInterface({ ifname: 'lo', onChange: () => changes++, restartMs: 50 });
  try {
    const first = await until(() => w.pid, 'the monitor pid');
    process.kill(first, 'SIGKILL');
    const second = await until(() => (w.pid !== undefined && w.pid !== first ? w.pid : undefined), 'a restarted monitor');
    assert.equal(alive(second), true);
    assert.ok(changes >= 1, 'a restart asks for a re-read');
  } finally {
    await w.close();
  }
});

test('monitor: for an interface that does not exist it keeps retrying until close()', async () => {
  let changes = 0;
  const w = watchInterface({ ifname: 'v6t-nonexistent', onChange: () => changes++, restartMs: 20 });
  await until(() => (changes >= 3 ? true : undefined), 'three restarts');
  await w.close();
  const after = changes;
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(changes, after, 'no restarts after close()');
  assert.equal(w.pid, undefined);
});
