// The bounded session table: LRU order, eviction of probing/dead entries before alive ones, and
// the cap under any sequence of operations.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { emptySessions, lookup, sessionCount, sessionKey, store, type Session, type SessionState } from '../../../src/services/ndproxy/sessions.ts';

const session = (target: bigint, state: SessionState, expiresAt = 1000): Session => ({ upstream: 'wan0', target, ifname: 'lan0', state, expiresAt, waiters: [] });
const put = (t: ReturnType<typeof emptySessions>, target: bigint, state: SessionState) => store(t, sessionKey(t, 'wan0', target), session(target, state));

test('a full table evicts the least recently used probing or dead entry before any alive one', () => {
  const t = emptySessions(3);
  put(t, 1n, 'alive');
  put(t, 2n, 'dead');
  put(t, 3n, 'probing');
  assert.deepEqual(put(t, 4n, 'probing').map((s) => s.target), [2n]);
  assert.deepEqual(put(t, 5n, 'probing').map((s) => s.target), [3n]);
  assert.equal(sessionCount(t), 3);
  assert.ok(lookup(t, sessionKey(t, 'wan0', 1n), 0) !== undefined, 'the alive entry survived');
});

test('with only alive entries left, the least recently used alive one goes; a lookup refreshes it', () => {
  const t = emptySessions(2);
  put(t, 1n, 'alive');
  put(t, 2n, 'alive');
  lookup(t, sessionKey(t, 'wan0', 1n), 0);
  assert.deepEqual(put(t, 3n, 'probing').map((s) => s.target), [2n]);
});

test('expired alive and dead entries read as absent; probing ones wait for the tick', () => {
  const t = emptySessions(4);
  put(t, 1n, 'alive');
  put(t, 2n, 'dead');
  put(t, 3n, 'probing');
  assert.equal(lookup(t, sessionKey(t, 'wan0', 1n), 1000), undefined);
  assert.equal(lookup(t, sessionKey(t, 'wan0', 2n), 1000), undefined);
  assert.equal(lookup(t, sessionKey(t, 'wan0', 3n), 1000)?.state, 'probing');
  assert.equal(sessionCount(t), 1);
});

test('property: the cap holds and a stored entry is always found right after', () => {
  const op = fc.record({ target: fc.bigInt({ min: 0n, max: 64n }), state: fc.constantFrom<SessionState>('alive', 'dead', 'probing') });
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 16 }), fc.array(op, { maxLength: 200 }), (cap, ops) => {
      const t = emptySessions(cap);
      for (const o of ops) {
        put(t, o.target, o.state);
        assert.ok(sessionCount(t) <= cap);
        assert.equal(lookup(t, sessionKey(t, 'wan0', o.target), 0)?.state, o.state);
      }
    }),
  );
});

test('keys: one per upstream and target; the same target on two upstreams is two sessions', () => {
  const t = emptySessions(8);
  assert.equal(sessionKey(t, 'wan0', 5n), sessionKey(t, 'wan0', 5n));
  assert.notEqual(sessionKey(t, 'wan0', 5n), sessionKey(t, 'wan1', 5n));
  // The largest address stays below the interface bits, so it cannot collide with another upstream.
  const top = (1n << 128n) - 1n;
  assert.notEqual(sessionKey(t, 'wan0', top), sessionKey(t, 'wan1', 0n));
  assert.notEqual(sessionKey(t, 'wan0', top), sessionKey(t, 'wan1', top));
  assert.equal(t.upstreamIds.size, 2);
});
