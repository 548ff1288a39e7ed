// The NDP proxy's I/O: an AF_PACKET socket per upstream interface receives solicitations (the
// proxied addresses are not ours, so the kernel's ICMPv6 sockets never see them), answers go back
// out of the same socket as whole frames, and a raw ICMPv6 socket per downstream interface sends
// probes and hears the targets' advertisements. Every decision is made by core.ts.
//
// Answers are sent as frames rather than through the kernel's ICMPv6 socket so that the asker's
// MAC comes from its own solicitation: the kernel would first resolve the asker with an NS of its
// own, adding a round trip to every first answer and turning each spoofed source into kernel work.
import type { NdproxyDto, NdproxyEntryDto } from '../../api/types.ts';
import { execute, inNetns } from '../../backends/exec.ts';
import { RTNLGRP_IPV6_ROUTE, RTNLGRP_LINK } from '../../backends/kernel/events.ts';
import { NETLINK_ROUTE, subscribe } from '../../io/netlink.ts';
import type { NdproxyConfig } from '../../config/schema.ts';
import { formatAddress, parseAddress } from '../../net/address.ts';
import { solicitedNodeAddress } from '../../net/eui64.ts';
import { openIcmp6Socket, openPacketSocket, type Icmp6Socket, type PacketSocket } from '../../io/raw.ts';
import { proxySolicitationFilter } from './filter.ts';
import { parseNdp, serializeNdp, validateReceived } from '../../proto/ndp/index.ts';
import { count, decide, DEFAULT_LIMITS, initialState, withRules, type Limits, type ProxyAction, type ProxyInput, type ProxyState } from './core.ts';
import { receiveNs } from './frame.ts';
import { naTemplate, type NaTemplate } from './na-frame.ts';
import { interfacesFromIp, routeDevice, routesFromIp, type InterfaceView, type RouteView } from './kernel-view.ts';
import { describeRules, findRule, namedDownstreamsOf, rulesFromConfig, upstreamsOf } from './rules.ts';
import { allSessions, sessionCount } from './sessions.ts';
import { macValue } from './wire.ts';

export interface NdProxyOptions {
  readonly config: NdproxyConfig;
  /** Namespace the sockets and `ip` commands run in (lab); the daemon uses its own. */
  readonly netns?: string;
  /** Answer DAD for every address of static rules (default false; see core.ts). */
  readonly answerDadStatic?: boolean;
  readonly limits?: Partial<Limits>;
  /** How often probes time out and entries expire; default 100 ms. */
  readonly tickMs?: number;
  /** Epoch ms; injected by tests. */
  readonly now?: () => number;
}

export interface NdProxyStatus extends NdproxyDto {
  readonly sessions: number;
  readonly maxSessions: number;
  /** Upstream interfaces with an open packet socket, and downstream ones with a probe socket. */
  readonly listening: readonly string[];
  readonly probing: readonly string[];
}

interface UpstreamPort {
  readonly socket: PacketSocket;
  readonly view: InterfaceView;
  /** This interface's answers: its MAC and link-local address written once, when it opened. */
  readonly answers: NaTemplate;
}

interface DownstreamPort {
  readonly socket: Icmp6Socket;
  readonly view: InterfaceView;
}

/** Kernel events arriving together cause one re-read, not one each. */
const REFRESH_DEBOUNCE_MS = 50;
/** ICMPv6 type of the Neighbor Advertisements the probe sockets listen for. */
const NA = 136;

export class NdProxy {
  readonly #netns: string | undefined;
  readonly #answerDadStatic: boolean;
  readonly #now: () => number;
  #state: ProxyState;
  #interfaces = new Map<string, InterfaceView>();
  #routes: RouteView[] = [];
  readonly #upstreams = new Map<string, UpstreamPort>();
  readonly #downstreams = new Map<string, DownstreamPort>();
  #tick: NodeJS.Timeout | undefined;
  #refreshTimer: NodeJS.Timeout | undefined;
  #refreshing: Promise<void> = Promise.resolve();
  #stopMonitor: (() => void) | undefined;
  #stopped = false;

  private constructor(options: NdProxyOptions) {
    this.#netns = options.netns;
    this.#answerDadStatic = options.answerDadStatic === true;
    this.#now = options.now ?? Date.now;
    const rules = rulesFromConfig(options.config, { answerDadStatic: this.#answerDadStatic });
    this.#state = initialState(rules, { ...DEFAULT_LIMITS, ...options.limits });
  }

  /** Reads interfaces and routes, opens the sockets and follows kernel link and route events. */
  static async start(options: NdProxyOptions): Promise<NdProxy> {
    const proxy = new NdProxy(options);
    // A link or route event (or events lost) means "read again": a debounced refresh.
    const events = subscribe(NETLINK_ROUTE, [RTNLGRP_LINK, RTNLGRP_IPV6_ROUTE], () => proxy.#scheduleRefresh(), () => proxy.#scheduleRefresh(), proxy.#netns);
    proxy.#stopMonitor = () => events.close();
    await proxy.#refresh();
    proxy.#tick = setInterval(() => proxy.#feed({ type: 'tick' }), options.tickMs ?? 100);
    proxy.#tick.unref();
    return proxy;
  }

  /** New rules, live: sockets open and close to match, and still-valid cache entries stay. */
  async update(config: NdproxyConfig): Promise<void> {
    this.#state = withRules(this.#state, rulesFromConfig(config, { answerDadStatic: this.#answerDadStatic }));
    await this.#refresh();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#tick !== undefined) clearInterval(this.#tick);
    if (this.#refreshTimer !== undefined) clearTimeout(this.#refreshTimer);
    this.#stopMonitor?.();
    await this.#refreshing;
    for (const p of this.#upstreams.values()) p.socket.close();
    for (const p of this.#downstreams.values()) p.socket.close();
    this.#upstreams.clear();
    this.#downstreams.clear();
  }

  status(): NdProxyStatus {
    const s = this.#state;
    const modeOf = (upstream: string, target: bigint): NdproxyEntryDto['mode'] => findRule(s.rules, upstream, target)?.mode ?? 'auto';
    const entries: NdproxyEntryDto[] = allSessions(s.sessions).map((e) => ({
      upstream: e.upstream,
      address: formatAddress(e.target),
      mode: modeOf(e.upstream, e.target),
      state: e.state === 'alive' ? 'answering' : e.state === 'probing' ? 'probing' : 'negative',
      expiresAt: e.expiresAt,
    }));
    for (const r of s.rules) {
      if (r.mode !== 'kernel') continue;
      for (const a of r.addresses) entries.push({ upstream: r.upstream, address: formatAddress(a), mode: 'kernel', state: 'installed' });
    }
    return {
      rules: describeRules(s.rules),
      entries,
      counters: { ...s.counters },
      sessions: sessionCount(s.sessions),
      maxSessions: s.limits.maxSessions,
      listening: [...this.#upstreams.keys()].sort(),
      probing: [...this.#downstreams.keys()].sort(),
    };
  }

  #scheduleRefresh(): void {
    if (this.#stopped || this.#refreshTimer !== undefined) return;
    this.#refreshTimer = setTimeout(() => {
      this.#refreshTimer = undefined;
      // A failed refresh is counted in the chain; the next event or tick tries again.
      this.#refresh().catch(() => undefined);
    }, REFRESH_DEBOUNCE_MS);
  }

  /** Re-reads the kernel's view and makes the open sockets match it. Serialised. */
  /**
   * Re-reads interfaces and routes and (re)opens sockets. Refreshes run one after another; one
   * that fails (ip could not run, a socket would not open) is counted as `refresh-failed` and
   * leaves the chain usable, and the caller's promise rejects so start() can report it.
   */
  #refresh(): Promise<void> {
    const step = this.#refreshing.then(async () => {
      if (this.#stopped) return;
      const [addr, route] = await Promise.all([
        execute(inNetns(this.#netns, ['ip', '-json', 'addr', 'show'])),
        execute(inNetns(this.#netns, ['ip', '-json', '-6', 'route', 'show'])),
      ]);
      if (this.#stopped) return;
      if (addr.code === 0) this.#interfaces = interfacesFromIp(safeJson(addr.stdout));
      if (route.code === 0) this.#routes = routesFromIp(safeJson(route.stdout));
      count(this.#state, 'refreshes');
      this.#syncUpstreams();
      this.#syncDownstreams();
    });
    this.#refreshing = step.catch(() => count(this.#state, 'refresh-failed'));
    return step;
  }

  /** Whether `port` still sits on the same, live interface. */
  #current(view: InterfaceView): boolean {
    const now = this.#interfaces.get(view.name);
    return now !== undefined && now.ifindex === view.ifindex && now.up && now.mac === view.mac && now.linkLocal === view.linkLocal;
  }

  #syncUpstreams(): void {
    const wanted = new Set(upstreamsOf(this.#state.rules));
    for (const [name, port] of this.#upstreams) {
      if (wanted.has(name) && this.#current(port.view)) continue;
      port.socket.close();
      this.#upstreams.delete(name);
    }
    for (const name of wanted) {
      if (this.#upstreams.has(name)) continue;
      const view = this.#interfaces.get(name);
      // Without a MAC and a link-local address there is nothing to answer from; the next link
      // event (the interface appearing or coming up) brings us back here.
      if (view === undefined || !view.up || view.mac === undefined || view.linkLocal === undefined) continue;
      // Answers are Ethernet frames: a link whose address is not a 6-byte MAC cannot carry them.
      const mac = macValue(view.mac);
      if (mac === undefined) continue;
      const answers = naTemplate({ mac, linkLocal: view.linkLocal });
      try {
        const socket = openPacketSocket({
          ifname: name,
          ...(this.#netns === undefined ? {} : { netns: this.#netns }),
          filter: proxySolicitationFilter(),
          allMulticast: true,
        });
        socket.on('frame', (frame) => this.#onFrame(name, frame));
        socket.on('error', () => {
          count(this.#state, 'socket-errors');
          this.#scheduleRefresh();
        });
        this.#upstreams.set(name, { socket, view, answers });
      } catch {
        count(this.#state, 'open-errors');
      }
    }
  }

  #syncDownstreams(): void {
    const named = new Set(namedDownstreamsOf(this.#state.rules));
    for (const [name, port] of this.#downstreams) {
      if (this.#current(port.view)) continue;
      port.socket.close();
      this.#downstreams.delete(name);
    }
    for (const name of named) this.#downstream(name);
  }

  /** The probe socket on `name`, opened on first use; undefined when the interface is not usable. */
  #downstream(name: string): DownstreamPort | undefined {
    const have = this.#downstreams.get(name);
    if (have !== undefined) return have;
    const view = this.#interfaces.get(name);
    if (view === undefined || !view.up || this.#upstreams.has(name)) return undefined;
    try {
      const socket = openIcmp6Socket({ ifname: name, ...(this.#netns === undefined ? {} : { netns: this.#netns }), types: [NA] });
      socket.on('message', (bytes, info) => this.#onAdvertisement(name, bytes, info));
      socket.on('error', () => count(this.#state, 'socket-errors'));
      const port = { socket, view };
      this.#downstreams.set(name, port);
      return port;
    } catch {
      count(this.#state, 'open-errors');
      return undefined;
    }
  }

  #onFrame(upstream: string, frame: Uint8Array): void {
    const r = receiveNs(frame);
    if (!r.ok) {
      count(this.#state, `drop:${r.reason}`);
      return;
    }
    const { sourceMac, source, destination, target, sourceLla } = r.ns;
    this.#feed({ type: 'ns', upstream, sourceMac, source, destination, target, sourceLla });
  }

  /** A downstream NA (RFC 4861 §7.1.2 checks; the kernel verified the checksum): the target is alive. */
  #onAdvertisement(ifname: string, bytes: Uint8Array, info: { source: string; destination: string; ifindex: number; hopLimit: number }): void {
    const parsed = parseNdp(bytes);
    if (!parsed.ok || parsed.value.type !== 'na') return;
    if (validateReceived(parsed.value, info) !== undefined) return;
    const target = parseTargetValue(parsed.value.target);
    if (target !== undefined) this.#feed({ type: 'probeResult', target, ifname, alive: true });
  }

  #feed(input: ProxyInput): void {
    if (this.#stopped) return;
    const d = decide(this.#state, input, this.#now());
    this.#state = d.state;
    for (const a of d.actions) this.#act(a);
  }

  #act(a: ProxyAction): void {
    switch (a.type) {
      case 'drop':
        return;
      case 'sendNa': {
        const port = this.#upstreams.get(a.upstream);
        if (port === undefined) return count(this.#state, 'drop:upstream-gone');
        try {
          port.socket.send(port.answers.fill(a));
        } catch {
          count(this.#state, 'send-errors');
        }
        return;
      }
      case 'probe':
        return this.#probe(a.upstream, a.target, a.ifname);
    }
  }

  /**
   * Solicits `target` on the downstream interface (RFC 4861 §7.2.2: to its solicited-node group,
   * with our SLLAO so the answer needs no resolution of its own). An `auto` rule uses the
   * interface the routing table names; a route back out of the upstream itself, or none, means
   * the address is not behind us, so the answer is "absent" without a probe.
   */
  #probe(upstream: string, target: bigint, ifname: string | undefined): void {
    const dev = ifname ?? routeDevice(this.#routes, target);
    const port = dev === undefined || dev === upstream ? undefined : this.#downstream(dev);
    if (port === undefined || port.view.mac === undefined) {
      count(this.#state, 'probe-no-route');
      queueMicrotask(() => this.#feed({ type: 'probeResult', target, ifname: dev ?? '', alive: false }));
      return;
    }
    const ns = serializeNdp({ type: 'ns', target: formatAddress(target), options: [{ type: 'source-lla', address: port.view.mac }] });
    try {
      if (!ns.ok) throw new Error(ns.error.message);
      port.socket.send(ns.value, formatAddress(solicitedNodeAddress(target)));
    } catch {
      count(this.#state, 'send-errors');
    }
  }
}

function parseTargetValue(text: string): bigint | undefined {
  const p = parseAddress(text);
  return p.ok ? p.value.value : undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
