import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unwrap } from '../../src/lib/result.ts';
import { doc, manualClock, open, tempDir } from './fixture.ts';

function twoRevisions(t: { after: (fn: () => void) => void }) {
  const tmp = tempDir();
  t.after(tmp.remove);
  const clock = manualClock();
  const store = open(tmp.path, { now: clock.now });
  t.after(() => store.close());
  unwrap(store.commit({ document: doc('good'), base: 0, author: 'alice', comment: 'known good' }));
  return { tmp, clock, store };
}

test('an unconfirmed commit rolls back when the deadline passes', (t) => {
  const { clock, store } = twoRevisions(t);
  const risky = unwrap(
    store.commit({ document: doc('risky', 9000), base: 1, author: 'alice', comment: 'jumbo', confirmWithinSeconds: 60 }),
  );
  assert.equal(risky.state, 'pending');
  assert.equal(risky.confirmDeadline, clock.now() + 60_000);
  assert.deepEqual(store.pendingConfirm(), { revision: 2, deadline: clock.now() + 60_000 });
  assert.equal(store.running()?.number, 2);

  clock.advance(59_999);
  assert.equal(unwrap(store.checkConfirmDeadline()), undefined);
  assert.equal(store.running()?.number, 2);

  clock.advance(1);
  const back = unwrap(store.checkConfirmDeadline());
  assert.ok(back !== undefined);
  assert.equal(back.number, 3);
  assert.equal(back.author, 'v6edge');
  assert.equal(back.restoredFrom, 1);
  assert.equal(back.state, 'confirmed');
  assert.match(back.comment, /revision 2 was not confirmed within 60 s; restored revision 1/);
  assert.deepEqual(back.document, doc('good'));
  assert.equal(store.running()?.number, 3);
  assert.equal(unwrap(store.revision(2)).state, 'rolled-back');
  assert.equal(store.pendingConfirm(), undefined);
  // A second check has nothing left to do.
  assert.equal(unwrap(store.checkConfirmDeadline()), undefined);
  assert.equal(store.history().length, 3);
});

test('confirm in time keeps the commit', (t) => {
  const { clock, store } = twoRevisions(t);
  unwrap(store.commit({ document: doc('new'), base: 1, author: 'a', comment: '', confirmWithinSeconds: 30 }));
  clock.advance(29_000);
  const confirmed = unwrap(store.confirm());
  assert.equal(confirmed.number, 2);
  assert.equal(confirmed.state, 'confirmed');
  assert.equal(store.pendingConfirm(), undefined);
  clock.advance(3_600_000);
  assert.equal(unwrap(store.checkConfirmDeadline()), undefined);
  assert.equal(store.running()?.number, 2);
  assert.equal(unwrap(store.save()).number, 2);
});

test('confirm after the deadline rolls back and says so', (t) => {
  const { clock, store } = twoRevisions(t);
  unwrap(store.commit({ document: doc('new'), base: 1, author: 'a', comment: '', confirmWithinSeconds: 10 }));
  clock.advance(10_001);
  const late = store.confirm();
  assert.ok(!late.ok);
  assert.equal(late.error.code, 'expired');
  assert.match(late.error.message, /revision 1 is running again as revision 3/);
  assert.equal(store.running()?.number, 3);
});

test('confirm with nothing pending is not-found', (t) => {
  const { store } = twoRevisions(t);
  const r = store.confirm();
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'not-found');
});

test('save refuses a revision that is still pending', (t) => {
  const { store } = twoRevisions(t);
  unwrap(store.commit({ document: doc('new'), base: 1, author: 'a', comment: '', confirmWithinSeconds: 10 }));
  const r = store.save();
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'pending-confirm');
  assert.equal(store.saved(), undefined);
});

test('the first revision cannot be commit-confirmed, and silly windows are refused', (t) => {
  const tmp = tempDir();
  t.after(tmp.remove);
  const store = open(tmp.path);
  t.after(() => store.close());
  const first = store.commit({ document: doc('a'), base: 0, author: 'a', comment: '', confirmWithinSeconds: 60 });
  assert.ok(!first.ok);
  assert.equal(first.error.code, 'invalid');
  assert.equal(store.history().length, 0);
  unwrap(store.commit({ document: doc('a'), base: 0, author: 'a', comment: '' }));
  for (const s of [0, -5, 1.5, Number.NaN, 86_401]) {
    const r = store.commit({ document: doc('b'), base: 1, author: 'a', comment: '', confirmWithinSeconds: s });
    assert.ok(!r.ok, `confirmWithinSeconds ${s}`);
    assert.equal(r.error.code, 'invalid');
  }
});

test('a commit on top of a pending revision confirms it; a rollback undoes it', (t) => {
  const { clock, store } = twoRevisions(t);
  unwrap(store.commit({ document: doc('p1'), base: 1, author: 'a', comment: '', confirmWithinSeconds: 60 }));
  unwrap(store.commit({ document: doc('p2'), base: 2, author: 'a', comment: '', confirmWithinSeconds: 60 }));
  assert.equal(unwrap(store.revision(2)).state, 'confirmed');
  clock.advance(61_000);
  // The deadline of revision 3 passes: the previous confirmed revision is now 2.
  const back = unwrap(store.checkConfirmDeadline());
  assert.equal(back?.restoredFrom, 2);
  assert.deepEqual(store.running()?.document, doc('p1'));

  unwrap(store.commit({ document: doc('p3'), base: 4, author: 'a', comment: '', confirmWithinSeconds: 60 }));
  const undo = unwrap(store.rollback(4, { author: 'a', comment: 'not this' }));
  assert.equal(unwrap(store.revision(5)).state, 'rolled-back');
  assert.equal(undo.state, 'confirmed');
  assert.equal(store.pendingConfirm(), undefined);
});

test('reopening inside the window comes up on the last confirmed revision', (t) => {
  const { tmp, clock, store } = twoRevisions(t);
  unwrap(store.commit({ document: doc('risky'), base: 1, author: 'a', comment: '', confirmWithinSeconds: 600 }));
  store.close();
  clock.advance(5_000);

  // The offline CLI opening beside a running daemon leaves the pending commit alone...
  const tool = open(tmp.path, { now: clock.now, role: 'tool' });
  assert.equal(tool.recoveredAtOpen, undefined);
  assert.equal(tool.pendingConfirm()?.revision, 2);
  tool.close();

  // ...but a restarted daemon cannot be confirmed by the operator who committed it.
  const reopened = open(tmp.path, { now: clock.now });
  t.after(() => reopened.close());
  assert.equal(reopened.recoveredAtOpen?.number, 3);
  assert.match(reopened.recoveredAtOpen?.comment ?? '', /revision 2 was still unconfirmed when v6edge restarted/);
  assert.equal(reopened.running()?.number, 3);
  assert.deepEqual(reopened.running()?.document, doc('good'));
  assert.equal(reopened.pendingConfirm(), undefined);
  assert.equal(unwrap(reopened.revision(2)).state, 'rolled-back');
});

test('a tool opening after the deadline enforces it', (t) => {
  const { tmp, clock, store } = twoRevisions(t);
  unwrap(store.commit({ document: doc('risky'), base: 1, author: 'a', comment: '', confirmWithinSeconds: 10 }));
  store.close();
  clock.advance(11_000);
  const tool = open(tmp.path, { now: clock.now, role: 'tool' });
  t.after(() => tool.close());
  assert.equal(tool.recoveredAtOpen?.restoredFrom, 1);
  assert.equal(tool.running()?.number, 3);
});
