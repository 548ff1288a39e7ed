import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describe, err, ok, problem, unwrap } from '../../src/lib/result.ts';

test('describe renders each kind of location', () => {
  assert.equal(describe(problem('x', 'bad', { path: 'a.b[1]' })), 'a.b[1]: bad');
  assert.equal(describe(problem('x', 'bad', { offset: 12 })), 'at byte 12: bad');
  assert.equal(describe(problem('x', 'bad', { line: 3, column: 7 })), 'line 3, column 7: bad');
  assert.equal(describe(problem('x', 'bad')), 'bad');
});

test('unwrap returns the value or throws with the code', () => {
  assert.equal(unwrap(ok(5)), 5);
  assert.throws(() => unwrap(err(problem('nope', 'it failed'))), /nope: it failed/);
});
