// The RA service on one interface: a raw ICMPv6 socket, the scheduler's timers, and the builder.
// Everything it decides comes from the pure modules beside it; this file only moves bytes,
// keeps counters and persists the prefix history (RFC 9096) through the store.
import type { Problem } from '../../lib/result.ts';
import { problem } from '../../lib/result.ts';
import type { RaConfig } from '../../config/ra-schema.ts';
import { formatPrefix, parsePrefix } from '../../net/prefix.ts';
import { serializeNdp, type RouterAdvertisement } from '../../proto/ndp/index.ts';
import { openIcmp6Socket, type Icmp6MessageInfo, type Icmp6Socket, type Icmp6SocketOptions } from '../../io/raw.ts';
import { buildRouterAdvertisement } from './advertisement.ts';
import { findConflicts, type Conflict } from './consistency.ts';
import type { FactsSource, InterfaceFacts } from './facts.ts';
import { FactsFollower } from './follow.ts';
import { classifyReceived, countDrop, type DropCounts } from './receive.ts';
import { decide, initialSchedulerState, type Decision, type Phase, type SchedulerInput, type SchedulerState, type SendAction } from './scheduler.ts';
import { selectSource } from './source.ts';
import { decodeHistory, historyKey, livePrefixes, recordAdvertised, type PrefixHistory, type WithdrawnPrefix } from './withdrawal.ts';

/** The part of the store the service uses (Store satisfies it). */
export interface HistoryStore {
  getMeta(key: string): unknown;
  setMeta(key: string, value: unknown): { readonly ok: boolean };
}

export interface RaRunnerOptions {
  readonly ifname: string;
  /** Namespace the socket lives in (lab); the daemon runs in the router's own. */
  readonly netns?: string;
  readonly config: RaConfig;
  readonly facts: FactsSource;
  readonly store?: HistoryStore;
  readonly openSocket?: (options: Icmp6SocketOptions) => Icmp6Socket;
  /** Epoch ms; injected by tests. */
  readonly now?: () => number;
  readonly random?: () => number;
  /**
   * How often to re-read the facts without an event. A source with `watch` (ipFacts) reports
   * changes as they happen, so this is only a safety resync; default 60 000 ms.
   */
  readonly factsPollMs?: number;
}

export interface RaStatus {
  readonly ifname: string;
  readonly phase: Phase;
  readonly rasSent: number;
  readonly rasSentUnicast: number;
  readonly rsReceived: number;
  readonly drops: DropCounts;
  readonly sendErrors: number;
  /** Epoch ms of the next multicast RA, if one is scheduled. */
  readonly nextRaAt?: number;
  readonly lastMulticastAt?: number;
  readonly rogue: readonly Conflict[];
  readonly rogueRas: number;
  readonly problems: readonly Problem[];
  readonly withdrawn: readonly WithdrawnPrefix[];
}

/** Conflicts kept for status, newest last; older ones fall off. */
const MAX_CONFLICTS = 64;
/** RFC 4861 §6.2.2: a router joins all-routers to hear Router Solicitations. */
const ALL_ROUTERS = 'ff02::2';

export class RaRunner {
  readonly #o: RaRunnerOptions;
  readonly #socket: Icmp6Socket;
  readonly #now: () => number;
  readonly #random: () => number;
  #config: RaConfig;
  #state: SchedulerState;
  #follower: FactsFollower | undefined;
  #history: PrefixHistory;
  #firstAdvertised = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #stopped: (() => void) | undefined;
  #rasSent = 0;
  #rasSentUnicast = 0;
  #rsReceived = 0;
  #drops: DropCounts = {};
  #sendErrors = 0;
  #rogueRas = 0;
  #conflicts = new Map<string, Conflict>();
  #problems: readonly Problem[] = [];
  #historyNotSaved = false;

  private constructor(options: RaRunnerOptions, socket: Icmp6Socket) {
    this.#o = options;
    this.#socket = socket;
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#config = options.config;
    this.#state = initialSchedulerState(options.config);
    this.#history = decodeHistory(options.store?.getMeta(historyKey(options.ifname)));
  }

  /** Opens the socket, reads the facts and starts advertising. Throws IoError when the socket fails. */
  static async start(options: RaRunnerOptions): Promise<RaRunner> {
    const open = options.openSocket ?? openIcmp6Socket;
    const socket = open({
      ifname: options.ifname,
      ...(options.netns === undefined ? {} : { netns: options.netns }),
      types: [133, 134],
      join: [ALL_ROUTERS],
    });
    const runner = new RaRunner(options, socket);
    try {
      runner.#follower = await FactsFollower.start({
        source: options.facts,
        ...(options.factsPollMs === undefined ? {} : { resyncMs: options.factsPollMs }),
        // New or lost global /64s, addresses or source candidates: advertise the change now.
        onChange: () => runner.#feed({ type: 'configChanged', now: runner.#now(), config: runner.#config }),
      });
    } catch (e) {
      socket.close();
      throw e;
    }
    socket.on('message', (bytes, info) => runner.#receive(bytes, info));
    socket.on('error', () => {
      runner.#sendErrors++;
    });
    runner.#feed({ type: 'start', now: runner.#now() });
    return runner;
  }

  /** Applies a new config live: fast RAs with it, never a router lifetime 0 (unless it turns RA off). */
  update(config: RaConfig): void {
    this.#config = config;
    this.#feed({ type: 'configChanged', now: this.#now(), config });
  }

  /**
   * Stops following the interface (its `ip monitor` child has exited when this resolves), sends
   * the final RAs (RFC 4861 §6.2.5) when configured, then closes the socket.
   */
  async stop(): Promise<void> {
    // close() kills the monitor synchronously; the final RAs need not wait for it to exit.
    const unfollowed = this.#follower?.close();
    const done = new Promise<void>((resolve) => {
      this.#stopped = resolve;
    });
    this.#feed({ type: 'stop', now: this.#now() });
    await Promise.all([unfollowed, done]);
  }

  status(): RaStatus {
    const s = this.#state;
    return {
      ifname: this.#o.ifname,
      phase: s.phase,
      rasSent: this.#rasSent,
      rasSentUnicast: this.#rasSentUnicast,
      rsReceived: this.#rsReceived,
      drops: { ...this.#drops },
      sendErrors: this.#sendErrors,
      ...(s.nextMulticastAt === undefined ? {} : { nextRaAt: s.nextMulticastAt }),
      ...(s.lastMulticastAt === undefined ? {} : { lastMulticastAt: s.lastMulticastAt }),
      rogue: [...this.#conflicts.values()],
      rogueRas: this.#rogueRas,
      problems: [
        ...this.#problems,
        ...selectSource(this.#config.raSourceAddresses, this.#facts()).problems,
        ...(this.#historyNotSaved
          ? [problem('history-not-saved', 'The advertised-prefix history could not be saved; a restart may not withdraw removed prefixes.')]
          : []),
        ...(this.#follower?.problems ?? []),
      ],
      withdrawn: this.#history.withdrawn.filter((w) => w.until > this.#now()),
    };
  }

  #facts(): InterfaceFacts {
    return this.#follower?.facts ?? { linkLocalAddresses: [], globalPrefixes: [], globalAddresses: [] };
  }

  #feed(input: SchedulerInput): void {
    this.#apply(decide(this.#state, input, this.#random));
  }

  #apply(decided: Decision): void {
    let d = decided;
    this.#state = d.state;
    let spacedLeftAt: number | undefined;
    for (const a of d.actions) {
      if (a.type === 'send' && this.#send(a) && a.spaced) spacedLeftAt = this.#now();
    }
    if (spacedLeftAt !== undefined) {
      d = decide(this.#state, { type: 'sent', now: spacedLeftAt }, this.#random);
      this.#state = d.state;
    }
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (d.wakeAt !== undefined) {
      this.#timer = setTimeout(() => this.#feed({ type: 'tick', now: this.#now() }), Math.max(0, d.wakeAt - this.#now()));
    } else if (this.#stopped !== undefined && (d.state.phase === 'stopped' || d.state.phase === 'idle')) {
      this.#socket.close();
      const resolve = this.#stopped;
      this.#stopped = undefined;
      resolve();
    }
  }

  /** The RA as it would go out now, with the prefix history brought up to date. */
  #advertisement(final: boolean): RouterAdvertisement {
    const now = this.#now();
    const facts = { ...this.#facts(), withdrawn: this.#history.withdrawn, now, firstAdvertised: this.#firstAdvertised };
    let built = buildRouterAdvertisement(this.#config, facts, { final });
    if (!final) {
      const live = livePrefixes(built.message);
      this.#trackDecrementing(live.map((p) => `${p.prefix}/${p.prefixLength}`), now);
      const recorded = recordAdvertised(this.#history, live, now);
      this.#history = recorded.history;
      if (recorded.changed) {
        this.#persist();
        built = buildRouterAdvertisement(this.#config, { ...facts, withdrawn: this.#history.withdrawn }, { final });
      }
    }
    this.#problems = built.problems;
    return built.message;
  }

  #trackDecrementing(live: readonly string[], now: number): void {
    for (const k of [...this.#firstAdvertised.keys()]) if (!live.includes(k)) this.#firstAdvertised.delete(k);
    for (const k of live) if (!this.#firstAdvertised.has(k)) this.#firstAdvertised.set(k, now);
  }

  #persist(): void {
    const r = this.#o.store?.setMeta(historyKey(this.#o.ifname), this.#history);
    this.#historyNotSaved = r !== undefined && !r.ok;
  }

  /** Builds and sends one RA; true when it left. */
  #send(action: SendAction): boolean {
    const { source } = selectSource(this.#config.raSourceAddresses, this.#facts());
    const message = this.#advertisement(action.final);
    const bytes = serializeNdp(message);
    if (source === undefined || !bytes.ok) {
      this.#sendErrors++;
      return false;
    }
    try {
      this.#socket.send(bytes.value, action.destination, { source });
      this.#rasSent++;
      if (action.destination !== 'ff02::1') this.#rasSentUnicast++;
      return true;
    } catch {
      this.#sendErrors++;
      return false;
    }
  }

  #receive(bytes: Uint8Array, info: Icmp6MessageInfo): void {
    const own = new Set(this.#facts().linkLocalAddresses);
    const r = classifyReceived(bytes, info, own);
    if (r.kind === 'drop') {
      this.#drops = countDrop(this.#drops, r.reason);
      return;
    }
    if (r.kind === 'rs') {
      this.#rsReceived++;
      this.#feed({ type: 'rs', now: this.#now(), source: r.source, hasSllao: r.hasSllao });
      return;
    }
    this.#checkRogue(r.source, r.message);
  }

  #checkRogue(source: string, theirs: RouterAdvertisement): void {
    const ours = buildRouterAdvertisement(this.#config, { ...this.#facts(), withdrawn: [], now: this.#now(), firstAdvertised: this.#firstAdvertised }).message;
    const decrementing = new Set(
      this.#config.prefixes.filter((p) => p.decrementLifetimes).flatMap((p) => {
        const parsed = parsePrefix(p.prefix);
        return parsed.ok ? [formatPrefix(parsed.value)] : [];
      }),
    );
    const conflicts = findConflicts(ours, theirs, source, decrementing);
    if (conflicts.length > 0) this.#rogueRas++;
    for (const c of conflicts) {
      const key = `${c.source}|${c.field}|${c.prefix ?? ''}`;
      this.#conflicts.delete(key);
      this.#conflicts.set(key, c);
      if (this.#conflicts.size > MAX_CONFLICTS) this.#conflicts.delete(this.#conflicts.keys().next().value!);
    }
  }
}
