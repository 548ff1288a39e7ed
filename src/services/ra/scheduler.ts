// When to send Router Advertisements on one interface: RFC 4861 §6.2.4 (unsolicited, initial),
// §6.2.5 (final), §6.2.6 (solicited), RFC 7772 §5.1 (unicast replies) and radvd's `clients` and
// UnicastOnly. A pure state machine: `decide(state, input, rand)` returns the next state, the RAs
// to send now and when to be woken next. Times are epoch milliseconds; `rand` returns [0, 1).
import type { RaConfig } from '../../config/ra-schema.ts';
import { effectiveMinRtrAdvInterval } from '../../config/ra-timers.ts';

/** RFC 4861 §10 constants. */
export const MAX_INITIAL_RTR_ADVERTISEMENTS = 3;
export const MAX_INITIAL_RTR_ADVERT_INTERVAL_MS = 16_000;
export const MAX_FINAL_RTR_ADVERTISEMENTS = 3;
export const MAX_RA_DELAY_TIME_MS = 500;

/**
 * Unicast replies waiting for their random delay, at most. Beyond this an RS flood is answered by
 * the one rate-limited multicast RA instead, so memory stays bounded whatever arrives.
 */
export const MAX_PENDING_UNICAST = 256;

export const ALL_NODES = 'ff02::1';

/** The scheduler's view of the config: only what decides timing and destinations. */
export type SchedulerConfig = Pick<
  RaConfig,
  'enabled' | 'maxRtrAdvInterval' | 'minRtrAdvInterval' | 'minDelayBetweenRas' | 'unicastOnly' | 'unicastResponse' | 'clients' | 'removeAdvOnExit'
>;

export type SchedulerInput =
  | { readonly type: 'start'; readonly now: number }
  | { readonly type: 'tick'; readonly now: number }
  | { readonly type: 'rs'; readonly now: number; readonly source: string; readonly hasSllao: boolean }
  | { readonly type: 'configChanged'; readonly now: number; readonly config: SchedulerConfig }
  | { readonly type: 'stop'; readonly now: number }
  /** A multicast RA actually left at `now`: building it may have taken a while after the tick. */
  | { readonly type: 'sent'; readonly now: number };

export type SendReason = 'initial' | 'periodic' | 'solicited' | 'final';

/** Send one RA now: `final` ones carry router lifetime 0 (RFC 4861 §6.2.5). */
export interface SendAction {
  readonly type: 'send';
  /** `ff02::1` or a client's link-local address. */
  readonly destination: string;
  readonly reason: SendReason;
  readonly final: boolean;
  /** Counts toward MIN_DELAY_BETWEEN_RAS: the multicast slot (or its per-client stand-in). */
  readonly spaced: boolean;
}

/** Why an RS produced no RA of its own (counted by the runner). */
export interface IgnoreAction {
  readonly type: 'ignored-rs';
  readonly reason: 'not-advertising' | 'client-excluded' | 'not-a-client' | 'unicast-only-unspecified' | 'coalesced';
}

export type SchedulerAction = SendAction | IgnoreAction;

export type Phase = 'idle' | 'advertising' | 'stopping' | 'stopped';

export interface SchedulerState {
  readonly config: SchedulerConfig;
  readonly phase: Phase;
  /** Initial (fast) RAs still to send after a start or a config change. */
  readonly initialLeft: number;
  readonly finalLeft: number;
  /** Where the final RAs lead: `stopped` after `stop`, `idle` when the config turned advertising off. */
  readonly afterFinal: 'idle' | 'stopped';
  /** When the last multicast (or client-list) RA went out. */
  readonly lastMulticastAt?: number;
  /** When the next multicast RA is due; undefined when none is scheduled. */
  readonly nextMulticastAt?: number;
  /** Whether that next multicast RA answers an RS (for counters and logs only). */
  readonly nextSolicited: boolean;
  /** Unicast replies with their send times, in arrival order. */
  readonly pendingUnicast: ReadonlyArray<{ readonly destination: string; readonly at: number }>;
}

export interface Decision {
  readonly state: SchedulerState;
  readonly actions: readonly SchedulerAction[];
  /** When to call `decide` with a tick next; undefined when nothing is scheduled. */
  readonly wakeAt?: number;
}

export function initialSchedulerState(config: SchedulerConfig): SchedulerState {
  return { config, phase: 'idle', initialLeft: 0, finalLeft: 0, afterFinal: 'stopped', nextSolicited: false, pendingUnicast: [] };
}

const seconds = (s: number): number => s * 1000;

/** Included (non-`!`) clients: when any are listed, RAs go only to them, unicast. */
function includedClients(c: SchedulerConfig): string[] {
  return c.clients.filter((x) => !x.exclude).map((x) => x.address);
}

/** Destinations of a "multicast" RA: all-nodes, the client list, or nobody (UnicastOnly). */
function broadcastDestinations(c: SchedulerConfig): string[] {
  const clients = includedClients(c);
  if (clients.length > 0) return clients;
  return c.unicastOnly ? [] : [ALL_NODES];
}

/** The earliest a multicast RA may go: MIN_DELAY_BETWEEN_RAS after the last (RFC 4861 §6.2.4). */
function earliestMulticast(s: SchedulerState, now: number): number {
  return s.lastMulticastAt === undefined ? now : Math.max(now, s.lastMulticastAt + seconds(s.config.minDelayBetweenRas));
}

/** §6.2.4: uniform in [Min, Max]; the first few no longer than MAX_INITIAL_RTR_ADVERT_INTERVAL. */
function nextInterval(c: SchedulerConfig, initialLeft: number, rand: () => number): number {
  const min = seconds(effectiveMinRtrAdvInterval(c));
  const max = seconds(c.maxRtrAdvInterval);
  const interval = min + rand() * (max - min);
  return initialLeft > 0 ? Math.min(interval, MAX_INITIAL_RTR_ADVERT_INTERVAL_MS) : interval;
}

function wakeOf(s: SchedulerState): number | undefined {
  const times = s.pendingUnicast.map((p) => p.at);
  if (s.nextMulticastAt !== undefined) times.push(s.nextMulticastAt);
  return times.length === 0 ? undefined : Math.min(...times);
}

function decision(state: SchedulerState, actions: SchedulerAction[]): Decision {
  const wakeAt = wakeOf(state);
  return wakeAt === undefined ? { state, actions } : { state, actions, wakeAt };
}

/** Begin (or begin again) advertising with the fast initial RAs, none closer than the spacing. */
function beginAdvertising(s: SchedulerState, now: number): SchedulerState {
  if (!s.config.enabled) return { ...s, phase: 'idle', initialLeft: 0, nextMulticastAt: undefined, nextSolicited: false, pendingUnicast: [] };
  const none = broadcastDestinations(s.config).length === 0;
  return {
    ...s,
    phase: 'advertising',
    initialLeft: MAX_INITIAL_RTR_ADVERTISEMENTS,
    finalLeft: 0,
    nextMulticastAt: none ? undefined : earliestMulticast(s, now),
    nextSolicited: false,
  };
}

/** §6.2.5: up to MAX_FINAL_RTR_ADVERTISEMENTS with router lifetime 0, still rate limited. */
function beginStopping(s: SchedulerState, now: number, then: 'idle' | 'stopped'): SchedulerState {
  const sendFinals = s.phase === 'advertising' && s.config.removeAdvOnExit && broadcastDestinations(s.config).length > 0;
  if (!sendFinals) return { ...s, phase: then, afterFinal: then, initialLeft: 0, finalLeft: 0, nextMulticastAt: undefined, nextSolicited: false, pendingUnicast: [] };
  return { ...s, phase: 'stopping', afterFinal: then, initialLeft: 0, finalLeft: MAX_FINAL_RTR_ADVERTISEMENTS, nextMulticastAt: earliestMulticast(s, now), nextSolicited: false, pendingUnicast: [] };
}

function onRs(s: SchedulerState, now: number, source: string, hasSllao: boolean, rand: () => number): Decision {
  const ignore = (reason: IgnoreAction['reason']): Decision => decision(s, [{ type: 'ignored-rs', reason }]);
  if (s.phase !== 'advertising') return ignore('not-advertising');
  const c = s.config;
  if (c.clients.some((x) => x.exclude && x.address === source)) return ignore('client-excluded');
  const clients = includedClients(c);
  if (clients.length > 0 && !clients.includes(source)) return ignore('not-a-client');
  const unspecified = source === '::';
  // RFC 7772 §5.1: reply unicast when the RS names its sender and its link-layer address, so the
  // reply wakes no sleeping host; clients and UnicastOnly are always answered unicast (radvd).
  const unicast = !unspecified && ((c.unicastResponse && hasSllao) || c.unicastOnly || clients.length > 0);
  // §6.2.6: delay every solicited RA by a random time up to MAX_RA_DELAY_TIME.
  const delay = rand() * MAX_RA_DELAY_TIME_MS;
  if (unspecified && c.unicastOnly) return ignore('unicast-only-unspecified');
  if (unicast && s.pendingUnicast.length < MAX_PENDING_UNICAST) {
    if (s.pendingUnicast.some((p) => p.destination === source)) return ignore('coalesced');
    return decision({ ...s, pendingUnicast: [...s.pendingUnicast, { destination: source, at: now + delay }] }, []);
  }
  if (broadcastDestinations(c).length === 0) return ignore('coalesced');
  // §6.2.6: within MIN_DELAY_BETWEEN_RAS of the last multicast RA, go at that time plus the delay;
  // an RA already due sooner answers this RS too.
  const recent = s.lastMulticastAt !== undefined && now < s.lastMulticastAt + seconds(c.minDelayBetweenRas);
  const at = recent ? s.lastMulticastAt! + seconds(c.minDelayBetweenRas) + delay : now + delay;
  if (s.nextMulticastAt !== undefined && s.nextMulticastAt <= at) return ignore('coalesced');
  return decision({ ...s, nextMulticastAt: at, nextSolicited: true }, []);
}

function onTick(s: SchedulerState, now: number, rand: () => number): Decision {
  const actions: SchedulerAction[] = [];
  let next = s;
  const due = s.pendingUnicast.filter((p) => p.at <= now);
  if (due.length > 0) {
    for (const p of due) actions.push({ type: 'send', destination: p.destination, reason: 'solicited', final: false, spaced: false });
    next = { ...next, pendingUnicast: s.pendingUnicast.filter((p) => p.at > now) };
  }
  if (s.nextMulticastAt === undefined || s.nextMulticastAt > now) return decision(next, actions);
  const destinations = broadcastDestinations(s.config);
  if (s.phase === 'stopping') {
    for (const d of destinations) actions.push({ type: 'send', destination: d, reason: 'final', final: true, spaced: true });
    const finalLeft = s.finalLeft - 1;
    const done = finalLeft <= 0;
    next = {
      ...next,
      phase: done ? s.afterFinal : 'stopping',
      finalLeft,
      lastMulticastAt: now,
      nextMulticastAt: done ? undefined : now + seconds(s.config.minDelayBetweenRas),
    };
    return decision(next, actions);
  }
  if (s.phase !== 'advertising') return decision({ ...next, nextMulticastAt: undefined }, actions);
  const reason: SendReason = s.nextSolicited ? 'solicited' : s.initialLeft > 0 ? 'initial' : 'periodic';
  for (const d of destinations) actions.push({ type: 'send', destination: d, reason, final: false, spaced: true });
  const initialLeft = Math.max(0, s.initialLeft - 1);
  next = {
    ...next,
    initialLeft,
    lastMulticastAt: now,
    nextMulticastAt: now + Math.max(nextInterval(s.config, initialLeft, rand), seconds(s.config.minDelayBetweenRas)),
    nextSolicited: false,
  };
  return decision(next, actions);
}

/** The scheduler's transition function. */
export function decide(state: SchedulerState, input: SchedulerInput, rand: () => number): Decision {
  switch (input.type) {
    case 'start':
      if (state.phase === 'advertising' || state.phase === 'stopping') return decision(state, []);
      return decision(beginAdvertising(state, input.now), []);
    case 'tick':
      return onTick(state, input.now, rand);
    case 'rs':
      return onRs(state, input.now, input.source, input.hasSllao, rand);
    case 'configChanged':
      return onConfigChanged(state, input.now, input.config);
    case 'sent':
      return decision(onSent(state, input.now), []);
    case 'stop':
      if (state.phase === 'stopped' || (state.phase === 'stopping' && state.afterFinal === 'stopped')) return decision(state, []);
      if (state.phase === 'stopping') return decision({ ...state, afterFinal: 'stopped' }, []);
      return decision(beginStopping(state, input.now, 'stopped'), []);
  }
}

/**
 * MIN_DELAY_BETWEEN_RAS (§6.2.6) counts from when an RA leaves, not from when it was decided on:
 * if building and sending it took time, the next multicast RA moves back by as much.
 */
function onSent(s: SchedulerState, now: number): SchedulerState {
  if (s.lastMulticastAt !== undefined && now <= s.lastMulticastAt) return s;
  const earliest = now + seconds(s.config.minDelayBetweenRas);
  const next = s.nextMulticastAt === undefined ? undefined : Math.max(s.nextMulticastAt, earliest);
  return { ...s, lastMulticastAt: now, nextMulticastAt: next };
}

/**
 * A new config is advertised at once with a fresh round of initial RAs (§6.2.4 allows them
 * "whenever the information changes"), never with router lifetime 0; turning advertising off
 * sends the final RAs instead, and turning it back on starts again.
 */
function onConfigChanged(s: SchedulerState, now: number, config: SchedulerConfig): Decision {
  if (s.phase === 'stopped' || (s.phase === 'stopping' && s.afterFinal === 'stopped')) return decision({ ...s, config }, []);
  if (s.phase === 'advertising' && !config.enabled) {
    // The finals go where the old config sent its RAs; the new one takes over afterwards.
    const stopping = beginStopping(s, now, 'idle');
    return decision({ ...stopping, config: stopping.phase === 'stopping' ? { ...config, clients: s.config.clients, unicastOnly: s.config.unicastOnly } : config }, []);
  }
  return decision(beginAdvertising({ ...s, config }, now), []);
}
