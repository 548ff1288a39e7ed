// Builds the demo's world and runs the daemon in it: the lab from the demo config, the config
// committed to a fresh store, `v6edge daemon` under `ip netns exec ROUTER`, then — once the API
// answers and the first pass converged — the container addresses IPAM handed out and the LAN
// clients. The namespace harness is test/lab's (DESIGN.md §3); this file only orchestrates it.
import { join } from 'node:path';
import { HttpApiClient } from '../api/client.ts';
import type { HostDto } from '../api/types.ts';
import type { Config } from '../config/schema.ts';
import { validateConfig } from '../config/validate.ts';
import { describe } from '../lib/result.ts';
import { openStore } from '../store/store.ts';
import { createLab, dhclient6, waitFor, type Lab, type Peer } from '../../test/lab/index.ts';
import type { DemoFacts, DemoNamespace } from './summary.ts';
import { BRIDGE, containerAddressing, demoTopology, ROUTER_NODE, UPSTREAM_NODE, type ContainerAddressing, type DemoTopology } from './topology.ts';
import { onSignalStopFirst } from './signals.ts';

const BIN = new URL('../bin/v6edge.js', import.meta.url).pathname;
/** Final RAs (RFC 4861 §6.2.5) go out on SIGTERM; give the daemon this long before SIGKILL. */
const DAEMON_STOP_GRACE_MS = 10_000;

export interface LanClient {
  readonly node: string;
  readonly ns: string;
  readonly routerInterface: string;
  readonly how: 'SLAAC' | 'DHCPv6';
  /** What it got; undefined when nothing arrived in time (the TUI still shows why). */
  readonly address: string | undefined;
}

export interface DemoLab {
  readonly lab: Lab;
  readonly topology: DemoTopology;
  readonly socketPath: string;
  readonly storePath: string;
  readonly daemon: Peer;
  readonly routerNs: string;
  readonly containers: readonly ContainerAddressing[];
  readonly clients: readonly LanClient[];
  /** Stops the daemon with SIGTERM (so it sends final RAs), then deletes every namespace. Idempotent. */
  stop(): Promise<void>;
}

export interface DemoLabOptions {
  readonly config: Config;
  /** Progress lines for the operator while the lab comes up. */
  readonly progress?: (line: string) => void;
  /** How long to wait for the API, the first pass and each LAN client (default 20 s). */
  readonly timeoutMs?: number;
}

/** Commits `config` as revision 1 of a fresh store, the way an operator's first commit would. */
function commitFresh(path: string, config: Config): void {
  const opened = openStore<Config>({ path, validate: validateConfig, role: 'tool' });
  if (!opened.ok) throw new Error(`cannot create the demo store ${path}: ${opened.error.message}`);
  try {
    const r = opened.value.commit({ document: config, base: 0, author: 'demo', comment: 'the embedded demo configuration' });
    if (!r.ok) throw new Error(`the demo config did not commit: ${r.error.message}`);
  } finally {
    opened.value.close();
  }
}

/** Waits for the API to answer and the first reconcile pass to install every route it owns. */
async function converged(client: HttpApiClient, daemon: Peer, timeoutMs: number): Promise<readonly HostDto[]> {
  return waitFor(async (note) => {
    if (!daemon.running) throw new Error(`the daemon exited:\n${daemon.output().slice(-2000)}`);
    const [rec, routes, hosts] = await Promise.all([client.reconcile(), client.routes(), client.hosts()]);
    note({ reconcile: rec, routes });
    const settled = rec.passes > 0 && rec.errors.length === 0 && routes.length > 0 && routes.every((r) => r.state === 'installed');
    return settled ? hosts : undefined;
  }, { timeoutMs, intervalMs: 100, what: "the daemon's API and its first converged reconcile pass" });
}

/** Puts each container network's gateway on the container host's bridge and the container behind it. */
async function addressContainers(lab: Lab, containers: readonly ContainerAddressing[]): Promise<void> {
  await Promise.all(containers.map(async (c) => {
    await lab.exec(c.hostNode, ['ip', '-6', 'addr', 'add', c.gateway, 'dev', BRIDGE, 'nodad']);
    await lab.exec(c.node, ['ip', '-6', 'addr', 'add', c.address, 'dev', 'eth0', 'nodad']);
    await lab.exec(c.node, ['ip', '-6', 'route', 'add', 'default', 'via', c.gateway.split('/')[0] ?? '']);
  }));
}

async function slaacClient(lab: Lab, node: string, routerInterface: string, prefix: string | undefined, timeoutMs: number): Promise<LanClient> {
  const address = await waitFor(async () => {
    const found = (await lab.addresses(node, 'eth0')).find((a) => a.dynamic && a.scope === 'global' && (prefix === undefined || a.address.startsWith(prefix)));
    return found?.address;
  }, { timeoutMs, what: `a SLAAC address on ${node}` }).catch(() => undefined);
  return { node, ns: lab.ns(node), routerInterface, how: 'SLAAC', address };
}

async function dhcpClient(lab: Lab, node: string, routerInterface: string, timeoutMs: number): Promise<LanClient> {
  const handle = await dhclient6(lab, node, 'eth0', { mode: 'na', timeoutMs, name: 'dhclient-lan' });
  return { node, ns: lab.ns(node), routerInterface, how: 'DHCPv6', address: handle.leases().addresses[0] };
}

/** The first prefix a LAN advertises, as a text start (`2001:db8:1:`) to match SLAAC addresses by. */
function slaacStart(config: Config, ifname: string): string | undefined {
  const p = config.interfaces[ifname]?.ra?.prefixes[0]?.prefix;
  return p === undefined ? undefined : p.replace(/::\/\d+$/, ':');
}

/** Builds the whole demo; on any failure everything built so far is torn down and the error rethrown. */
export async function startDemoLab(options: DemoLabOptions): Promise<DemoLab> {
  const say = options.progress ?? (() => undefined);
  const timeoutMs = options.timeoutMs ?? 20_000;
  const topo = demoTopology(options.config);
  if (!topo.ok) throw new Error(describe(topo.error));
  const topology = topo.value;
  say(`building ${Object.keys(topology.spec.nodes).length} network namespaces…`);
  const lab = await createLab(topology.spec);
  let daemon: Peer | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await daemon?.stop({ signal: 'SIGTERM', graceMs: DAEMON_STOP_GRACE_MS });
      await lab.teardown();
    })();
    return stopping;
  };
  // A signal tears the lab down synchronously (test/lab/cleanup.ts); stop the daemon first so
  // its final RAs still leave and its store closes cleanly.
  const forget = onSignalStopFirst(() => daemon?.pid);
  try {
    const storePath = join(lab.dir, 'state.db');
    const socketPath = join(lab.dir, 'api.sock');
    commitFresh(storePath, options.config);
    say(`starting v6edge daemon in ${lab.ns(ROUTER_NODE)}…`);
    daemon = lab.spawn(ROUTER_NODE, [process.execPath, '--disable-warning=ExperimentalWarning', BIN, 'daemon', '--store', storePath, '--socket', socketPath], { name: 'daemon' });
    const client = new HttpApiClient({ socketPath, user: 'demo' });
    const hosts = await converged(client, daemon, timeoutMs);
    const addressing = containerAddressing(topology, hosts);
    if (!addressing.ok) throw new Error(describe(addressing.error));
    say('addressing containers and starting LAN clients…');
    const clientsFor = Object.entries(topology.lans).map(([ifname, node]) =>
      options.config.interfaces[ifname]?.dhcpv6?.mode === 'stateful'
        ? dhcpClient(lab, node, ifname, timeoutMs)
        : slaacClient(lab, node, ifname, slaacStart(options.config, ifname), timeoutMs),
    );
    const [, ...clients] = await Promise.all([addressContainers(lab, addressing.value), ...clientsFor]);
    const running = daemon;
    return {
      lab,
      topology,
      socketPath,
      storePath,
      daemon: running,
      routerNs: lab.ns(ROUTER_NODE),
      containers: addressing.value,
      clients,
      stop: async () => {
        await stop();
        forget();
      },
    };
  } catch (e) {
    await stop().catch(() => undefined);
    forget();
    throw e;
  }
}

/** What the summary screen shows about a running demo. */
export function demoFacts(demo: DemoLab, tui: boolean): DemoFacts {
  // Short enough for an 80-column terminal next to a 7-character node and 17-character namespace.
  const clientRole = (c: LanClient): string => `${c.routerInterface}: ${c.how} ${c.address ?? '(no address yet)'}`;
  const namespaces: DemoNamespace[] = [];
  for (const node of Object.keys(demo.topology.spec.nodes)) {
    const client = demo.clients.find((c) => c.node === node);
    const ch = demo.topology.hosts.find((h) => h.node === node);
    const container = demo.containers.find((c) => c.node === node);
    const role = node === UPSTREAM_NODE
      ? `ISP router ${demo.lab.spec.addresses?.[UPSTREAM_NODE]?.eth0?.[0] ?? ''} (ping target)`
      : node === ROUTER_NODE
        ? `v6edge daemon, pid ${demo.daemon.pid}`
        : client !== undefined
          ? clientRole(client)
          : ch !== undefined
            ? `container host ${ch.host}, ${ch.nextHop} on ${ch.interface}`
            : container !== undefined
              ? `${container.host}/${container.network} container ${container.address}`
              : '';
    namespaces.push({ node, ns: demo.lab.ns(node), role });
  }
  return { namespaces, routerNs: demo.routerNs, socketPath: demo.socketPath, daemonLog: demo.daemon.logPath, tui };
}
