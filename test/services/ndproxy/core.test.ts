// The decision core as tables: each mode, the DAD rule, the NA flags, probe outcomes and expiry.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ndproxySchema } from '../../../src/config/schema.ts';
import { solicitedNodeAddress } from '../../../src/net/eui64.ts';
import { ALL_NODES, ALL_NODES_MAC, DEFAULT_LIMITS, decide, initialState, withRules, type Limits, type NsInput, type ProxyAction, type ProxyState } from '../../../src/services/ndproxy/core.ts';
import { rulesFromConfig } from '../../../src/services/ndproxy/rules.ts';
import { macValue } from '../../../src/services/ndproxy/wire.ts';
import { value } from './ns-frames.ts';

const ASKER = value('2001:db8::1');
const CTR = value('2001:db8::c009');
const mac = (text: string): number => macValue(text) ?? assert.fail(`${text} is not a MAC`);
const MAC = mac('02:00:00:00:00:01');

function stateFor(rules: unknown[], options: { answerDadStatic?: boolean; limits?: Partial<Limits> } = {}): ProxyState {
  const config = ndproxySchema.parse({ rules });
  return initialState(rulesFromConfig(config, options), { ...DEFAULT_LIMITS, ...options.limits });
}

const staticRule = { mode: 'static', upstream: 'wan0', prefix: '2001:db8::c008/125' };
const autoRule = { mode: 'auto', upstream: 'wan0', prefix: '2001:db8::c008/125' };
const ifaceRule = { mode: 'iface', interface: 'lan0', upstream: 'wan0', prefix: '2001:db8::c008/125' };
const kernelRule = { mode: 'kernel', upstream: 'wan0', prefix: '2001:db8::c000/120', addresses: ['2001:db8::c001'] };

function ns(target: bigint, extra: Partial<NsInput> = {}): NsInput {
  return { type: 'ns', upstream: 'wan0', source: ASKER, destination: solicitedNodeAddress(target).value, target, sourceMac: MAC, ...extra };
}

const kinds = (actions: readonly ProxyAction[]): string[] => actions.map((a) => (a.type === 'drop' ? `drop:${a.reason}` : a.type));

test('a static rule answers every address of its prefix with R=1, O=0, S=1 to the asker', () => {
  const s = stateFor([staticRule]);
  const { actions } = decide(s, ns(CTR), 0);
  assert.deepEqual(actions, [
    { type: 'sendNa', upstream: 'wan0', target: CTR, destination: ASKER, destinationMac: MAC, solicited: true, router: true, override: false },
  ]);
});

test('decision table for solicitations', () => {
  const cases: { name: string; rules: unknown[]; input: NsInput; dadStatic?: boolean; want: string[] }[] = [
    { name: 'outside every rule', rules: [staticRule], input: ns(value('2001:db8::99')), want: ['drop:no-rule'] },
    { name: 'other upstream', rules: [staticRule], input: ns(CTR, { upstream: 'wan1' }), want: ['drop:no-rule'] },
    { name: 'unicast NUD to the target', rules: [staticRule], input: ns(CTR, { destination: CTR }), want: ['sendNa'] },
    { name: 'sent to another node', rules: [staticRule], input: ns(CTR, { destination: value('2001:db8::5') }), want: ['drop:wrong-destination'] },
    { name: 'kernel rule address', rules: [kernelRule], input: ns(value('2001:db8::c001')), want: ['drop:kernel-rule'] },
    { name: 'kernel rule, other address of its prefix', rules: [kernelRule, staticRule], input: ns(CTR), want: ['sendNa'] },
    { name: 'DAD, static, not opted in', rules: [staticRule], input: ns(CTR, { source: 0n }), want: ['drop:dad-static'] },
    { name: 'DAD, static, opted in', rules: [staticRule], input: ns(CTR, { source: 0n }), dadStatic: true, want: ['sendNa'] },
    { name: 'auto, unknown target: probe on the routed interface', rules: [autoRule], input: ns(CTR), want: ['probe'] },
    { name: 'iface, unknown target: probe', rules: [ifaceRule], input: ns(CTR), want: ['probe'] },
    { name: 'DAD, auto, unknown target: probe first', rules: [autoRule], input: ns(CTR, { source: 0n }), want: ['probe'] },
  ];
  for (const c of cases) {
    const s = stateFor(c.rules, c.dadStatic === undefined ? {} : { answerDadStatic: c.dadStatic });
    assert.deepEqual(kinds(decide(s, c.input, 0).actions), c.want, c.name);
  }
});

test('the first rule in config order that holds the target decides', () => {
  const s = stateFor([{ ...autoRule, prefix: '2001:db8::c008/126' }, staticRule]);
  assert.deepEqual(kinds(decide(s, ns(CTR), 0).actions), ['probe']);
  assert.deepEqual(kinds(decide(s, ns(value('2001:db8::c00d')), 0).actions), ['sendNa']);
});

test('iface probes name the interface; auto leaves it to the routing table', () => {
  assert.deepEqual(decide(stateFor([ifaceRule]), ns(CTR), 0).actions, [{ type: 'probe', upstream: 'wan0', target: CTR, ifname: 'lan0' }]);
  assert.deepEqual(decide(stateFor([autoRule]), ns(CTR), 0).actions, [{ type: 'probe', upstream: 'wan0', target: CTR, ifname: undefined }]);
});

test('a probe found alive answers the waiting solicitations, then answers from cache until the TTL ends', () => {
  let s = stateFor([{ ...autoRule, ttl: 30 }]);
  s = decide(s, ns(CTR), 0).state;
  const second = decide(s, ns(CTR, { source: value('2001:db8::2'), sourceLla: mac('02:00:00:00:00:02') }), 10);
  assert.deepEqual(second.actions, []);
  const found = decide(second.state, { type: 'probeResult', target: CTR, ifname: 'lan0', alive: true }, 20);
  assert.deepEqual(
    found.actions.map((a) => (a.type === 'sendNa' ? [a.destinationMac, a.solicited] : a.type)),
    [[MAC, true], [mac('02:00:00:00:00:02'), true]],
  );
  assert.deepEqual(kinds(decide(found.state, ns(CTR), 29_000).actions), ['sendNa']);
  const later = decide(found.state, { type: 'tick' }, 30_021).state;
  assert.deepEqual(kinds(decide(later, ns(CTR), 30_022).actions), ['probe']);
});

test('DAD for a live container is answered to all-nodes, unsolicited (RFC 4861 §7.2.4)', () => {
  let s = stateFor([autoRule]);
  s = decide(s, ns(CTR), 0).state;
  s = decide(s, { type: 'probeResult', target: CTR, ifname: 'lan0', alive: true }, 1).state;
  assert.deepEqual(decide(s, ns(CTR, { source: 0n }), 2).actions, [
    { type: 'sendNa', upstream: 'wan0', target: CTR, destination: ALL_NODES, destinationMac: ALL_NODES_MAC, solicited: false, router: true, override: false },
  ]);
});

test('an unanswered probe times out into a negative entry, which expires into a new probe', () => {
  let s = stateFor([autoRule], { limits: { probeTimeoutMs: 500, negativeTtlMs: 3000 } });
  s = decide(s, ns(CTR), 0).state;
  s = decide(s, { type: 'tick' }, 499).state;
  assert.deepEqual(kinds(decide(s, ns(CTR), 499).actions), []);
  s = decide(s, { type: 'tick' }, 500).state;
  assert.equal(s.counters['drop:not-alive'], 2);
  assert.deepEqual(kinds(decide(s, ns(CTR), 3499).actions), ['drop:negative-cache']);
  assert.deepEqual(kinds(decide(s, ns(CTR), 3500).actions), ['probe']);
});

test('an absent probe result (no route) drops the waiters at once', () => {
  let s = stateFor([autoRule]);
  s = decide(s, ns(CTR), 0).state;
  s = decide(s, { type: 'probeResult', target: CTR, ifname: '', alive: false }, 1).state;
  assert.deepEqual(kinds(decide(s, ns(CTR), 2).actions), ['drop:negative-cache']);
});

test('a negative entry turns alive when the target speaks up', () => {
  let s = stateFor([autoRule]);
  s = decide(s, ns(CTR), 0).state;
  s = decide(s, { type: 'probeResult', target: CTR, ifname: 'lan0', alive: false }, 1).state;
  s = decide(s, { type: 'probeResult', target: CTR, ifname: 'lan0', alive: true }, 2).state;
  assert.deepEqual(kinds(decide(s, ns(CTR), 3).actions), ['sendNa']);
});

test('an iface rule ignores an advertisement heard on another interface', () => {
  let s = stateFor([ifaceRule]);
  s = decide(s, ns(CTR), 0).state;
  assert.deepEqual(decide(s, { type: 'probeResult', target: CTR, ifname: 'lan1', alive: true }, 1).actions, []);
  assert.equal(s.counters['unmatched-probe-results'], 1);
});

test('waiters per probe are capped', () => {
  let s = stateFor([autoRule], { limits: { maxWaiters: 2 } });
  const from = (n: number) => ns(CTR, { source: ASKER + BigInt(n) });
  const got = [0, 1, 2].map((n) => {
    const d = decide(s, from(n), n);
    s = d.state;
    return kinds(d.actions);
  });
  assert.deepEqual(got, [['probe'], [], ['drop:waiters-full']]);
});

test('per-source rate limit: a burst, then the refill rate', () => {
  let s = stateFor([staticRule], { limits: { perSource: { rate: 10, burst: 3 } } });
  const results = [0, 0, 0, 0, 100].map((t) => {
    const d = decide(s, ns(CTR), t);
    s = d.state;
    return kinds(d.actions)[0];
  });
  assert.deepEqual(results, ['sendNa', 'sendNa', 'sendNa', 'drop:rate-limited', 'sendNa']);
  // Another source has its own bucket.
  assert.deepEqual(kinds(decide(s, ns(CTR, { source: ASKER + 1n }), 100).actions), ['sendNa']);
});

test('DAD probes are limited per MAC, apart from the per-address buckets', () => {
  let s = stateFor([staticRule], { answerDadStatic: true, limits: { perSource: { rate: 1, burst: 1 } } });
  const run = (input: NsInput) => {
    const d = decide(s, input, 0);
    s = d.state;
    return kinds(d.actions)[0];
  };
  assert.equal(run(ns(CTR, { source: 0n })), 'sendNa');
  assert.equal(run(ns(CTR, { source: 0n })), 'drop:rate-limited');
  assert.equal(run(ns(CTR, { source: 0n, sourceMac: mac('02:00:00:00:00:02') })), 'sendNa');
  // The asker's address has a bucket of its own, untouched by its MAC's DAD probes.
  assert.equal(run(ns(CTR)), 'sendNa');
});

test('the probe budget caps probes across all targets', () => {
  let s = stateFor([autoRule], { limits: { probes: { rate: 1, burst: 2 } } });
  const got = [1n, 2n, 3n].map((n) => {
    const d = decide(s, ns(value('2001:db8::c008') + n, { source: ASKER + n }), 0);
    s = d.state;
    return kinds(d.actions)[0];
  });
  assert.deepEqual(got, ['probe', 'probe', 'drop:probe-budget']);
});

test('new rules drop sessions no longer covered and keep the rest', () => {
  let s = stateFor([autoRule]);
  s = decide(s, ns(CTR), 0).state;
  s = decide(s, { type: 'probeResult', target: CTR, ifname: 'lan0', alive: true }, 1).state;
  const kept = withRules(s, rulesFromConfig(ndproxySchema.parse({ rules: [{ ...autoRule, ttl: 60 }] })));
  assert.equal(kept.sessions.alive.size, 1);
  const gone = withRules(kept, rulesFromConfig(ndproxySchema.parse({ rules: [staticRule] })));
  assert.equal(gone.sessions.alive.size, 0);
});
