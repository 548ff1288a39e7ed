// The apply loop at fleet scale: 10,000 container hosts × 10 networks (110,000 routes) converged
// from empty by our whole path (config → IPAM → desired → Reconciler pass through KernelBackend
// and NftBackend → read back, verified) beside raw `ip -batch` of the same 110,000 `route add`
// lines in a fresh namespace; then one host added to that table, a full observe, and the
// process's resident memory. Run as root: `npm run bench reconcile`. Writes test/bench/results/reconcile.md.
// BENCH_HOSTS=N runs a smaller fleet and only prints (the section is written at full size only).
import { writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { execute } from '../../src/backends/exec.ts';
import { KernelBackend } from '../../src/backends/kernel/backend.ts';
import { ensureRouteProtocol } from '../../src/backends/kernel/protocol.ts';
import { NftBackend } from '../../src/backends/nft/backend.ts';
import { combineBackends, type Backend, type TouchedRequest } from '../../src/backends/types.ts';
import { clearCanonicalMemos } from '../../src/reconcile/canonical.ts';
import { clearResolvedHosts } from '../../src/reconcile/hosts.ts';
import { Reconciler, type PassReport } from '../../src/reconcile/loop.ts';
import { labSkipReason, withLab, type Lab } from '../lab/index.ts';
import {
  cpuMs, desiredFleet, fleetDocument, fmtMs, hostName, memoryMiB, newSteps, routerLab, timed, HOSTS_IFACE,
  type FleetState, type Steps,
} from './support/container-fleet.ts';
import { machine, versionOf } from './support/proc.ts';
import { distribution, ratio, table } from './support/stats.ts';

const FULL_HOSTS = 10_000;
const HOSTS = Number(process.env.BENCH_HOSTS ?? FULL_HOSTS);
const NETWORKS = 10;
const ROUTES = HOSTS * (NETWORKS + 1);
/** Fresh namespaces per repeat, alternating anchor and ours, so neither always runs on a warm kernel. */
const REPEATS = 5;
/** Hosts added one at a time to the converged table in each repeat. */
const ADDS = 3;
const OBSERVES = 3;
const GOAL_RATIO = 1.3;
const GOAL_ADD_MS = 100;

const skip = labSkipReason();
if (skip !== undefined) {
  console.error(`reconcile bench: ${skip}`);
  process.exit(1);
}
const registered = ensureRouteProtocol();
if (!registered.ok) {
  console.error(`reconcile bench: ${registered.error.message}`);
  process.exit(1);
}

/** The backend of a router namespace, with each observe and apply timed into the current pass's steps. */
class TimedBackend implements Backend {
  readonly #inner: Backend;
  #steps: Steps = newSteps();
  #observes = 0;

  constructor(inner: Backend) {
    this.#inner = inner;
  }

  /** Starts a new pass: its first observe is the observe, its second the read-back. */
  begin(steps: Steps): void {
    this.#steps = steps;
    this.#observes = 0;
  }

  /**
   * Ends the timed pass: what follows (the pass that nft's own skeleton transaction, a real
   * event, queues right behind it) is not added to its steps.
   */
  end(): void {
    this.#steps = newSteps();
  }

  observe(request: Parameters<Backend['observe']>[0]) {
    const name = this.#observes++ === 0 ? 'observe (netlink + nft)' : 'read back (netlink + nft)';
    return timed(this.#steps, name, () => this.#inner.observe(request));
  }

  apply(subsystem: Parameters<Backend['apply']>[0], changes: Parameters<Backend['apply']>[1]) {
    return timed(this.#steps, `apply ${subsystem}`, () => this.#inner.apply(subsystem, changes));
  }

  watch(onChange: (why: string) => void) {
    return this.#inner.watch(onChange);
  }

  close(): void {
    this.#inner.close?.();
  }

  observeTouched(request: TouchedRequest) {
    return timed(this.#steps, 'read back (touched routes)', () => this.#inner.observeTouched?.(request));
  }
}

/**
 * Hands a desired state to the loop and waits for the pass it triggers, timed into `steps`;
 * returns how many route adds it planned and drops the report, so the memory figure holds only
 * what a daemon keeps.
 */
async function passFor(loop: Reconciler, backend: TimedBackend, state: FleetState, steps: Steps, passes: PassReport[]): Promise<number> {
  backend.begin(steps);
  passes.length = 0;
  const before = 0;
  return timed(steps, 'pass', async () => {
    loop.setDesired(state.desired);
    await new Promise<void>((resolve) => {
      const poll = (): void => (passes.length > before ? resolve() : void setImmediate(poll));
      poll();
    });
    const report = passes[before]!;
    if (!report.verified || report.failures.length > 0) {
      throw new Error(`bench: the ${report.mode} pass (${report.trigger}) did not converge: ${report.failures[0]?.problem.message ?? loop.status().errors[0]?.message ?? 'read-back planned more changes'}`);
    }
    passes.length = 0;
    lastMode = report.mode;
    return report.planned.filter((c) => c.subsystem === 'routes' && c.op === 'add').length;
  });
}

let lastMode = 'full';

/** Waits for any queued pass (events arriving after a pass trigger one) to finish. */
async function settled(loop: Reconciler, backend: TimedBackend): Promise<void> {
  backend.begin(newSteps());
  await new Promise((r) => setTimeout(r, 200));
  await loop.pass('settle');
}

async function ourRouteCount(lab: Lab): Promise<number> {
  const r = await lab.exec('router', ['ip', '-6', 'route', 'show', 'proto', '250']);
  return r.stdout.split('\n').filter((l) => l.trim() !== '').length;
}

/**
 * Empties the router namespace before it is deleted: the kernel frees a dead namespace's
 * 110,000 routes and nft sets in a background worker under the RTNL lock, which would stall
 * the next measurement's route adds by seconds.
 */
async function emptyRouter(lab: Lab): Promise<void> {
  await lab.exec('router', ['ip', '-6', 'route', 'flush', 'proto', '250'], { timeoutMs: 300_000 });
  await lab.exec('router', ['nft', 'flush', 'ruleset'], { timeoutMs: 300_000 });
}

interface Cost {
  readonly wall: number;
  readonly cpu: number;
}

/** Raw iproute2: the same `route add` lines from a file in one `ip -batch`, nothing else. */
async function anchorLoad(lines: readonly string[]): Promise<Cost> {
  return withLab(routerLab(), async (lab) => {
    const file = lab.file('routes.batch', `${lines.join('\n')}\n`);
    const cpu = cpuMs();
    const t = performance.now();
    await lab.exec('router', ['ip', '-6', '-batch', file], { timeoutMs: 300_000 });
    const cost = { wall: performance.now() - t, cpu: cpuMs() - cpu };
    const n = await ourRouteCount(lab);
    if (n !== ROUTES) throw new Error(`bench: the anchor installed ${n} routes, not ${ROUTES}`);
    await emptyRouter(lab);
    return cost;
  });
}

interface Ours {
  readonly converge: Steps;
  readonly convergeCpu: number;
  readonly adds: Steps[];
  readonly addCpu: number[];
  readonly addModes: string[];
  readonly observes: Array<{ ip: number; kernelObserve: number; bytes: number }>;
  readonly memory?: { afterConverge: { rss: number; peak: number }; afterGc: { rss: number; peak: number } };
}

/** Forces a full collection (the flag must be set before the context that exposes gc is made). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

async function oursRun(measureMemory: boolean): Promise<Ours> {
  // A cold start: nothing remembered from the anchor's desired state or an earlier repeat.
  clearResolvedHosts();
  clearCanonicalMemos();
  return withLab(routerLab(), async (lab) => {
    const netns = lab.ns('router');
    const kernel = new KernelBackend({ netns });
    const backend = new TimedBackend(combineBackends([kernel, new NftBackend({ netns })]));
    const passes: PassReport[] = [];
    const loop = new Reconciler({
      backend,
      resyncMs: 0,
      // The report ends the timed pass at once, before a pass queued behind it can observe.
      onEvent: (e) => {
        if (e.type !== 'pass') return;
        backend.end();
        passes.push(e.report);
      },
    });
    // Watching events, as the daemon does: that is what lets a pass with no event since the last
    // verified one take the incremental path.
    loop.start();
    const converge = newSteps();
    const cpu = cpuMs();
    const total = performance.now();
    let state = await desiredFleet(fleetDocument(HOSTS, NETWORKS), [], converge);
    const routes = await passFor(loop, backend, state, converge, passes);
    converge.ms.set('total', performance.now() - total);
    const convergeCpu = cpuMs() - cpu;
    // The skeleton load is nft's own transaction (another process, so a real event): let the pass
    // it triggers finish, untimed, before the one-host additions.
    await settled(loop, backend);
    const n = await ourRouteCount(lab);
    if (routes !== ROUTES || n !== ROUTES) throw new Error(`bench: planned ${routes} and installed ${n} routes, expected ${ROUTES}`);
    let memory: Ours['memory'];
    if (measureMemory) {
      const afterConverge = memoryMiB();
      collectGarbage();
      memory = { afterConverge, afterGc: memoryMiB() };
    }

    const adds: Steps[] = [];
    const modes: string[] = [];
    const addCpu: number[] = [];
    for (let k = 1; k <= ADDS; k++) {
      const steps = newSteps();
      const c = cpuMs();
      const t = performance.now();
      state = await desiredFleet(fleetDocument(HOSTS + k, NETWORKS), state.allocations, steps);
      const newRoutes = await passFor(loop, backend, state, steps, passes);
      steps.ms.set('total', performance.now() - t);
      addCpu.push(cpuMs() - c);
      if (newRoutes !== NETWORKS + 1) throw new Error(`bench: adding ${hostName(HOSTS + k - 1)} planned ${newRoutes} route adds`);
      adds.push(steps);
      modes.push(lastMode);
      await settled(loop, backend);
    }

    const observes: Ours['observes'] = [];
    for (let k = 0; k < OBSERVES; k++) {
      let t = performance.now();
      const r = await execute(['ip', '-n', netns, '-json', '-6', 'route', 'show', 'table', 'main']);
      const listed = (JSON.parse(r.stdout) as unknown[]).length;
      const ip = performance.now() - t;
      t = performance.now();
      const seen = await kernel.observe({ sysctlKeys: [] });
      const kernelObserve = performance.now() - t;
      if (listed < ROUTES || (seen.routes?.length ?? 0) < ROUTES) throw new Error('bench: the observe missed routes');
      observes.push({ ip, kernelObserve, bytes: r.stdout.length });
    }
    await loop.stop();
    backend.close();
    await emptyRouter(lab);
    return { converge, convergeCpu, adds, addCpu, addModes: modes, observes, ...(memory === undefined ? {} : { memory }) };
  });
}

const p50 = (xs: readonly number[]): number => distribution(xs).p50;
const stepP50 = (runs: readonly Steps[], name: string): number => p50(runs.map((s) => s.ms.get(name) ?? 0));

function stepRows(runs: readonly Steps[], names: readonly string[]): string[][] {
  return names.map((n) => [n, fmtMs(stepP50(runs, n)), runs.map((s) => fmtMs(s.ms.get(n) ?? 0)).join(', ')]);
}

async function main(): Promise<void> {
  // The anchor adds the same desired routes, with the attributes KernelBackend's netlink requests carry.
  const lines = (await desiredFleet(fleetDocument(HOSTS, NETWORKS), [], newSteps())).desired.routes.map((r) => `route add ${r.dst}${r.via === undefined ? '' : ` via ${r.via}`} dev ${r.dev} proto 250`);
  const anchors: Cost[] = [];
  const ours: Ours[] = [];
  for (let rep = 0; rep < REPEATS; rep++) {
    // Alternate which side runs first, so neither always meets a warm (or a tired) kernel.
    if (rep % 2 === 0) {
      anchors.push(await anchorLoad(lines));
      ours.push(await oursRun(rep === 0));
    } else {
      ours.push(await oursRun(false));
      anchors.push(await anchorLoad(lines));
    }
    console.log(`repeat ${rep + 1}: anchor ${fmtMs(anchors.at(-1)!.wall)}, ours ${fmtMs(ours.at(-1)!.converge.ms.get('total')!)}`);
  }
  const section = render(anchors, ours);
  console.log(section);
  if (HOSTS === FULL_HOSTS) writeFileSync(new URL('results/reconcile.md', import.meta.url), section);
}

function render(anchorCosts: readonly Cost[], ours: readonly Ours[]): string {
  const anchors = anchorCosts.map((a) => a.wall);
  const anchorCpu = p50(anchorCosts.map((a) => a.cpu));
  const convergeCpu = p50(ours.map((o) => o.convergeCpu));
  const addCpu = p50(ours.flatMap((o) => o.addCpu));
  const converges = ours.map((o) => o.converge);
  const adds = ours.flatMap((o) => o.adds);
  const observes = ours.flatMap((o) => o.observes);
  const anchor = p50(anchors);
  // The anchor alone swings 1.3-2.9 s between runs on this machine: the fastest is the strict reading.
  const anchorBest = Math.min(...anchors);
  const total = stepP50(converges, 'total');
  const passOnly = stepP50(converges, 'pass');
  const loopOnly = p50(converges.map((s) => (s.ms.get('desired state') ?? 0) + (s.ms.get('pass') ?? 0)));
  const routesApply = stepP50(converges, 'apply routes');
  const addTotal = stepP50(adds, 'total');
  const addPass = stepP50(adds, 'pass');
  const addApply = p50(adds.map((s) => (s.ms.get('apply routes') ?? 0) + (s.ms.get('apply nft') ?? 0)));
  const addObserve = p50(adds.map((s) => (s.ms.get('observe (netlink + nft)') ?? 0) + (s.ms.get('read back (netlink + nft)') ?? 0) + (s.ms.get('read back (touched routes)') ?? 0)));
  const mem = ours.find((o) => o.memory !== undefined)?.memory;
  const convergeSteps = ['validateConfig', 'IPAM', 'desired state', 'observe (netlink + nft)', 'apply sysctls', 'apply addresses', 'apply routes', 'apply nft', 'read back (netlink + nft)', 'read back (touched routes)', 'pass', 'total'];
  const verdict = (ok: boolean): string => (ok ? 'meets the goal' : '**misses the goal**');
  return `## Apply loop at fleet scale (reconcile)

Command: \`npm run bench reconcile\` (as root; \`node test/bench/reconcile.bench.ts\` alone). Machine: ${machine()}; ${versionOf(['ip', '-V'])}; ${versionOf(['nft', '--version'])}.
Fleet: ${HOSTS.toLocaleString('en')} hosts × ${NETWORKS} IPAM-allocated container networks on \`${HOSTS_IFACE}\` (a veth in a lab namespace), one published port each:
${ROUTES.toLocaleString('en')} routes (${HOSTS.toLocaleString('en')} /48 + ${(HOSTS * NETWORKS).toLocaleString('en')} /80, global next hops on the link), plus table inet v6edge with
${HOSTS.toLocaleString('en')} source, ${HOSTS.toLocaleString('en')} host-prefix and ${HOSTS.toLocaleString('en')} published-port elements. ${REPEATS} repeats, each in fresh namespaces,
anchor and ours alternating first; medians (p50) below, every sample listed.

### Converge from empty: ours beside raw \`ip -batch\`
Anchor: the same ${ROUTES.toLocaleString('en')} routes as \`route add P via V dev D proto 250\` lines, from a file, one \`ip -6 -batch\`, timed alone: ${anchors.map(fmtMs).join(', ')}.
Ours: config document → \`validateConfig\` (limits, zod schema, cross-field rules) → IPAM (\`allocateForConfig\`) → \`desiredState\` →
one \`Reconciler\` pass (observe, plan, apply per subsystem, read back, plan again = verify), verified, route count checked.

| | p50 | ratio to the anchor's p50 (goal ≤ ${GOAL_RATIO}×) | ratio to the anchor's fastest run |
|---|---|---|---|
| anchor: \`ip -batch\`, ${ROUTES.toLocaleString('en')} routes | ${fmtMs(anchor)} | 1.00× | ${ratio(anchor, anchorBest)} |
| ours: whole path, routes and filters | ${fmtMs(total)} | ${ratio(total, anchor)} — ${verdict(total / anchor <= GOAL_RATIO)} | ${ratio(total, anchorBest)} |
| ours: the loop's converge, desired state + pass (what \`Reconciler.setConfig\` runs once IPAM has allocated) | ${fmtMs(loopOnly)} | ${ratio(loopOnly, anchor)} — ${verdict(loopOnly / anchor <= GOAL_RATIO)} | ${ratio(loopOnly, anchorBest)} |
| ours: the apply loop's pass alone (observe, plan, apply routes and filters, read back, verify) | ${fmtMs(passOnly)} | ${ratio(passOnly, anchor)} — ${verdict(passOnly / anchor <= GOAL_RATIO)} | ${ratio(passOnly, anchorBest)} |
| ours: the routes batch alone (rtnetlink requests from KernelBackend; nft's element load runs beside it) | ${fmtMs(routesApply)} | ${ratio(routesApply, anchor)} | ${ratio(routesApply, anchorBest)} |

CPU time (user + system of the benchmark process and the \`ip\`/\`nft\` children it waited for), which other load on the
machine inflates far less than wall time: anchor ${fmtMs(anchorCpu)} (samples ${anchorCosts.map((a) => fmtMs(a.cpu)).join(', ')}),
ours, whole path, ${fmtMs(convergeCpu)} (samples ${ours.map((o) => fmtMs(o.convergeCpu)).join(', ')}): **${ratio(convergeCpu, anchorCpu)}**.

Where our time goes (p50 per step; "pass" is the whole Reconciler pass, which contains the observe, apply and read-back rows):

${table(['step', 'p50', 'samples'], stepRows(converges, convergeSteps))}

### One host added to the converged table (its /48 + ${NETWORKS} /80s, 11 routes, ${NETWORKS + 2} set elements)
${adds.length} additions (${ADDS} per repeat). Goal: the pass under ${GOAL_ADD_MS} ms, its cost following the change, not the table.

| | p50 |
|---|---|
| whole path (config → desired → pass) | ${fmtMs(addTotal)} |
| pass modes (incremental: planned against the previous desired state, touched routes read back) | ${ours.flatMap((o) => o.addModes).join(', ')} |
| the Reconciler pass | ${fmtMs(addPass)} — ${verdict(addPass < GOAL_ADD_MS)} |
| CPU time of the whole path (process + children) | ${fmtMs(addCpu)} |
| of which observe + read back (a full pass reads ${ROUTES.toLocaleString('en')}+ routes and ${(3 * HOSTS).toLocaleString('en')}+ set elements twice; an incremental one only the touched routes) | ${fmtMs(addObserve)} |
| of which apply (11 routes + element adds) | ${fmtMs(addApply)} |
| of which plan, verify diff and events (the rest) | ${fmtMs(addPass - addObserve - addApply)} |

${table(['step', 'p50', 'samples'], stepRows(adds, convergeSteps))}

### Full observe of ${ROUTES.toLocaleString('en')}+ routes
| | p50 | samples |
|---|---|---|
| for comparison, the old way: \`ip -json -6 route show table main\` run, read and \`JSON.parse\`d (${(p50(observes.map((o) => o.bytes)) / 2 ** 20).toFixed(1)} MiB of JSON) | ${fmtMs(p50(observes.map((o) => o.ip)))} | ${observes.map((o) => fmtMs(o.ip)).join(', ')} |
| \`KernelBackend.observe\` (routes by one rtnetlink dump, decoded to canonical text; links, addresses, proxy entries by \`ip -json\`, in parallel) | ${fmtMs(p50(observes.map((o) => o.kernelObserve)))} | ${observes.map((o) => fmtMs(o.kernelObserve)).join(', ')} |

### Memory
${mem === undefined ? 'Not measured.' : `VmRSS of the benchmark process (it holds what a daemon would: config, allocations, desired state, the Reconciler) right after converging ${ROUTES.toLocaleString('en')} routes: **${mem.afterConverge.rss.toFixed(0)} MiB**; after a full garbage collection: **${mem.afterGc.rss.toFixed(0)} MiB**; peak (VmHWM) so far: ${mem.afterGc.peak.toFixed(0)} MiB.`}

### What limits it
${LIMITS}
`;
}

// Written from the figures of full runs on this machine; the tables above are the run's own.
const LIMITS = `- **A shared, loaded machine.** 2 cores shared with other work: wall times swing up to 2× between repeats, the
  anchor's own from 1.3 s to 2.9 s across runs; hence the second ratio, against its fastest run in this one.
- **How a from-empty pass spends its time:** the route batch (~0.75-1 s) is kernel work, now done on a libuv pool
  thread while the main thread encodes the next datagram; nft's skeleton (two \`nft\` processes, ~20 ms each) and
  its element transaction (~0.2 s in the kernel, mostly the concatenated published-port set: pipapo) run beside
  the routes on the other core, which slows the route batch by about as much as it saves; the read-back is one
  dump of 110,000 routes (~0.25 s) beside nft's listings; plans and the verify diff are ~0.2 s.
- **The whole path** adds what a commit does before the loop and the anchor does not do at all: \`validateConfig\`
  of a 2.15 MB document (~0.2 s, mostly zod), IPAM for 10,000 hosts (~0.12 s) and the desired state (~0.18 s).
- **What changed since the last run of this section** (4.06 s whole path, 2.71×; pass 2.59 s, 1.73×): the address
  and prefix codecs work on bytes (text ↔ 16 bytes in one pass over the characters, flat strings out), desired
  state and IPAM parse each prefix once and take IPAM's own records from its index, set elements encode and
  decode without bigints, the route plan indexes the desired side once, nft applies beside the kernel's
  subsystems, and netlink sends go through the pool thread.
- **One host added** is incremental: no observe, only its 11 routes looked up again (\`RTM_F_FIB_MATCH\`), its
  elements in one transaction; the whole path before it still validates all 10,000 hosts (zod has no
  incremental mode).
- **Memory:** the per-host reuse keeps the previous host objects, blocks and routes; the rest is the config,
  allocations and desired state a daemon holds anyway.`;

await main();
