import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cli } from './support.ts';

test('demo --dry-run shows allocations, the planned kernel changes and the RAs of the demo config', async () => {
  const run = await cli(['demo', '--dry-run']);
  assert.equal(run.code, 0, run.err);
  assert.match(run.out, /hosts\s+ch1\s+2001:db8:4000::\/48/);
  assert.match(run.out, /\+ route 2001:db8:4000::\/48 via \S+ dev hosts0 proto v6edge/);
  assert.match(run.out, /~ table inet v6edge/);
  assert.match(run.out, /lan0: router lifetime \d+ s/);
  assert.match(run.out, /prefix 2001:db8:1::\/64 SLAAC/);
  assert.doesNotMatch(run.out, /! /, 'the demo config plans and advertises without problems');
});
