import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  MAX_INITIAL_RTR_ADVERT_INTERVAL_MS,
  MAX_PENDING_UNICAST,
  MAX_RA_DELAY_TIME_MS,
  type SchedulerInput,
} from '../../../src/services/ra/scheduler.ts';
import { multicast, schedulerConfig, simulate, type Sent } from './simulate.ts';

const gaps = (sent: readonly Sent[]): number[] => sent.slice(1).map((s, i) => s.at - sent[i]!.at);
const LL = 'fe80::1';

test('start: the first RA at once, then three initial RAs at most 16 s apart, then [Min, Max]', () => {
  const config = schedulerConfig({ maxRtrAdvInterval: 600 });
  const run = simulate(config, [{ type: 'start', now: 0 }], 3_600_000);
  const sent = multicast(run);
  assert.equal(sent[0]?.at, 0);
  assert.deepEqual(sent.slice(0, 4).map((s) => s.reason), ['initial', 'initial', 'initial', 'periodic']);
  const g = gaps(sent);
  // After the first and second initial RAs the next one comes within 16 s.
  assert.ok(g[0]! <= MAX_INITIAL_RTR_ADVERT_INTERVAL_MS && g[1]! <= MAX_INITIAL_RTR_ADVERT_INTERVAL_MS, JSON.stringify(g.slice(0, 3)));
  for (const gap of g.slice(2)) assert.ok(gap >= 198_000 && gap <= 600_000, `gap ${gap}`);
  assert.ok(sent.every((s) => !s.final));
});

test('unsolicited intervals stay within [Min, Max] for any Max and seed (property)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 4, max: 1800 }), fc.integer(), (max, seed) => {
      const config = schedulerConfig({ maxRtrAdvInterval: max });
      const min = max >= 9 ? Math.max(3, 0.33 * max) : 0.75 * max;
      const sent = multicast(simulate(config, [{ type: 'start', now: 0 }], 40 * max * 1000, seed));
      const g = gaps(sent).slice(2);
      assert.ok(g.length > 10);
      for (const gap of g) assert.ok(gap >= min * 1000 - 1e-6 && gap <= max * 1000 + 1e-6, `max ${max} gap ${gap}`);
    }),
    { numRuns: 60 },
  );
});

test('a solicited multicast RA goes 0–0.5 s after the RS when none went recently', () => {
  const config = schedulerConfig({ maxRtrAdvInterval: 600, unicastResponse: false });
  for (let seed = 1; seed <= 50; seed++) {
    const rsAt = 100_000;
    const run = simulate(config, [{ type: 'start', now: 0 }, { type: 'rs', now: rsAt, source: LL, hasSllao: true }], 150_000, seed);
    const solicited = multicast(run).filter((s) => s.reason === 'solicited');
    assert.equal(solicited.length, 1);
    const delay = solicited[0]!.at - rsAt;
    assert.ok(delay >= 0 && delay <= MAX_RA_DELAY_TIME_MS, `delay ${delay}`);
  }
});

test('an RS right after a multicast RA is answered at last + MIN_DELAY_BETWEEN_RAS + the random delay', () => {
  const config = schedulerConfig({ maxRtrAdvInterval: 600, unicastResponse: false });
  const run = simulate(config, [{ type: 'start', now: 0 }, { type: 'rs', now: 1000, source: '::', hasSllao: false }], 20_000);
  const sent = multicast(run);
  assert.equal(sent[0]?.at, 0);
  assert.equal(sent[1]?.reason, 'solicited');
  assert.ok(sent[1]!.at >= 3000 && sent[1]!.at <= 3500, String(sent[1]!.at));
});

test('RFC 7772: unicast reply to an RS with a source and an SLLAO; multicast otherwise', () => {
  const cases: Array<[Record<string, unknown>, string, boolean, string]> = [
    [{}, LL, true, LL],
    [{}, LL, false, 'ff02::1'],
    [{}, '::', false, 'ff02::1'],
    [{ unicastResponse: false }, LL, true, 'ff02::1'],
    [{ unicastOnly: true }, LL, false, LL],
  ];
  for (const [input, source, hasSllao, expected] of cases) {
    const config = schedulerConfig({ maxRtrAdvInterval: 600, ...input });
    const run = simulate(config, [{ type: 'start', now: 0 }, { type: 'rs', now: 60_000, source, hasSllao }], 61_000);
    const replies = run.sent.filter((s) => s.at >= 60_000);
    assert.deepEqual(replies.map((s) => [s.destination, s.reason]), [[expected, 'solicited']], JSON.stringify([input, source, hasSllao]));
    assert.ok(replies[0]!.at - 60_000 <= MAX_RA_DELAY_TIME_MS);
  }
});

test('unicast replies ignore the multicast spacing; repeated RSs from one host are coalesced', () => {
  const config = schedulerConfig({ maxRtrAdvInterval: 600 });
  const inputs: SchedulerInput[] = [
    { type: 'start', now: 0 },
    { type: 'rs', now: 10, source: LL, hasSllao: true },
    { type: 'rs', now: 10, source: LL, hasSllao: true },
    { type: 'rs', now: 10, source: 'fe80::2', hasSllao: true },
  ];
  const run = simulate(config, inputs, 2000);
  assert.deepEqual(run.sent.filter((s) => s.destination !== 'ff02::1').map((s) => s.destination).sort(), ['fe80::1', 'fe80::2']);
  assert.deepEqual(run.ignored, ['coalesced']);
  assert.ok(run.sent.every((s) => s.at <= 510));
});

test('UnicastOnly never multicasts; clients get unicast RAs; ! clients and strangers are ignored', () => {
  const unicastOnly = simulate(schedulerConfig({ unicastOnly: true }), [{ type: 'start', now: 0 }, { type: 'rs', now: 5, source: '::', hasSllao: false }], 3_600_000);
  assert.deepEqual(unicastOnly.sent, []);
  assert.deepEqual(unicastOnly.ignored, ['unicast-only-unspecified']);
  const clients = schedulerConfig({ maxRtrAdvInterval: 600, clients: [{ address: 'fe80::a' }, { address: 'fe80::b' }, { address: 'fe80::c', exclude: true }] });
  const run = simulate(clients, [
    { type: 'start', now: 0 },
    { type: 'rs', now: 50_000, source: 'fe80::c', hasSllao: true },
    { type: 'rs', now: 50_001, source: 'fe80::d', hasSllao: true },
    { type: 'rs', now: 50_002, source: 'fe80::b', hasSllao: false },
  ], 51_000);
  assert.deepEqual(run.sent.filter((s) => s.at === 0).map((s) => s.destination), ['fe80::a', 'fe80::b']);
  assert.equal(run.sent.some((s) => s.destination === 'ff02::1'), false);
  assert.deepEqual(run.sent.filter((s) => s.reason === 'solicited').map((s) => s.destination), ['fe80::b']);
  assert.deepEqual(run.ignored, ['client-excluded', 'not-a-client']);
});

test('RS flood: multicast RAs never closer than MIN_DELAY_BETWEEN_RAS, RSs coalesced (property)', () => {
  const rsArb = fc.array(
    fc.record({ now: fc.integer({ min: 0, max: 60_000 }), sllao: fc.boolean(), host: fc.integer({ min: 0, max: 300 }) }),
    { minLength: 1, maxLength: 2000 },
  );
  fc.assert(
    fc.property(rsArb, fc.integer(), fc.constantFrom(3, 0.5, 10), fc.boolean(), (arrivals, seed, minDelay, unicastResponse) => {
      const config = schedulerConfig({ maxRtrAdvInterval: 30, minDelayBetweenRas: minDelay, unicastResponse });
      const inputs: SchedulerInput[] = [
        { type: 'start', now: 0 },
        ...arrivals
          .sort((a, b) => a.now - b.now)
          .map((a) => ({ type: 'rs' as const, now: a.now, source: a.host === 0 ? '::' : `fe80::${a.host.toString(16)}`, hasSllao: a.sllao && a.host !== 0 })),
      ];
      // Long enough for the last RS (up to 60 s) to be answered: a multicast RA may have left just
      // before it, so the answer waits the longest spacing (10 s) plus the random delay (§6.2.6).
      const run = simulate(config, inputs, 60_000 + 10_000 + MAX_RA_DELAY_TIME_MS + 1, seed);
      const sent = multicast(run);
      for (const g of gaps(sent)) assert.ok(g >= minDelay * 1000 - 1e-6, `gap ${g} < ${minDelay} s`);
      // The pending unicast list stays bounded however many hosts ask.
      assert.ok(run.state.pendingUnicast.length <= MAX_PENDING_UNICAST);
      // Every RS is answered: by unicast, or by a multicast RA no later than spacing + delay after it.
      const lastRs = inputs.at(-1)!.now;
      assert.ok(sent.some((s) => s.at >= lastRs) || run.sent.some((s) => s.at >= lastRs && s.destination !== 'ff02::1'));
    }),
    { numRuns: 80 },
  );
});

test('stop: three final RAs with lifetime 0, spaced by MIN_DELAY_BETWEEN_RAS, then silence', () => {
  const config = schedulerConfig({ maxRtrAdvInterval: 600 });
  const run = simulate(config, [{ type: 'start', now: 0 }, { type: 'stop', now: 100_000 }, { type: 'rs', now: 100_500, source: LL, hasSllao: true }], 10_000_000);
  const finals = run.sent.filter((s) => s.final);
  assert.equal(finals.length, 3);
  assert.equal(finals[0]!.at, 100_000);
  assert.deepEqual(gaps(finals), [3000, 3000]);
  assert.ok(run.sent.every((s) => s.at <= 100_000 ? true : s.final));
  assert.equal(run.state.phase, 'stopped');
  assert.deepEqual(run.ignored, ['not-advertising']);
  // Without RemoveAdvOnExit there is nothing to send.
  const quiet = simulate(schedulerConfig({ removeAdvOnExit: false }), [{ type: 'start', now: 0 }, { type: 'stop', now: 100_000 }], 10_000_000);
  assert.equal(quiet.sent.filter((s) => s.final).length, 0);
  // A stop right after an RA still keeps the spacing.
  const soon = simulate(config, [{ type: 'start', now: 0 }, { type: 'stop', now: 1000 }], 20_000);
  assert.equal(soon.sent.find((s) => s.final)?.at, 3000);
});

test('config change: fast RAs with the new config, never a final RA; turning RA off sends finals', () => {
  const config = schedulerConfig({ maxRtrAdvInterval: 600 });
  const changed = schedulerConfig({ maxRtrAdvInterval: 600, managedFlag: true });
  const run = simulate(config, [{ type: 'start', now: 0 }, { type: 'configChanged', now: 300_000, config: changed }], 400_000);
  const after = multicast(run).filter((s) => s.at >= 300_000);
  assert.equal(after[0]?.at, 300_000);
  assert.deepEqual(after.slice(0, 3).map((s) => s.reason), ['initial', 'initial', 'initial']);
  assert.equal(run.sent.some((s) => s.final), false);
  // A change 1 s after an RA waits only for the spacing.
  const quick = simulate(config, [{ type: 'start', now: 0 }, { type: 'configChanged', now: 1000, config: changed }], 5000);
  assert.deepEqual(multicast(quick).map((s) => s.at), [0, 3000]);
  const off = simulate(config, [{ type: 'start', now: 0 }, { type: 'configChanged', now: 100_000, config: schedulerConfig({ enabled: false }) }], 1_000_000);
  assert.deepEqual(off.sent.filter((s) => s.final).map((s) => s.at), [100_000, 103_000, 106_000]);
  assert.equal(off.state.phase, 'idle');
  const on = simulate(config, [
    { type: 'start', now: 0 },
    { type: 'configChanged', now: 100_000, config: schedulerConfig({ enabled: false }) },
    { type: 'configChanged', now: 200_000, config },
  ], 200_000);
  assert.equal(on.state.phase, 'advertising');
  assert.equal(on.sent.at(-1)?.reason, 'initial');
});

test('the spacing counts from when a multicast RA actually left, not from when it was decided', async () => {
  const { decide, initialSchedulerState } = await import('../../../src/services/ra/scheduler.ts');
  const rand = (): number => 0;
  let d = decide(initialSchedulerState(schedulerConfig({ maxRtrAdvInterval: 600 })), { type: 'start', now: 0 }, rand);
  d = decide(d.state, { type: 'tick', now: d.wakeAt ?? 0 }, rand);
  const send = d.actions.find((a) => a.type === 'send');
  assert.ok(send && send.type === 'send' && send.spaced, 'the first RA goes to the multicast slot');
  const decidedAt = d.wakeAt === undefined ? 0 : d.state.lastMulticastAt ?? 0;
  // Building and sending took 40 ms: the next multicast RA moves back by as much.
  const sent = decide(d.state, { type: 'sent', now: decidedAt + 40 }, rand);
  assert.equal(sent.state.lastMulticastAt, decidedAt + 40);
  assert.ok((sent.wakeAt ?? Infinity) >= decidedAt + 40 + 3000, `next wake ${sent.wakeAt}`);
  // A report older than what is recorded changes nothing.
  assert.deepEqual(decide(sent.state, { type: 'sent', now: decidedAt }, rand).state, sent.state);
});

test('an RS just after a multicast RA is answered one spacing plus the random delay later (the case a short simulation once cut off)', () => {
  const config = schedulerConfig({ maxRtrAdvInterval: 30, minDelayBetweenRas: 10, unicastResponse: true });
  const inputs: SchedulerInput[] = [
    { type: 'start', now: 0 },
    { type: 'rs', now: 29_411, source: '::', hasSllao: false },
    { type: 'rs', now: 29_601, source: 'fe80::1', hasSllao: true },
    { type: 'rs', now: 59_577, source: '::', hasSllao: false },
  ];
  const run = simulate(config, inputs, 80_000, 2147483646);
  const before = multicast(run).filter((s) => s.at <= 59_577).at(-1)!;
  const answer = multicast(run).find((s) => s.at >= 59_577)!;
  assert.ok(answer.at - before.at >= 10_000, 'the spacing holds');
  assert.ok(answer.at <= before.at + 10_000 + MAX_RA_DELAY_TIME_MS, `answered by ${answer.at}`);
});
