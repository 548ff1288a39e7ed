// The server side of the API benchmark (test/bench/api.bench.ts forks it), driven over IPC:
//   node api-daemon.ts daemon DIR           a v6edge daemon on DIR/state.db and DIR/api.sock,
//                                           fake kernel, no packet services, 100,000 leases
//   node api-daemon.ts floor SOCKET BODIES  a trivial node:http server answering fixed JSON
// The daemon measures what only its own process can see: event-loop delay per phase, how late
// the churned renewals reach the disk, and the in-process cost of the steps behind a request.
import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { FakeKernel } from '../../src/backends/fake/kernel.ts';
import { combineBackends } from '../../src/backends/types.ts';
import { demoConfig } from '../../src/config/defaults.ts';
import { Daemon } from '../../src/daemon/daemon.ts';
import { Logger } from '../../src/daemon/logs.ts';
import type { Refusal } from '../../src/daemon/refusal.ts';
import { allLeases, storeFacts } from '../../src/daemon/runtime.ts';
import { unwrap, type Result } from '../../src/lib/result.ts';
import { formatAddress, parseAddress } from '../../src/net/address.ts';
import type { LeaseRecord } from '../../src/store/records.ts';
import type { CpuProfile } from './support/cpuprofile.ts';
import { distribution, type Distribution } from './support/stats.ts';

export const LEASES = 100_000;
export const SEED_BATCH = 10_000;
/** Single-lease transactions timed for the fsync figure. */
const FSYNC_SAMPLES = 50;

export type ToDaemon =
  | { readonly type: 'phase'; readonly churnPerS: number }
  | { readonly type: 'end-phase' }
  | { readonly type: 'breakdown'; readonly search: string }
  | { readonly type: 'profile-start' }
  | { readonly type: 'profile-stop' }
  | { readonly type: 'exit' };

export interface ChurnStats {
  readonly written: number;
  readonly transactions: number;
  readonly seconds: number;
  /** Milliseconds from when each renewal was due to when it was on disk. */
  readonly delay: Distribution;
}

export interface PhaseStats {
  /** Event-loop delay in ms (perf_hooks histogram, 10 ms resolution). */
  readonly loop: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly churn?: ChurnStats;
}

/** In-process milliseconds of the steps behind the answers, no HTTP. */
export interface Breakdown {
  readonly leasePageMs: number;
  readonly searchMs: number;
  readonly allLeasesMs: number;
  /** Every active lease, keyset pages by state. */
  readonly activeLeasesMs: number;
  /** What every reconcile pass reads for its facts (`storeFacts`). */
  readonly factsMs: number;
  readonly statusMs: number;
  /** One durable single-lease transaction (synchronous=FULL), held on the event loop. */
  readonly fsync: Distribution;
}

export type FromChild =
  | { readonly type: 'ready'; readonly startMs: number; readonly seededMs: number; readonly leases: number }
  | { readonly type: 'phase-stats'; readonly stats: PhaseStats }
  | { readonly type: 'breakdown'; readonly breakdown: Breakdown }
  | { readonly type: 'profile'; readonly profile: CpuProfile };

export function duidOf(i: number): string {
  // DUID-LL (RFC 8415 §11.4): type 3, hardware type 1, a 6-octet MAC unique per lease.
  return `00030001${(0x020000000000 + i).toString(16).padStart(12, '0')}`;
}

export function leaseOf(i: number, now: number): LeaseRecord {
  const n = 0x10000 + i;
  return {
    iface: 'lan1',
    duid: duidOf(i),
    iaid: 1,
    kind: 'na',
    // Canonical RFC 5952 text: 2001:db8:2::HI:LO with HI ≥ 1 and LO without leading zeros.
    lease: `2001:db8:2::${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`,
    preferredLifetime: 3600,
    validLifetime: 7200,
    expiresAt: now + 7_200_000,
    state: 'active',
  };
}

/** The store keeps canonical text only; a lease written otherwise would never match a search. */
function canonical(text: string): void {
  const again = formatAddress(unwrap(parseAddress(text)));
  if (again !== text) throw new Error(`lease text ${text} is not canonical (RFC 5952: ${again})`);
}

function send(m: FromChild): void {
  process.send!(m);
}

function accepted<T>(r: Result<T, Refusal>): T {
  if (r.ok) return r.value;
  throw new Error(`the daemon refused (${r.error.status}): ${r.error.body.error.message}`);
}

function timed(f: () => unknown): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

async function runDaemon(dir: string): Promise<void> {
  const t0 = performance.now();
  const daemon = unwrap(
    await Daemon.start({
      storePath: join(dir, 'state.db'),
      socketPath: join(dir, 'api.sock'),
      backend: combineBackends([new FakeKernel(['wan0', 'lan0', 'lan1', 'hosts0'].map((name) => ({ name, kind: 'veth' as const, mtu: 1500, up: true })))]),
      services: {},
      log: new Logger({ write: () => undefined }),
      reconcile: { resyncMs: 0 },
      socketGroup: 'v6edge-bench-no-such-group',
    }),
  );
  const startMs = performance.now() - t0;
  let seededMs = 0;
  if (daemon.store.running() === undefined) {
    accepted(daemon.ops.putCandidate(JSON.parse(JSON.stringify(demoConfig()))));
    accepted(await daemon.ops.commit({ comment: 'api bench' }, 'bench'));
    const s0 = performance.now();
    const now = Date.now();
    for (let i = 0; i < LEASES; i += SEED_BATCH) {
      const batch = Array.from({ length: Math.min(SEED_BATCH, LEASES - i) }, (_, k) => leaseOf(i + k, now));
      for (const l of batch) canonical(l.lease);
      for (const r of unwrap(daemon.store.leases.upsertBatch(batch))) unwrap(r);
    }
    seededMs = performance.now() - s0;
  }
  let phase: { end: () => PhaseStats } | undefined;
  // The profiler runs only around the measured window, not over start-up and seeding.
  const profiler = new Session();
  profiler.connect();
  process.on('message', (m: ToDaemon) => {
    if (m.type === 'phase') phase = startPhase(daemon, m.churnPerS);
    if (m.type === 'end-phase' && phase !== undefined) {
      send({ type: 'phase-stats', stats: phase.end() });
      phase = undefined;
    }
    if (m.type === 'breakdown') send({ type: 'breakdown', breakdown: breakdown(daemon, m.search) });
    if (m.type === 'profile-start') void profiler.post('Profiler.enable').then(() => profiler.post('Profiler.start'));
    if (m.type === 'profile-stop') void profiler.post('Profiler.stop').then((r) => send({ type: 'profile', profile: r.profile as CpuProfile }));
    if (m.type === 'exit') void daemon.stop('bench done').then(() => process.exit(0));
  });
  send({ type: 'ready', startMs, seededMs, leases: daemon.views.leases({ limit: 1 }).total });
}

/**
 * Watches the event loop and, when `churnPerS` > 0, renews random leases at that rate through
 * the LeaseWriter. Each tick catches up to the schedule, so a loop held up by a request shows as
 * renewals written late (and in one larger transaction), as datagrams queue in the real server.
 */
function startPhase(daemon: Daemon, churnPerS: number): { end: () => PhaseStats } {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const start = performance.now();
  const delays: number[] = [];
  const tx0 = daemon.store.leaseWriter.stats.transactions;
  let written = 0;
  let seed = 0x2545f491;
  const nextIndex = (): number => {
    // xorshift32: the same renewal sequence every run.
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % LEASES;
  };
  const timer =
    churnPerS <= 0
      ? undefined
      : setInterval(() => {
          const due = Math.floor(((performance.now() - start) / 1000) * churnPerS);
          for (; written < due; written++) {
            const dueAt = start + (written * 1000) / churnPerS;
            void daemon.store.leaseWriter.write(leaseOf(nextIndex(), Date.now())).then((r) => {
              unwrap(r);
              delays.push(performance.now() - dueAt);
            });
          }
        }, 5);
  return {
    end: () => {
      clearInterval(timer);
      daemon.store.leaseWriter.flush();
      loop.disable();
      const ms = (ns: number): number => ns / 1e6;
      const stats: PhaseStats = { loop: { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) } };
      if (timer === undefined) return stats;
      const churn = { written, transactions: daemon.store.leaseWriter.stats.transactions - tx0, seconds: (performance.now() - start) / 1000, delay: distribution(delays) };
      return { ...stats, churn };
    },
  };
}

function breakdown(daemon: Daemon, search: string): Breakdown {
  const now = Date.now();
  const fsync = Array.from({ length: FSYNC_SAMPLES }, (_, i) => timed(() => unwrap(daemon.store.leases.upsert(leaseOf(i, now)))));
  return {
    leasePageMs: timed(() => daemon.views.leases({ limit: 100 })),
    searchMs: timed(() => daemon.views.leases({ search, limit: 100 })),
    allLeasesMs: timed(() => allLeases(daemon.store)),
    activeLeasesMs: timed(() => allLeases(daemon.store, 'active')),
    factsMs: timed(() => storeFacts(daemon.store, Date.now)),
    statusMs: timed(() => daemon.views.status()),
    fsync: distribution(fsync),
  };
}

function runFloor(socketPath: string, bodiesFile: string): void {
  const bodies = JSON.parse(readFileSync(bodiesFile, 'utf8')) as Record<string, string>;
  const server = createServer((req, res) => {
    const text = bodies[req.url ?? ''] ?? '{}\n';
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  });
  server.listen(socketPath, () => send({ type: 'ready', startMs: 0, seededMs: 0, leases: 0 }));
  process.on('message', (m: ToDaemon) => {
    if (m.type === 'exit') server.close(() => process.exit(0));
  });
}

// Only as a forked child: importing this file for its types and helpers starts nothing.
if (process.send !== undefined && import.meta.filename === process.argv[1]) {
  // A benchmark that failed part-way leaves no server behind: the IPC channel closing ends us.
  process.once('disconnect', () => process.exit(1));
  const [mode, a, b] = process.argv.slice(2);
  if (mode === 'daemon' && a !== undefined) await runDaemon(a);
  else if (mode === 'floor' && a !== undefined && b !== undefined) runFloor(a, b);
  else throw new Error('usage: api-daemon.ts daemon DIR | floor SOCKET BODIES');
}
