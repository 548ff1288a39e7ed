// Model check: any sequence of commits, commit-confirms, confirms, rollbacks, clock jumps and
// reopens keeps the history append-only and contiguous, and `running` where a simple model says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Store } from '../../src/store/store.ts';
import { doc, manualClock, open, tempDir, type TestDoc } from './fixture.ts';

type Op =
  | { readonly op: 'commit'; readonly mtu: number; readonly confirm: boolean; readonly stale: boolean }
  | { readonly op: 'confirm' }
  | { readonly op: 'rollback'; readonly pick: number }
  | { readonly op: 'advance'; readonly seconds: number }
  | { readonly op: 'reopen' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('commit' as const), mtu: fc.integer({ min: 1280, max: 9000 }), confirm: fc.boolean(), stale: fc.boolean() }),
  fc.record({ op: fc.constant('confirm' as const) }),
  fc.record({ op: fc.constant('rollback' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('advance' as const), seconds: fc.integer({ min: 1, max: 120 }) }),
  fc.record({ op: fc.constant('reopen' as const) }),
);

function checkInvariants(store: Store<TestDoc>, expected: TestDoc[]): void {
  const history = store.history({ limit: 1000 });
  const n = history.length;
  assert.equal(n, expected.length);
  assert.deepEqual(history.map((r) => r.number), Array.from({ length: n }, (_, i) => n - i));
  assert.equal(store.running()?.number ?? 0, n);
  const pending = history.filter((r) => r.state === 'pending').map((r) => r.number);
  assert.ok(pending.length === 0 || (pending.length === 1 && pending[0] === n), `pending: ${pending.join(',')}`);
  for (const r of history) {
    const full = store.revision(r.number);
    assert.ok(full.ok);
    assert.deepEqual(full.value.document, expected[r.number - 1]);
  }
}

test('property: history stays contiguous and append-only under any sequence of operations', () => {
  fc.assert(
    fc.property(fc.array(opArb, { minLength: 1, maxLength: 25 }), (ops) => {
      const tmp = tempDir();
      const clock = manualClock();
      let store = open(tmp.path, { now: clock.now });
      // expected[i] is the document revision i + 1 must hold.
      const expected: TestDoc[] = [];
      const runningDoc = () => expected.at(-1);
      try {
        for (const o of ops) {
          const n = expected.length;
          if (o.op === 'commit') {
            const base = o.stale && n > 0 ? n - 1 : n;
            const d = doc(`m${o.mtu}`, o.mtu);
            const r = store.commit({ document: d, base, author: 't', comment: '', ...(o.confirm ? { confirmWithinSeconds: 60 } : {}) });
            if (base !== n) assert.ok(!r.ok && r.error.code === 'conflict');
            else if (o.confirm && n === 0) assert.ok(!r.ok && r.error.code === 'invalid');
            else {
              assert.ok(r.ok);
              expected.push(d);
            }
          } else if (o.op === 'confirm') {
            const pending = store.pendingConfirm();
            const before = store.running()?.number;
            const r = store.confirm();
            if (pending === undefined) assert.ok(!r.ok && r.error.code === 'not-found');
            else if (clock.now() >= pending.deadline) {
              assert.ok(!r.ok && r.error.code === 'expired');
              const restored = store.running()?.restoredFrom;
              assert.ok(restored !== undefined);
              expected.push(expected[restored - 1]!);
            } else assert.ok(r.ok && r.value.number === before);
          } else if (o.op === 'rollback') {
            if (n === 0) continue;
            const target = 1 + (o.pick % n);
            const r = store.rollback(target, { author: 't', comment: '' });
            assert.ok(r.ok);
            expected.push(expected[target - 1]!);
          } else {
            if (o.op === 'advance') clock.advance(o.seconds * 1000);
            else {
              store.close();
              store = open(tmp.path, { now: clock.now });
            }
            const rolled = o.op === 'advance' ? store.checkConfirmDeadline() : { ok: true as const, value: store.recoveredAtOpen };
            assert.ok(rolled.ok);
            if (rolled.value !== undefined) expected.push(expected[rolled.value.restoredFrom! - 1]!);
          }
          checkInvariants(store, expected);
          assert.deepEqual(store.running()?.document, runningDoc());
        }
      } finally {
        store.close();
        tmp.remove();
      }
    }),
    { numRuns: 40 },
  );
});
