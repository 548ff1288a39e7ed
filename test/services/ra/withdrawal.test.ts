import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PrefixInformationOption } from '../../../src/proto/ndp/index.ts';
import { decodeHistory, EMPTY_HISTORY, MAX_WITHDRAW_SECONDS, recordAdvertised } from '../../../src/services/ra/withdrawal.ts';

const pio = (prefix: string, validLifetime: number, autonomous = true): PrefixInformationOption => ({
  type: 'prefix-information', prefixLength: 64, onLink: true, autonomous, routerAddress: false, validLifetime, preferredLifetime: 0, prefix,
});

test('a prefix that leaves the RA is withdrawn for its remaining valid lifetime, at most two hours', () => {
  let h = recordAdvertised(EMPTY_HISTORY, [pio('2001:db8:1::', 600), pio('2001:db8:2::', 2592000, false)], 0);
  assert.equal(h.changed, true);
  h = recordAdvertised(h.history, [pio('2001:db8:1::', 600), pio('2001:db8:2::', 2592000, false)], 1000);
  assert.equal(h.changed, false);
  h = recordAdvertised(h.history, [], 101_000);
  assert.equal(h.changed, true);
  assert.deepEqual(h.history.withdrawn, [
    // Last advertised at 1 s with 600 s valid: hosts may hold it until 601 s.
    { prefix: '2001:db8:1::', prefixLength: 64, onLink: true, autonomous: true, until: 601_000 },
    { prefix: '2001:db8:2::', prefixLength: 64, onLink: true, autonomous: false, until: 101_000 + MAX_WITHDRAW_SECONDS * 1000 },
  ]);
  // Expired withdrawals are dropped; one advertised again stops being withdrawn.
  const later = recordAdvertised(h.history, [pio('2001:db8:2::', 600)], 700_000);
  assert.deepEqual(later.history.withdrawn, []);
  assert.deepEqual(later.history.advertised.map((a) => a.prefix), ['2001:db8:2::']);
  assert.equal(later.changed, true);
});

test('the stored history survives JSON, and garbage reads as empty', () => {
  const h = recordAdvertised(recordAdvertised(EMPTY_HISTORY, [pio('2001:db8:1::', 600)], 0).history, [], 10).history;
  assert.deepEqual(decodeHistory(JSON.parse(JSON.stringify(h))), h);
  for (const bad of [undefined, null, 'x', { advertised: 'no' }, { advertised: [], withdrawn: [{ prefix: 1 }] }]) {
    assert.deepEqual(decodeHistory(bad), EMPTY_HISTORY);
  }
});
