// Control-API latency with 100,000 leases in the store: GET /v1/status, the first page of
// GET /v1/leases and a leases page with `search`, idle and while the DHCPv6 path renews 500
// leases a second, beside the floor of the transport (a trivial node:http server on a Unix
// socket answering the same bytes). One request in flight at a time, from this process; the
// daemon (test/bench/api-daemon.ts: fake kernel, no packet services, temp store and socket) runs in a
// child process, and the churn runs inside it through the store's LeaseWriter, as the DHCPv6
// server's writes do. The daemon restarted on the same store, profiled, says where the time
// goes (a V8 CPU profile of one window). Writes test/bench/results/api.md.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { HttpApiClient } from '../../src/api/client.ts';
import type { LeasePage, StatusDto } from '../../src/api/types.ts';
import { duidOf, LEASES, SEED_BATCH, type Breakdown, type FromChild, type PhaseStats, type ToDaemon } from './api-daemon.ts';
import { hotFunctions, type HotFunction } from './support/cpuprofile.ts';
import { machine } from './support/proc.ts';
import { distribution, fmt, ratio, table, type Distribution } from './support/stats.ts';

const CHILD = fileURLToPath(new URL('./api-daemon.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CHURN_PER_S = 500;
/** Seconds of sampling per request kind and condition; the three add up to the 20 s of churn. */
const SECONDS = { status: 6, page: 7, search: 7 } as const;
const FLOOR_SECONDS = 3;
const PROFILE_SECONDS = 6;
const MAX_SAMPLES = 20_000;
/** The tail of one DUID in the middle of the table: the search matches exactly one lease. */
const NEEDLE = duidOf(54_321).slice(-8);

const PATHS = {
  status: '/v1/status',
  page: '/v1/leases?limit=100',
  search: `/v1/leases?search=${NEEDLE}&limit=100`,
} as const;
type Kind = keyof typeof PATHS;
const KINDS: readonly Kind[] = ['status', 'page', 'search'];
const LABEL: Record<Kind, string> = {
  status: 'GET /v1/status',
  page: 'GET /v1/leases, first page of 100',
  search: 'GET /v1/leases?search= (1 match)',
};
type Condition = 'floor' | 'idle' | 'churn';
const CONDITION: Record<Condition, string> = {
  floor: 'floor: trivial node:http',
  idle: 'daemon, idle',
  churn: `daemon, ${CHURN_PER_S} renewals/s`,
};

interface Child {
  readonly proc: ChildProcess;
  readonly ready: Extract<FromChild, { type: 'ready' }>;
  ask<T extends FromChild['type']>(message: ToDaemon, reply: T): Promise<Extract<FromChild, { type: T }>>;
  exit(): Promise<void>;
}

function nextMessage<T extends FromChild['type']>(proc: ChildProcess, type: T): Promise<Extract<FromChild, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: FromChild): void => {
      if (m.type !== type) return;
      proc.off('message', onMessage);
      proc.off('exit', onExit);
      resolve(m as Extract<FromChild, { type: T }>);
    };
    const onExit = (code: number | null): void => reject(new Error(`the bench child exited (${code}) before sending ${type}`));
    proc.on('message', onMessage);
    proc.once('exit', onExit);
  });
}

async function forkChild(args: string[], execArgv: string[] = []): Promise<Child> {
  const proc = fork(CHILD, args, { execArgv: ['--disable-warning=ExperimentalWarning', ...execArgv], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await nextMessage(proc, 'ready');
  return {
    proc,
    ready,
    ask(message, reply) {
      const answer = nextMessage(proc, reply);
      proc.send(message);
      return answer;
    },
    exit: () =>
      new Promise((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.send({ type: 'exit' } satisfies ToDaemon);
      }),
  };
}

/** Latencies (ms) of sequential requests for `seconds`; every answer is checked. */
async function sample(client: HttpApiClient, kind: Kind, seconds: number): Promise<number[]> {
  const out: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end && out.length < MAX_SAMPLES) {
    const t0 = performance.now();
    const body = await client.call('GET', PATHS[kind]);
    out.push(performance.now() - t0);
    check(kind, body);
  }
  return out;
}

/** An answer that is not what the request asks for would make every figure meaningless. */
function check(kind: Kind, body: unknown): void {
  if (kind === 'status') {
    if ((body as StatusDto).runningRevision !== 1) throw new Error(`status without the running revision: ${JSON.stringify(body).slice(0, 200)}`);
    return;
  }
  const page = body as LeasePage;
  const want = kind === 'page' ? { rows: 100, total: LEASES } : { rows: 1, total: 1 };
  if (page.leases.length !== want.rows || page.total !== want.total) {
    throw new Error(`${PATHS[kind]}: ${page.leases.length} rows of ${page.total}, expected ${want.rows} of ${want.total}`);
  }
}

interface Measured {
  readonly latency: Record<Kind, Distribution>;
  /** The daemon's own view of each phase; absent for the floor. */
  readonly phases?: Record<Kind, PhaseStats>;
}

/** Each kind of request in turn, each in its own phase of the daemon (churning or not). */
async function measure(client: HttpApiClient, seconds: Record<Kind, number>, daemon?: Child, churnPerS = 0): Promise<Measured> {
  const latency = {} as Record<Kind, Distribution>;
  const phases = {} as Record<Kind, PhaseStats>;
  for (const kind of KINDS) {
    daemon?.proc.send({ type: 'phase', churnPerS } satisfies ToDaemon);
    latency[kind] = distribution(await sample(client, kind, seconds[kind]));
    if (daemon !== undefined) phases[kind] = (await daemon.ask({ type: 'end-phase' }, 'phase-stats')).stats;
  }
  return daemon === undefined ? { latency } : { latency, phases };
}

interface Results {
  readonly seededMs: number;
  readonly restartMs: number;
  readonly idle: Measured;
  readonly churn: Measured;
  readonly floor: Measured;
  readonly bytes: Record<Kind, number>;
  readonly breakdown: Breakdown;
  readonly hot: HotFunction[];
  readonly totalS: number;
  /** 1-minute load average when the run began. */
  readonly load: string;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const load = loadavg()[0]!.toFixed(1);
  const dir = mkdtempSync(join(tmpdir(), 'v6edge-apibench-'));
  try {
    // 1. The daemon on a fresh store, seeded with the leases; idle, then under churn.
    const daemon = await forkChild(['daemon', dir]);
    if (daemon.ready.leases !== LEASES) throw new Error(`the store holds ${daemon.ready.leases} leases, not ${LEASES}`);
    console.log(`seeded ${LEASES} leases in ${(daemon.ready.seededMs / 1000).toFixed(1)} s`);
    const client = new HttpApiClient({ socketPath: join(dir, 'api.sock'), user: 'bench' });
    // Warm-up (JIT, statement cache, keep-alive connection), and the bodies the floor will send.
    const bodies: Record<string, string> = {};
    const bytes = {} as Record<Kind, number>;
    for (const kind of KINDS) {
      await sample(client, kind, 1);
      const text = `${JSON.stringify(await client.call('GET', PATHS[kind]))}\n`;
      bodies[PATHS[kind]] = text;
      bytes[kind] = Buffer.byteLength(text);
    }
    const idle = await measure(client, SECONDS, daemon);
    console.log('idle done');
    const churn = await measure(client, SECONDS, daemon, CHURN_PER_S);
    console.log('churn done');
    const { breakdown } = await daemon.ask({ type: 'breakdown', search: NEEDLE }, 'breakdown');
    await daemon.exit();

    // 2. The floor: the same bytes from a server that does nothing else.
    const bodiesFile = join(dir, 'floor-bodies.json');
    writeFileSync(bodiesFile, JSON.stringify(bodies));
    const floorChild = await forkChild(['floor', join(dir, 'floor.sock'), bodiesFile]);
    const floorClient = new HttpApiClient({ socketPath: join(dir, 'floor.sock'), user: 'bench' });
    for (const kind of KINDS) await sample(floorClient, kind, 0.5);
    const floor = await measure(floorClient, { status: FLOOR_SECONDS, page: FLOOR_SECONDS, search: FLOOR_SECONDS });
    await floorChild.exit();
    console.log('floor done');

    // 3. A restart on the same store (what boot costs with the leases), then one profiled
    //    window of the restarted daemon under the same churn and requests.
    const restarted = await forkChild(['daemon', dir]);
    restarted.proc.send({ type: 'profile-start' } satisfies ToDaemon);
    const third = PROFILE_SECONDS / 3;
    await measure(client, { status: third, page: third, search: third }, restarted, CHURN_PER_S);
    const { profile } = await restarted.ask({ type: 'profile-stop' }, 'profile');
    await restarted.exit();
    const hot = hotFunctions(profile, ROOT, 8);

    const md = report({
      seededMs: daemon.ready.seededMs,
      restartMs: restarted.ready.startMs,
      idle,
      churn,
      floor,
      bytes,
      breakdown,
      hot,
      totalS: (performance.now() - t0) / 1000,
      load,
    });
    writeFileSync(new URL('results/api.md', import.meta.url), md);
    console.log(md);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ms = (x: number): string => fmt(x, x < 10 ? 2 : x < 100 ? 1 : 0);

function latencyTable(r: Results): string {
  const rows = KINDS.flatMap((kind) =>
    (['floor', 'idle', 'churn'] as const).map((cond) => {
      const d = r[cond].latency[kind];
      return [LABEL[kind], CONDITION[cond], String(d.count), ms(d.p50), ms(d.p90), ms(d.p99), ms(d.max)];
    }),
  );
  return table(['Request', 'Server', 'samples', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'], rows);
}

function ratioTable(r: Results): string {
  const rows = KINDS.map((kind) => {
    const [f, i, c] = [r.floor.latency[kind], r.idle.latency[kind], r.churn.latency[kind]];
    return [LABEL[kind], ratio(i.p50, f.p50), ratio(i.p99, f.p99), ratio(c.p50, f.p50), ratio(c.p99, f.p99), ratio(c.p99, i.p99)];
  });
  return table(['Request', 'idle/floor p50', 'idle/floor p99', 'churn/floor p50', 'churn/floor p99', 'churn/idle p99'], rows);
}

function daemonTable(r: Results): string {
  const rows = (['idle', 'churn'] as const).flatMap((cond) =>
    KINDS.map((kind) => {
      const p = r[cond].phases?.[kind];
      const c = p?.churn;
      return [
        LABEL[kind],
        CONDITION[cond],
        ms(p?.loop.p99 ?? NaN),
        ms(p?.loop.max ?? NaN),
        c === undefined ? '—' : `${(c.written / c.seconds).toFixed(0)}/s in ${c.transactions} tx`,
        ms(c?.delay.p50 ?? NaN),
        ms(c?.delay.p99 ?? NaN),
        ms(c?.delay.max ?? NaN),
      ];
    }),
  );
  return table(['While answering', 'Daemon', 'loop delay p99 ms', 'loop delay max ms', 'renewals', 'renewal on disk p50 ms', 'p99 ms', 'max ms'], rows);
}

/** Self-time share of the profile's functions that read the whole lease table. */
function tableReadShare(hot: readonly HotFunction[]): number {
  return hot.filter((h) => /^(all$|allLeases |recordOf \(src\/store\/leases|list \(src\/store\/leases)/.test(h.where)).reduce((s, h) => s + h.selfPercent, 0);
}

/** What the figures say; each sentence carries the figure it rests on. */
function reading(r: Results): string {
  const b = r.breakdown;
  const [f, i, c] = [r.floor.latency.status, r.idle.latency.status, r.churn.latency.status];
  const statusChurn = r.churn.phases?.status.churn;
  const pageChurn = r.churn.phases?.page.churn;
  const lines = [
    `- **Status** costs ${ratio(i.p50, f.p50)} the floor at p50 when idle (${ms(i.p50)} against ${ms(f.p50)} ms). Under churn its p99 is ` +
      `${ms(c.p99)} ms (${ratio(c.p99, i.p99)} idle): the LeaseWriter commits each batch with synchronous=FULL on the event loop ` +
      `(one durable transaction: p50 ${ms(b.fsync.p50)}, p99 ${ms(b.fsync.p99)} ms; ${statusChurn?.transactions ?? '—'} of them in that phase), ` +
      'and a request that arrives during a commit waits for it.',
    `- **Lease pages** are one keyset query in key order with the filters in SQL, and a COUNT for the total that is remembered ` +
      `until the store changes (${ms(b.leasePageMs)} ms in-process for a page, against ${ms(b.allLeasesMs)} ms to read every row). ` +
      `Under churn every renewal changes the store, so each page counts again. A \`search\` is a LIKE over the table, ` +
      `${ms(b.searchMs)} ms in-process when one lease matches (the page and the total come from the same scan). ` +
      `${tableReadShare(r.hot).toFixed(0)}% of the profiled self time is node:sqlite's \`all\`, \`recordOf\`, \`LeaseStore.list\` and \`allLeases\`; ` +
      `the floor sends a page's bytes in ${ms(r.floor.latency.page.p50)} ms.`,
    `- **While pages are served** the event loop is held for each read, and the DHCPv6 path waits with it: renewals due then reached the disk ` +
      `p50 ${ms(pageChurn?.delay.p50 ?? NaN)}, max ${ms(pageChurn?.delay.max ?? NaN)} ms late (${ms(statusChurn?.delay.p50 ?? NaN)} ms while only ` +
      'status was asked). In the daemon that is how late Replies leave; RFC 8415 §7.6 has a client retransmit a Solicit or Request ' +
      'after about 1 s (SOL_TIMEOUT, REQ_TIMEOUT).',
  ];
  lines.push(
    `- **The reconcile facts** (\`storeFacts\`, read on every pass and at start-up) cost ${ms(b.factsMs)} ms: range scans of the partial ` +
      'index `leases_active_by_kind` for active delegations and for active addresses inside kernel NDP-proxy prefixes, not a read of ' +
      `every active lease. The restart on this store took ${ms(r.restartMs)} ms.`,
  );
  if (b.activeLeasesMs > 5 * b.allLeasesMs) {
    lines.push(
      `- **Reading only the active leases is ${ratio(b.activeLeasesMs, b.allLeasesMs)} slower than reading them all** ` +
        `(${ms(b.activeLeasesMs)} ms). With \`state = ?\` SQLite serves each 1,000-row page from the \`leases_by_expiry\` index and sorts ` +
        'the active leases past the cursor into a temporary B-tree to restore key order, once per page, so the read grows with the square of the ' +
        'table. `storeFacts` does this read on every reconcile pass (and each delegated-prefix lease event asks for a pass), and at ' +
        `start-up: the restart on this store took ${ms(r.restartMs)} ms.`,
    );
  }
  return lines.join('\n');
}

function report(r: Results): string {
  const b = r.breakdown;
  const hot = r.hot.map((h) => [`\`${h.where}\``, h.selfPercent.toFixed(1)]);
  return `## API: latency with 100,000 leases, idle and under lease churn

Command: \`npm run bench api\` (runs \`node test/bench/api.bench.ts\`; no root needed). ${machine()}.
The daemon (test/bench/api-daemon.ts) runs in a child process on a temp store (node:sqlite, WAL,
synchronous=FULL) and Unix socket, fake kernel, no packet services, ${LEASES.toLocaleString('en')} active IA_NA leases
(seeded in ${(r.seededMs / 1000).toFixed(1)} s in batches of ${SEED_BATCH.toLocaleString('en')}). Client: \`HttpApiClient\` in the parent
process, one request in flight, keep-alive. Churn: inside the daemon, random leases renewed through the
store's \`LeaseWriter\` (the DHCPv6 server's durable path) at ${CHURN_PER_S}/s for ${SECONDS.status + SECONDS.page + SECONDS.search} s while the requests run.
The floor answers the same bytes (${r.bytes.status} B status, ${r.bytes.page.toLocaleString('en')} B page, ${r.bytes.search} B search) from a
node:http server that does nothing else. Whole run ${r.totalS.toFixed(0)} s; load average ${r.load} at the start (other
work shares the cores, so tails and even the floor's own max are noisy: read p50s and ratios). A lease page takes
long enough that its phases hold few samples, and there p99 is the max.

${latencyTable(r)}

${ratioTable(r)}

What the daemon saw in each phase (event-loop delay; when each renewal was due → on disk):

${daemonTable(r)}

In-process cost of the steps behind the answers (no HTTP, one call each, ${LEASES.toLocaleString('en')} leases):

${table(['Step', 'ms'], [
    ['`Views.leases` first page of 100 (`GET /v1/leases`)', ms(b.leasePageMs)],
    ['`Views.leases` with `search` (`GET /v1/leases?search=`)', ms(b.searchMs)],
    ['`allLeases(store)`: every row, 100 keyset pages of 1,000', ms(b.allLeasesMs)],
    ["`allLeases(store, 'active')`: every active lease, keyset pages by state", ms(b.activeLeasesMs)],
    ['`storeFacts(store)`: what every reconcile pass reads', ms(b.factsMs)],
    ['`Views.status` (`GET /v1/status`)', ms(b.statusMs)],
    [`one durable single-lease transaction, p50 / p99 of ${b.fsync.count}`, `${ms(b.fsync.p50)} / ${ms(b.fsync.p99)}`],
    ['daemon restart on this store (`Daemon.start` to listening)', ms(r.restartMs)],
  ])}

Where the daemon's CPU went (V8 CPU profile of the restarted daemon over ${PROFILE_SECONDS} s of the same churn and requests,
self time; what \`node --cpu-prof\` records, taken through node:inspector so start-up stays out of it):

${table(['Function', 'self %'], hot)}

What dominates:

${reading(r)}
`;
}

await main();
process.exit(0);
