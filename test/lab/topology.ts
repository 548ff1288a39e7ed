// Builds a lab from a spec: one network namespace per node, veth links, bridges, sysctls,
// addresses and routes; and takes it all down again, whatever happened in between.
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Capture, startCapture, type CaptureOptions } from './capture.ts';
import { destroyNamespaceSync, isolateEtc, listNamespaces, register, sweepStaleLabs, unregister, writeMarker, type LiveLab } from './cleanup.ts';
import { inNamespace, run, type ExecOptions, type ExecResult } from './exec.ts';
import { parseAddresses, parseNeighbors, parseRoutes, type InterfaceAddress, type Neighbor, type Route } from './observe.ts';
import { Peer } from './peer.ts';
import { baseSysctls, specInterfaces, specProblems, type LabSpec } from './spec.ts';
import { waitFor, type Note, type WaitOptions } from './wait.ts';

export interface SpawnOptions {
  /** Names the log file `<name>.log`; unique within the lab. */
  readonly name: string;
  readonly env?: NodeJS.ProcessEnv;
}

export class Lab implements LiveLab {
  /** `v6l` + 4 hex digits, shared by every namespace of this run. */
  readonly prefix: string;
  readonly spec: LabSpec;
  /** Per-run directory for config files, leases, captures and peer logs. */
  readonly dir: string;
  readonly #peers: Peer[] = [];
  #teardown: Promise<void> | undefined;

  constructor(prefix: string, spec: LabSpec) {
    this.prefix = prefix;
    this.spec = spec;
    this.dir = join(tmpdir(), `v6edge-lab-${prefix}`);
  }

  /** The namespace name of `node`. */
  ns(node: string): string {
    if (!(node in this.spec.nodes)) throw new Error(`lab has no node "${node}" (nodes: ${Object.keys(this.spec.nodes).join(', ')})`);
    return `${this.prefix}-${node}`;
  }

  /** Every namespace of the lab. */
  namespaces(): string[] {
    return Object.keys(this.spec.nodes).map((node) => this.ns(node));
  }

  /** Runs `argv` in `node`'s namespace; throws with stderr on a non-zero exit unless `check: false`. */
  exec(node: string, argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    return run(inNamespace(this.ns(node), argv), options);
  }

  /** `ip -json <args>` in `node`, parsed; e.g. `json('host', ['-6', 'addr'])`. */
  async json(node: string, ipArgs: readonly string[]): Promise<unknown> {
    const { stdout } = await run(['ip', '-n', this.ns(node), '-json', ...ipArgs]);
    return stdout.trim() === '' ? [] : JSON.parse(stdout);
  }

  /** Starts a long-running program in `node`; it is stopped on teardown. */
  spawn(node: string, argv: readonly string[], options: SpawnOptions): Peer {
    if (this.#teardown !== undefined) throw new Error('lab is torn down');
    if (this.#peers.some((p) => p.name === options.name)) throw new Error(`a peer named "${options.name}" already runs in this lab`);
    const peer = new Peer(options.name, this.ns(node), argv, this.dir, options.env);
    this.#peers.push(peer);
    return peer;
  }

  peers(): readonly Peer[] {
    return this.#peers;
  }

  /** Writes `text` to `<lab dir>/<name>` and returns the path (config files for peers). */
  file(name: string, text: string, mode = 0o644): string {
    const path = join(this.dir, name);
    writeFileSync(path, text, { mode });
    return path;
  }

  async ifindex(node: string, ifname: string): Promise<number> {
    return (await this.#link(node, ifname)).ifindex;
  }

  async mac(node: string, ifname: string): Promise<string> {
    return (await this.#link(node, ifname)).address;
  }

  /** The interface's fe80:: address (without zone). */
  async linkLocal(node: string, ifname: string): Promise<string> {
    const found = (await this.addresses(node, ifname)).find((a) => a.scope === 'link');
    if (found === undefined) throw new Error(`${node}/${ifname} has no link-local address`);
    return found.address;
  }

  async addresses(node: string, ifname: string): Promise<InterfaceAddress[]> {
    return parseAddresses(await this.json(node, ['-6', 'addr', 'show', 'dev', ifname]));
  }

  /** The main IPv6 routing table of `node`. */
  async routes(node: string): Promise<Route[]> {
    return parseRoutes(await this.json(node, ['-6', 'route', 'show']));
  }

  async neighbors(node: string): Promise<Neighbor[]> {
    return parseNeighbors(await this.json(node, ['-6', 'neigh', 'show']));
  }

  waitFor<T>(check: (note: Note) => Promise<T | undefined | false> | T | undefined | false, options: WaitOptions): Promise<T> {
    return waitFor(check, options);
  }

  /** Captures on `node`/`ifname` into a pcap file; resolves once tshark is capturing. */
  capture(node: string, ifname: string, options: CaptureOptions = {}): Promise<Capture> {
    return startCapture(this, node, ifname, options);
  }

  /** Stops every peer and deletes every namespace. Idempotent; `keepFiles` keeps the run directory. */
  teardown(options: { keepFiles?: boolean } = {}): Promise<void> {
    this.#teardown ??= (async () => {
      await Promise.all(this.#peers.map((p) => p.stop({ graceMs: 2000 })));
      for (const ns of this.namespaces()) destroyNamespaceSync(ns);
      unregister(this);
      if (options.keepFiles !== true) rmSync(this.dir, { recursive: true, force: true });
    })();
    return this.#teardown;
  }

  teardownSync(): void {
    for (const peer of this.#peers) peer.killSync();
    for (const ns of this.namespaces()) destroyNamespaceSync(ns);
  }

  async #link(node: string, ifname: string): Promise<{ ifindex: number; address: string }> {
    const [link] = (await this.json(node, ['link', 'show', 'dev', ifname])) as Array<{ ifindex: number; address: string }>;
    if (link === undefined) throw new Error(`${node} has no interface ${ifname}`);
    return link;
  }
}

function freshPrefix(): string {
  const taken = listNamespaces();
  for (;;) {
    const prefix = `v6l${randomBytes(2).toString('hex')}`;
    if (!taken.some((ns) => ns.startsWith(`${prefix}-`))) return prefix;
  }
}

/** Builds the lab described by `spec`. On any failure the partial lab is torn down and the error rethrown. */
export async function createLab(spec: LabSpec): Promise<Lab> {
  const problems = specProblems(spec);
  if (problems.length > 0) {
    throw new Error(`invalid lab spec:\n${problems.map((p) => `  ${p.where !== undefined && 'path' in p.where ? p.where.path : ''}: ${p.message}`).join('\n')}`);
  }
  sweepStaleLabs();
  const lab = new Lab(freshPrefix(), spec);
  mkdirSync(lab.dir, { recursive: true });
  register(lab);
  try {
    await build(lab, spec);
  } catch (e) {
    await lab.teardown({ keepFiles: true });
    throw e;
  }
  return lab;
}

async function build(lab: Lab, spec: LabSpec): Promise<void> {
  const nodes = Object.entries(spec.nodes);
  // Markers first: a crash between here and `netns add` still leaves a trail for the sweep.
  for (const [node] of nodes) writeMarker(lab.ns(node));
  await Promise.all(
    nodes.map(async ([node, nodeSpec]) => {
      await run(['ip', 'netns', 'add', lab.ns(node)]);
      isolateEtc(lab.ns(node));
      // Before any link exists, so new interfaces inherit `default` (no DAD wait on link-locals).
      await sysctl(lab, node, baseSysctls(nodeSpec));
    }),
  );
  for (const link of spec.links ?? []) {
    const [nodeA, ifA] = link.a;
    const [nodeB, ifB] = link.b;
    const a = ['name', ifA, 'netns', lab.ns(nodeA), ...(link.macA === undefined ? [] : ['address', link.macA])];
    const b = ['name', ifB, 'netns', lab.ns(nodeB), ...(link.macB === undefined ? [] : ['address', link.macB])];
    const mtu = link.mtu === undefined ? [] : ['mtu', String(link.mtu)];
    // Created straight into the namespaces, so names never clash in the root namespace.
    await run(['ip', 'link', 'add', ...a, ...mtu, 'type', 'veth', 'peer', ...b, ...mtu]);
  }
  for (const bridge of spec.bridges ?? []) {
    const mac = bridge.mac === undefined ? [] : ['address', bridge.mac];
    // Without snooping the bridge floods multicast (RA, NS, DHCPv6) like a plain hub, as tests expect.
    await ipBatch(lab, bridge.node, [
      `link add ${bridge.name} ${mac.join(' ')} type bridge mcast_snooping 0 stp_state 0`,
      ...bridge.ports.map((port) => `link set ${port} master ${bridge.name}`),
    ]);
  }
  const interfaces = specInterfaces(spec);
  await Promise.all(
    nodes.map(async ([node, nodeSpec]) => {
      await sysctl(lab, node, Object.entries(nodeSpec.sysctls ?? {}).map(([k, v]) => [k, String(v)]));
      const addrs = Object.entries(spec.addresses?.[node] ?? {}).flatMap(([ifname, list]) => list.map((a) => `addr add ${a} dev ${ifname} nodad`));
      await ipBatch(lab, node, [
        'link set lo up',
        ...(interfaces.get(node) ?? []).map((ifname) => `link set ${ifname} up`),
        ...addrs,
      ]);
    }),
  );
  // Routes last: a gateway must be on a link that is up with its addresses.
  await Promise.all(nodes.map(([node]) => ipBatch(lab, node, (spec.routes?.[node] ?? []).map((r) => `route add ${r}`), ['-6'])));
}

async function sysctl(lab: Lab, node: string, settings: ReadonlyArray<readonly [string, string]>): Promise<void> {
  if (settings.length === 0) return;
  await lab.exec(node, ['sysctl', '-q', '-w', ...settings.map(([k, v]) => `${k}=${v}`)]);
}

async function ipBatch(lab: Lab, node: string, commands: readonly string[], options: readonly string[] = []): Promise<void> {
  if (commands.length === 0) return;
  await run(['ip', ...options, '-n', lab.ns(node), '-batch', '-'], { input: `${commands.join('\n')}\n` });
}

/**
 * Builds a lab, runs `body`, and always tears the lab down. When `body` throws, the run
 * directory (peer logs, captures) is kept and its path printed with each peer's last lines.
 */
export async function withLab<T>(spec: LabSpec, body: (lab: Lab) => Promise<T>): Promise<T> {
  const lab = await createLab(spec);
  let failed = true;
  try {
    const value = await body(lab);
    failed = false;
    return value;
  } finally {
    if (failed) reportFailure(lab);
    await lab.teardown({ keepFiles: failed });
  }
}

function reportFailure(lab: Lab): void {
  const lines = [`lab ${lab.prefix} failed; files and peer logs kept in ${lab.dir}`];
  for (const peer of lab.peers()) {
    const tail = peer.output().trimEnd().split('\n').slice(-15).join('\n    ');
    lines.push(`  ${peer.name} (${peer.logPath}):\n    ${tail}`);
  }
  process.stderr.write(`${lines.join('\n')}\n`);
}
