// `v6edge demo [--dry-run] [--no-tui]` (what `npm start` runs). As root: builds the namespace
// lab of src/demo around the embedded demo configuration, runs the daemon in it and opens the
// TUI on its socket; the lab goes when the TUI quits or a signal arrives. Without root, or with
// --dry-run: the same configuration shown without touching this machine — validated, its
// prefixes allocated, the kernel changes a pass would make (planned against the in-memory fake
// kernel), and the RAs each LAN would carry.
import { demoConfig } from '../config/defaults.ts';
import type { Config } from '../config/schema.ts';
import { FakeKernel } from '../backends/fake/kernel.ts';
import { combineBackends } from '../backends/types.ts';
import { allocateForConfig } from '../reconcile/allocations.ts';
import { leaseRoutesOf } from '../reconcile/desired.ts';
import { planOnce } from '../reconcile/plan-once.ts';
import { buildRouterAdvertisement } from '../services/ra/advertisement.ts';
import { describe } from '../lib/result.ts';
import { labSkipReason } from '../../test/lab/skip.ts';
import { parseArgs, UsageError } from './args.ts';
import { EXIT_OK, EXIT_REFUSED, type CliIo } from './io.ts';

export const DEMO_USAGE = `usage: v6edge demo [--dry-run] [--no-tui]
  (as root) builds a namespace lab, runs the daemon in it and opens the TUI; q tears it down
  --dry-run   show what the demo config does, planned against an in-memory kernel
  --no-tui    build the lab, print where the API socket is and wait for Ctrl-C`;

/** The demo's interfaces as plain links the fake kernel already has (as the NICs of a router). */
function fakeKernelFor(config: Config): FakeKernel {
  return new FakeKernel(
    Object.keys(config.interfaces).map((name) => ({ name, kind: 'ethernet' as const, mtu: 1500, up: true })),
  );
}

function describeRa(name: string, config: Config): string[] {
  const ra = config.interfaces[name]?.ra;
  if (ra === undefined || !ra.enabled) return [];
  // A locally administered MAC stands in for the NIC the lab would give the interface.
  const built = buildRouterAdvertisement(ra, { mac: '02:00:5e:00:00:01', globalPrefixes: [], withdrawn: [], now: Date.now() });
  const m = built.message;
  const flags = [m.managed ? 'M' : '', m.other ? 'O' : ''].join('') || 'none';
  const lines = [`  ${name}: router lifetime ${m.routerLifetime} s, flags ${flags}, hop limit ${m.curHopLimit}`];
  for (const o of m.options) {
    if (o.type === 'prefix-information') {
      lines.push(`    prefix ${o.prefix}/${o.prefixLength} ${o.autonomous ? 'SLAAC' : 'no-SLAAC'} valid ${o.validLifetime} s preferred ${o.preferredLifetime} s`);
    } else if (o.type === 'rdnss') {
      lines.push(`    RDNSS ${o.servers.join(', ')} (${o.lifetime} s)`);
    } else if (o.type === 'dnssl') {
      lines.push(`    DNSSL ${o.domains.join(', ')} (${o.lifetime} s)`);
    } else if (o.type === 'mtu') {
      lines.push(`    MTU ${o.mtu}`);
    } else if (o.type === 'route-information') {
      lines.push(`    route ${o.prefix}/${o.prefixLength} preference ${o.preference} (${o.routeLifetime} s)`);
    }
  }
  for (const p of built.problems) lines.push(`    ! ${describe(p)}`);
  return lines;
}

export async function runDemo(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { 'dry-run': 'boolean', 'no-tui': 'boolean' });
  if (args.positional.length > 0) throw new UsageError(`unexpected argument ${args.positional[0]}\n${DEMO_USAGE}`);
  if (args.flags['dry-run'] === true) return dryRun(io);
  const why = labSkipReason();
  if (why !== undefined) {
    const root = process.getuid?.() === 0;
    io.err(root
      ? `v6edge demo: cannot build network namespaces here (${why}); showing a dry run instead`
      : 'v6edge demo: needs root to build network namespaces: run `sudo npm start`; showing a dry run instead');
    return dryRun(io);
  }
  // The TUI needs a terminal to read keys from; without one (a pipe, CI) the lab still runs.
  const tui = args.flags['no-tui'] !== true && process.stdin.isTTY === true;
  if (args.flags['no-tui'] !== true && !tui) io.err('v6edge demo: standard input is not a terminal, so the TUI stays closed (as with --no-tui)');
  return runLive(io, tui);
}

/** The lab, the daemon and (with `tui`) the TUI in the foreground; everything goes when it quits. */
async function runLive(io: CliIo, tui: boolean): Promise<number> {
  const { startDemoLab, demoFacts } = await import('../demo/lab.ts');
  const { demoSummary } = await import('../demo/summary.ts');
  let demo;
  try {
    demo = await startDemoLab({ config: demoConfig(), progress: (line) => io.out(`v6edge demo: ${line}`) });
  } catch (e) {
    io.err(`v6edge demo: the lab did not come up: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT_REFUSED;
  }
  try {
    io.out(demoSummary(demoFacts(demo, tui)));
    if (tui) {
      const { runTuiCommand } = await import('../../tui/main.ts');
      await runTuiCommand(['--socket', demo.socketPath]);
      return EXIT_OK;
    }
    // Until a signal (handled by the lab) or the daemon ending on its own.
    const exit = await demo.daemon.exited;
    // Its log goes with the lab, so show its end now.
    io.err(`v6edge demo: the daemon stopped (${JSON.stringify(exit)}); its last lines:\n${demo.daemon.output().slice(-1500)}`);
    return EXIT_REFUSED;
  } finally {
    await demo.stop();
    io.out('v6edge demo: daemon stopped, lab torn down');
  }
}

async function dryRun(io: CliIo): Promise<number> {
  const config = demoConfig();
  const ipam = allocateForConfig([], config, Date.now());
  if (!ipam.ok) {
    io.err(`v6edge demo: ${describe(ipam.error)}`);
    return EXIT_REFUSED;
  }
  const out: string[] = [
    'v6edge demo — dry run of the embedded demo configuration (nothing on this machine is changed).',
    `Interfaces: ${Object.entries(config.interfaces).map(([n, i]) => `${n} (${i.role})`).join(', ')}`,
    '',
    'Prefixes allocated by IPAM:',
    ...ipam.value.state.map((a) => `  ${a.pool.padEnd(12)} ${a.owner.padEnd(16)} ${a.prefix}`),
    ...ipam.value.problems.map((p) => `  ! ${describe(p)}`),
    '',
    'Kernel changes the apply loop would make (planned against an in-memory kernel):',
  ];
  const plan = await planOnce(config, combineBackends([fakeKernelFor(config)]), {
    allocations: ipam.value.state,
    leaseRoutes: leaseRoutesOf([], Date.now()),
  });
  out.push(...plan.trimEnd().split('\n').map((l) => `  ${l}`), '', 'Router Advertisements:');
  for (const name of Object.keys(config.interfaces)) out.push(...describeRa(name, config));
  io.out(out.join('\n'));
  return EXIT_OK;
}
