import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzz } from './engine.ts';
import { loadTargets } from './targets.ts';

for (const target of await loadTargets()) {
  test(`fuzz ${target.name}: 20,000 cases, no exceptions, every parse stable`, () => {
    const report = fuzz(target, 20_000, 20261121);
    assert.deepEqual(report.failures, []);
    assert.ok(report.parsed > 0, 'the mutator reaches valid packets');
  });
}
