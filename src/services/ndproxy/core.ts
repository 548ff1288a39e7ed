// The NDP proxy's decisions (RFC 4861 §7.2.8): which Neighbor Solicitations on an upstream link
// get a proxy Neighbor Advertisement, which targets to probe downstream first, and what every
// dropped solicitation is counted as. Pure: no sockets, no clock; the runner feeds it inputs
// and carries out the actions.
//
// The state is updated in place and returned: copying thousands of sessions per packet would
// make a flood cost quadratic time. Callers treat the returned state as the only live one.
import { solicitedNodeAddress } from '../../net/eui64.ts';
import { rateLimiter, take, type BucketSpec, type RateLimiter } from './ratelimit.ts';
import { findRule, type ProxyRule } from './rules.ts';
import type { MacValue } from './wire.ts';
import { emptySessions, lookup, remove, sessionKey, store, allSessions, type Session, type SessionTable, type Waiter } from './sessions.ts';

export interface Limits {
  /** Sessions (probes in flight + cached alive and dead targets) kept at most. */
  readonly maxSessions: number;
  /** Solicitations waiting on one probe; more are dropped (the asker retransmits). */
  readonly maxWaiters: number;
  /** Solicitations accepted per source (IPv6 source, or MAC for DAD). */
  readonly perSource: BucketSpec;
  /** Probes sent downstream, all targets together. */
  readonly probes: BucketSpec;
  /** How long a probe may go unanswered before the target counts as absent. */
  readonly probeTimeoutMs: number;
  /** How long an absent target stays absent (ndppd's deadtime, 3 s). */
  readonly negativeTtlMs: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxSessions: 4096,
  maxWaiters: 4,
  perSource: { rate: 100, burst: 200 },
  probes: { rate: 1000, burst: 1000 },
  probeTimeoutMs: 500,
  negativeTtlMs: 3000,
};

export interface ProxyState {
  readonly rules: readonly ProxyRule[];
  readonly limits: Limits;
  readonly sessions: SessionTable;
  readonly perSource: RateLimiter;
  readonly probeBudget: RateLimiter;
  /** Everything counted: answers, probes, evictions and each drop reason. */
  readonly counters: Record<string, number>;
}

/** A validated Neighbor Solicitation seen on an upstream interface. */
export interface NsInput {
  readonly type: 'ns';
  readonly upstream: string;
  readonly source: bigint;
  readonly destination: bigint;
  readonly target: bigint;
  /** The Ethernet source of the frame. */
  readonly sourceMac: MacValue;
  /** The Source Link-Layer Address option, when the NS carried an Ethernet-sized one. */
  readonly sourceLla?: MacValue | undefined;
}

export type ProxyInput =
  | NsInput
  | { readonly type: 'probeResult'; readonly target: bigint; readonly ifname: string; readonly alive: boolean }
  | { readonly type: 'tick' };

/** A proxy NA: R=1 (we route for the target), O=0 (§7.2.8: never override the real owner). */
export interface SendNa {
  readonly type: 'sendNa';
  readonly upstream: string;
  readonly target: bigint;
  /** The asker, or ff02::1 for an answer to DAD (§7.2.4). */
  readonly destination: bigint;
  readonly destinationMac: MacValue;
  readonly solicited: boolean;
  readonly router: true;
  readonly override: false;
}

export type ProxyAction =
  | SendNa
  /** Solicit `target` downstream; `ifname` undefined: on the interface the routing table names. */
  | { readonly type: 'probe'; readonly upstream: string; readonly target: bigint; readonly ifname: string | undefined }
  | { readonly type: 'drop'; readonly reason: string };

export interface Decision {
  readonly state: ProxyState;
  readonly actions: readonly ProxyAction[];
}

export const ALL_NODES = 0xff020000000000000000000000000001n;
/** 33:33:00:00:00:01, the Ethernet group of ff02::1 (RFC 2464 §7). */
export const ALL_NODES_MAC: MacValue = 0x3333_0000_0001;

export function initialState(rules: readonly ProxyRule[], limits: Limits = DEFAULT_LIMITS): ProxyState {
  return {
    rules,
    limits,
    sessions: emptySessions(limits.maxSessions),
    perSource: rateLimiter(limits.perSource, limits.maxSessions),
    probeBudget: rateLimiter(limits.probes, 1),
    counters: {},
  };
}

/**
 * New rules, keeping what is still true: sessions of an upstream and target that the new rules
 * still answer for by probing stay; the rest go, since nothing may be answered without a rule.
 */
export function withRules(state: ProxyState, rules: readonly ProxyRule[]): ProxyState {
  const next = { ...state, rules };
  for (const s of allSessions(state.sessions)) {
    const r = findRule(rules, s.upstream, s.target);
    if (r === undefined || r.mode === 'static' || r.mode === 'kernel') remove(state.sessions, sessionKey(state.sessions, s.upstream, s.target));
  }
  return next;
}

export function count(state: ProxyState, name: string, by = 1): void {
  state.counters[name] = (state.counters[name] ?? 0) + by;
}

export function decide(state: ProxyState, input: ProxyInput, now: number): Decision {
  switch (input.type) {
    case 'ns':
      return { state, actions: onSolicitation(state, input, now) };
    case 'probeResult':
      return { state, actions: onProbeResult(state, input.target, input.ifname, input.alive, now) };
    case 'tick':
      return { state, actions: onTick(state, now) };
  }
}

function drop(state: ProxyState, reason: string): ProxyAction[] {
  count(state, `drop:${reason}`);
  return [{ type: 'drop', reason }];
}

function answer(state: ProxyState, upstream: string, target: bigint, w: Waiter): SendNa {
  count(state, 'answered');
  if (w.source === 0n) {
    // §7.2.4: a DAD probe has no unicast source to answer, so the NA goes to all-nodes, unsolicited.
    count(state, 'answered-dad');
    return { type: 'sendNa', upstream, target, destination: ALL_NODES, destinationMac: ALL_NODES_MAC, solicited: false, router: true, override: false };
  }
  return { type: 'sendNa', upstream, target, destination: w.source, destinationMac: w.mac, solicited: true, router: true, override: false };
}

/**
 * An NS on an upstream link. The DAD rule (source `::`): answering says "this address is taken".
 * That protects an address a container really holds, so for `auto` and `iface` rules DAD is
 * answered exactly when the target is found alive downstream (probing first if need be). For a
 * `static` rule nothing is known about the address, and answering every DAD probe in the prefix
 * would forbid every upstream host from ever using those addresses, so it is answered only when
 * the operator opted in (`answerDadStatic`).
 */
function onSolicitation(state: ProxyState, ns: NsInput, now: number): ProxyAction[] {
  count(state, 'solicitations');
  const dad = ns.source === 0n;
  // A MAC (a number) never equals an address (a bigint) as a Map key, so one table holds both.
  const sourceKey = dad ? ns.sourceMac : ns.source;
  if (!take(state.perSource, sourceKey, now)) return drop(state, 'rate-limited');
  // A proxy answers what was asked of the target: its solicited-node group (resolution, DAD) or
  // the target itself (unicast NUD, §7.3.1). Anything else was meant for another node.
  if (ns.destination !== ns.target && ns.destination !== solicitedNodeAddress(ns.target).value) return drop(state, 'wrong-destination');
  const rule = findRule(state.rules, ns.upstream, ns.target);
  if (rule === undefined) return drop(state, 'no-rule');
  if (rule.mode === 'kernel') return drop(state, 'kernel-rule');
  const waiter: Waiter = { source: ns.source, mac: ns.sourceLla ?? ns.sourceMac };
  if (rule.mode === 'static') {
    if (dad && !rule.answerDadStatic) return drop(state, 'dad-static');
    return [answer(state, ns.upstream, ns.target, waiter)];
  }
  const key = sessionKey(state.sessions, ns.upstream, ns.target);
  const s = lookup(state.sessions, key, now);
  if (s?.state === 'alive') return [answer(state, ns.upstream, ns.target, waiter)];
  if (s?.state === 'dead') return drop(state, 'negative-cache');
  if (s?.state === 'probing') {
    if (s.waiters.length >= state.limits.maxWaiters) return drop(state, 'waiters-full');
    store(state.sessions, key, { ...s, waiters: [...s.waiters, waiter] });
    count(state, 'queued');
    return [];
  }
  if (!take(state.probeBudget, 'all', now)) return drop(state, 'probe-budget');
  const session: Session = {
    upstream: ns.upstream,
    target: ns.target,
    ifname: rule.iface,
    state: 'probing',
    expiresAt: now + state.limits.probeTimeoutMs,
    waiters: [waiter],
  };
  const evicted = store(state.sessions, key, session);
  if (evicted.length > 0) count(state, 'evicted', evicted.length);
  count(state, 'probes');
  return [{ type: 'probe', upstream: ns.upstream, target: ns.target, ifname: rule.iface }];
}

/**
 * What a probe found. Alive answers every waiting solicitation and starts the rule's TTL (a
 * fresh NA from the target also refreshes an alive entry); absent turns the entry negative.
 */
function onProbeResult(state: ProxyState, target: bigint, ifname: string, alive: boolean, now: number): ProxyAction[] {
  const actions: ProxyAction[] = [];
  let matched = false;
  for (const upstream of new Set(state.rules.map((r) => r.upstream))) {
    const key = sessionKey(state.sessions, upstream, target);
    const s = state.sessions.alive.get(key) ?? state.sessions.pending.get(key);
    if (s === undefined || (s.ifname !== undefined && s.ifname !== ifname)) continue;
    const rule = findRule(state.rules, upstream, target);
    if (rule === undefined || rule.mode === 'static' || rule.mode === 'kernel') continue;
    if (!alive && s.state !== 'probing') continue;
    matched = true;
    if (alive) {
      store(state.sessions, key, { ...s, ifname, state: 'alive', expiresAt: now + rule.ttlMs, waiters: [] });
      for (const w of s.waiters) actions.push(answer(state, upstream, target, w));
    } else {
      store(state.sessions, key, { ...s, state: 'dead', expiresAt: now + state.limits.negativeTtlMs, waiters: [] });
      count(state, 'drop:not-alive', s.waiters.length);
    }
  }
  if (!matched) count(state, 'unmatched-probe-results');
  return actions;
}

/** Probes past their deadline become negative entries; expired entries go. */
function onTick(state: ProxyState, now: number): ProxyAction[] {
  for (const s of allSessions(state.sessions)) {
    if (s.expiresAt > now) continue;
    const key = sessionKey(state.sessions, s.upstream, s.target);
    if (s.state === 'probing') {
      count(state, 'probe-timeouts');
      count(state, 'drop:not-alive', s.waiters.length);
      store(state.sessions, key, { ...s, state: 'dead', expiresAt: now + state.limits.negativeTtlMs, waiters: [] });
    } else {
      remove(state.sessions, key);
    }
  }
  return [];
}
