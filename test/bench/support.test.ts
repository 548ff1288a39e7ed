// The arithmetic behind every figure the benchmark sections print.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { hotFunctions, shortUrl, type CpuProfile } from './support/cpuprofile.ts';
import {
  cpuTicksFromStat, distribution, dropPercent, fmt, percentile, ratio, sustained, sustainedRate, table, vmRssKiB, type StepOutcome,
} from './support/stats.ts';

test('percentile is nearest-rank on sorted samples', () => {
  const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
  const cases: Array<[readonly number[], number, number]> = [
    [sorted, 0.5, 50],
    [sorted, 0.9, 90],
    [sorted, 0.99, 99],
    [sorted, 1, 100],
    [sorted, 0, 1],
    [[7], 0.99, 7],
    [[1, 2, 3], 0.5, 2],
  ];
  for (const [xs, q, want] of cases) assert.equal(percentile(xs, q), want, `q=${q} of ${xs.length}`);
  assert.ok(Number.isNaN(percentile([], 0.5)));
});

test('distribution: ordered figures, each one a measured sample', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: 0, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 500 }), (xs) => {
      const d = distribution(xs);
      assert.equal(d.count, xs.length);
      assert.ok(d.min <= d.p50 && d.p50 <= d.p90 && d.p90 <= d.p99 && d.p99 <= d.max);
      for (const v of [d.min, d.p50, d.p90, d.p99, d.max]) assert.ok(xs.includes(v));
      assert.ok(d.mean >= d.min - 1e-9 && d.mean <= d.max + 1e-9);
    }),
  );
});

test('cpuTicksFromStat sums utime and stime, even when the command name has spaces and parentheses', () => {
  const rest = 'S 1 2 3 0 -1 4194304 100 0 0 0 1234 567 8 9 20 0 1 0 12345 1000000 200';
  assert.equal(cpuTicksFromStat(`4242 (node) ${rest}`), 1234 + 567);
  assert.equal(cpuTicksFromStat(`4242 (a (b) c) ${rest}`), 1234 + 567);
  assert.throws(() => cpuTicksFromStat('garbage'), /not a \/proc\/PID\/stat line/);
  assert.throws(() => cpuTicksFromStat('1 (x) S 1 2'), /no utime\/stime/);
});

test('vmRssKiB reads the VmRSS line and is undefined without one', () => {
  assert.equal(vmRssKiB('Name:\tnode\nVmPeak:\t  900 kB\nVmRSS:\t   51234 kB\nThreads:\t7\n'), 51234);
  assert.equal(vmRssKiB('Name:\tnode\nState:\tZ (zombie)\n'), undefined);
});

test('ratio, fmt and table render what a results file prints', () => {
  assert.equal(ratio(3, 2), '1.50×');
  assert.equal(ratio(1, 0), 'n/a');
  assert.equal(ratio(Number.NaN, 2), 'n/a');
  assert.equal(fmt(2.345, 2), '2.35');
  assert.equal(fmt(undefined), '—');
  assert.equal(fmt(Number.NaN), '—');
  assert.equal(table(['a', 'b'], [['1', '2']]), '| a | b |\n| --- | --- |\n| 1 | 2 |');
});

const outcome = (rate: number, solicitsSent: number, replies: number): StepOutcome => ({ rate, solicitsSent, replies, durationS: 2 });

test('a step is sustained under 1% lost; the rate is the last such step before the first failure', () => {
  assert.equal(dropPercent(outcome(100, 200, 198)), 1);
  assert.equal(sustained(outcome(100, 200, 198)), false, 'exactly 1% is not under 1%');
  assert.equal(sustained(outcome(100, 1000, 991)), true);
  assert.equal(dropPercent(outcome(100, 0, 0)), 100, 'nothing sent is a failed step');
  assert.equal(dropPercent(outcome(100, 10, 12)), 0, 'late replies never make a negative loss');
  const steps = [outcome(250, 500, 500), outcome(500, 1000, 996), outcome(1000, 2000, 1500), outcome(2000, 4000, 4000)];
  assert.equal(sustainedRate(steps), 996 / 2, 'stops at the first failing step, even if a later one passes');
  assert.equal(sustainedRate([outcome(250, 500, 100)]), 0);
  assert.equal(sustainedRate([]), 0);
});

test('hotFunctions sums self samples per function across profile nodes and names our files relatively', () => {
  const node = (id: number, functionName: string, url: string, lineNumber: number, hitCount: number) => ({ id, callFrame: { functionName, url, lineNumber }, hitCount });
  const profile: CpuProfile = {
    startTime: 0,
    endTime: 1,
    nodes: [
      node(1, '(root)', '', -1, 0),
      node(2, 'decide', 'file:///repo/src/services/dhcpv6/decide.ts', 9, 30),
      node(3, 'decide', 'file:///repo/src/services/dhcpv6/decide.ts', 9, 20),
      node(4, '', 'node:internal/dgram', 99, 40),
      node(5, '(garbage collector)', '', -1, 10),
    ],
  };
  assert.deepEqual(hotFunctions(profile, '/repo/', 2), [
    { where: 'decide (src/services/dhcpv6/decide.ts:10)', selfPercent: 50 },
    { where: '(anonymous) (node:internal/dgram:100)', selfPercent: 40 },
  ]);
  assert.deepEqual(hotFunctions({ ...profile, nodes: [node(1, '(root)', '', -1, 0)] }, '/repo/', 5), []);
  assert.equal(shortUrl('file:///elsewhere/x.ts', '/repo/'), '/elsewhere/x.ts');
});
