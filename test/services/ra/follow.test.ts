// The facts follower: re-reads on watch events, never two reads at once, a slow resync, and the
// watch closed on close() or when the first read fails.
import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import type { FactsSource, InterfaceFacts } from '../../../src/services/ra/facts.ts';
import { FactsFollower } from '../../../src/services/ra/follow.ts';

const facts = (...globalPrefixes: string[]): InterfaceFacts => ({ linkLocal: 'fe80::1', linkLocalAddresses: ['fe80::1'], globalPrefixes, globalAddresses: [] });

/** A source whose reads the test answers one at a time, with a watch it can fire. */
class ScriptedSource {
  readonly pending: Array<{ resolve: (f: InterfaceFacts) => void; reject: (e: Error) => void }> = [];
  onChange: (() => void) | undefined;
  watchClosed = 0;
  readonly source: FactsSource = Object.assign(
    () => new Promise<InterfaceFacts>((resolve, reject) => this.pending.push({ resolve, reject })),
    {
      watch: (onChange: () => void) => {
        this.onChange = onChange;
        return { pid: 4242, close: async () => void this.watchClosed++ };
      },
    },
  );
  answer(f: InterfaceFacts): void {
    const p = this.pending.shift();
    assert.ok(p !== undefined, 'a read is pending');
    p.resolve(f);
  }
}

const settle = () => new Promise<void>((r) => setImmediate(r));

test('follower: a watch event re-reads; a read that changed something is reported once', async () => {
  const s = new ScriptedSource();
  const seen: InterfaceFacts[] = [];
  const starting = FactsFollower.start({ source: s.source, resyncMs: 1e9, onChange: (f) => seen.push(f) });
  s.answer(facts());
  const f = await starting;
  assert.deepEqual(f.facts, facts());

  s.onChange!();
  s.answer(facts());
  await settle();
  assert.equal(seen.length, 0, 'an unchanged read is not a change');

  s.onChange!();
  s.answer(facts('2001:db8:1::/64'));
  await settle();
  assert.deepEqual(seen, [facts('2001:db8:1::/64')]);
  assert.deepEqual(f.facts.globalPrefixes, ['2001:db8:1::/64']);
  await f.close();
  assert.equal(s.watchClosed, 1);
  s.onChange!();
  assert.equal(s.pending.length, 0, 'no reads after close');
});

test('follower: events during a read coalesce into exactly one more read', async () => {
  const s = new ScriptedSource();
  const starting = FactsFollower.start({ source: s.source, resyncMs: 1e9, onChange: () => {} });
  // An event during the first read is not lost.
  s.onChange!();
  s.answer(facts());
  const f = await starting;
  assert.equal(s.pending.length, 1);
  for (let i = 0; i < 5; i++) s.onChange!();
  assert.equal(s.pending.length, 1, 'still one read in flight');
  s.answer(facts('2001:db8:1::/64'));
  await settle();
  assert.equal(s.pending.length, 1, 'one follow-up read for the five events');
  s.answer(facts('2001:db8:1::/64', '2001:db8:2::/64'));
  await settle();
  assert.equal(s.pending.length, 0);
  assert.deepEqual(f.facts.globalPrefixes, ['2001:db8:1::/64', '2001:db8:2::/64']);
  await f.close();
});

test('follower: the resync timer re-reads without events; a failed read is a problem until one succeeds', async (t) => {
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  const s = new ScriptedSource();
  const starting = FactsFollower.start({ source: s.source, resyncMs: 60_000, onChange: () => {} });
  s.answer(facts());
  const f = await starting;
  mock.timers.tick(59_999);
  assert.equal(s.pending.length, 0);
  mock.timers.tick(1);
  assert.equal(s.pending.length, 1);
  s.pending.shift()!.reject(new Error('Cannot find device "r0"'));
  await settle();
  assert.deepEqual(f.problems.map((p) => p.code), ['facts-unreadable']);
  assert.match(f.problems[0]!.message, /Cannot find device/);
  assert.deepEqual(f.facts, facts(), 'the last good facts stay');
  mock.timers.tick(60_000);
  s.answer(facts());
  await settle();
  assert.deepEqual(f.problems, []);
  await f.close();
  mock.timers.tick(120_000);
  assert.equal(s.pending.length, 0, 'no resync after close');
});

test('follower: a failed first read closes the watch and throws', async () => {
  const s = new ScriptedSource();
  const starting = FactsFollower.start({ source: s.source, onChange: () => {} });
  s.pending.shift()!.reject(new Error('no such device'));
  await assert.rejects(starting, /no such device/);
  assert.equal(s.watchClosed, 1);
});

test('follower: a source without watch is only read at start and on resync', async () => {
  let reads = 0;
  const f = await FactsFollower.start({ source: async () => (reads++, facts()), resyncMs: 1e9, onChange: () => {} });
  f.refresh();
  await settle();
  assert.equal(reads, 2);
  await f.close();
});
