import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execute } from '../../src/backends/exec.ts';
import { ExecError, run } from './exec.ts';

test('execute reports exit code, output and a timeout without rejecting', async () => {
  assert.deepEqual(await execute(['sh', '-c', 'cat; echo err >&2; exit 3'], 'in'), { code: 3, stdout: 'in', stderr: 'err\n', timedOut: false });
  const slow = await execute(['sleep', '5'], '', 100);
  assert.equal(slow.timedOut, true);
  assert.equal(slow.code, null);
  assert.equal((await execute(['sh', '-c', 'echo $V6T'], '', 30_000, { V6T: 'set' })).stdout, 'set\n');
});

test('run throws ExecError on a non-zero exit or a timeout, unless check is off for the exit', async () => {
  await assert.rejects(run(['sh', '-c', 'echo nope >&2; exit 1']), (e: unknown) => e instanceof ExecError && /exited with code 1\nnope/.test(e.message));
  await assert.rejects(run(['sleep', '5'], { timeoutMs: 100, check: false }), /timed out after 100 ms/);
  assert.equal((await run(['false'], { check: false })).code, 1);
});
