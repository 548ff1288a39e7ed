// NDP proxy: NS→NA latency (p50/p99) and the highest sustained answered rate, for v6edge's
// static and auto rules beside ndppd (static, auto) and the kernel's proxy_ndp, in one run on the
// OPNFV topology of test/services/ndproxy/lab.ts. The load runs in its own process
// (bench/ndproxy-client.ts) in the upstream namespace. Writes bench/results/ndproxy.md.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { run, withLab, type Lab } from '../test/lab/index.ts';
import { CONTAINER, PREFIX, SPEC, linkLocalsReady, rules } from '../test/services/ndproxy/lab.ts';
import { NdProxy } from '../src/services/ndproxy/index.ts';

const CLIENT = fileURLToPath(new URL('./ndproxy-client.ts', import.meta.url));
const LATENCY_COUNT = 1000;
const RATES = [1000, 2000, 5000, 10000, 20000];
const RATE_SECONDS = 2;
/** Answered share a rate must reach to count as sustained. */
const SUSTAINED = 0.99;

interface Row {
  readonly name: string;
  readonly p50us: number;
  readonly p99us: number;
  readonly lost: number;
  readonly sustained: number;
}

async function client(lab: Lab, args: string[]): Promise<Record<string, number>> {
  const { stdout } = await run([process.execPath, '--disable-warning=ExperimentalWarning', CLIENT, lab.ns('up'), 'up0', ...args], { timeoutMs: 120_000 });
  return JSON.parse(stdout) as Record<string, number>;
}

async function measure(lab: Lab, name: string): Promise<Row> {
  await client(lab, ['latency', CONTAINER, '5']); // warm-up: auto modes probe once here
  const lat = await client(lab, ['latency', CONTAINER, String(LATENCY_COUNT)]);
  let sustained = 0;
  for (const rate of RATES) {
    const r = await client(lab, ['rate', CONTAINER, String(rate), String(RATE_SECONDS)]);
    if ((r['answered'] ?? 0) < (r['sent'] ?? 1) * SUSTAINED) break;
    sustained = rate;
  }
  const row = { name, p50us: lat['p50us'] ?? NaN, p99us: lat['p99us'] ?? NaN, lost: lat['lost'] ?? 0, sustained };
  console.log(JSON.stringify(row));
  return row;
}

async function ours(lab: Lab, mode: 'static' | 'auto'): Promise<Row> {
  // The per-source limit would cap a single load source; it is off for a throughput figure.
  const proxy = await NdProxy.start({ config: rules(mode), netns: lab.ns('router'), limits: { perSource: { rate: 1e9, burst: 1e9 } } });
  try {
    await lab.waitFor(() => (proxy.status().listening.includes('wan0') ? true : undefined), { timeoutMs: 5000, what: 'v6edge listening' });
    return await measure(lab, `v6edge ${mode}`);
  } finally {
    await proxy.stop();
  }
}

async function ndppd(lab: Lab, mode: 'static' | 'auto'): Promise<Row> {
  const conf = lab.file(`ndppd-${mode}.conf`, `proxy wan0 {\n  rule ${PREFIX} {\n    ${mode}\n  }\n}\n`);
  const peer = lab.spawn('router', ['ndppd', '-c', conf], { name: `ndppd-${mode}` });
  try {
    await peer.waitForOutput(/Initializing|Started|interface/i).catch(() => undefined);
    return await measure(lab, `ndppd ${mode}`);
  } finally {
    await peer.stop();
  }
}

async function kernel(lab: Lab): Promise<Row> {
  // proxy_delay 0: by default the kernel waits a random 0–0.8 s before answering multicast NS.
  await lab.exec('router', ['sysctl', '-qw', 'net.ipv6.conf.wan0.proxy_ndp=1', 'net.ipv6.neigh.wan0.proxy_delay=0']);
  await lab.exec('router', ['ip', '-6', 'neigh', 'add', 'proxy', CONTAINER, 'dev', 'wan0']);
  try {
    return await measure(lab, 'kernel proxy_ndp (exact address)');
  } finally {
    await lab.exec('router', ['ip', '-6', 'neigh', 'del', 'proxy', CONTAINER, 'dev', 'wan0'], { check: false });
    await lab.exec('router', ['sysctl', '-qw', 'net.ipv6.conf.wan0.proxy_ndp=0'], { check: false });
  }
}

const rows = await withLab(SPEC, async (lab) => {
  await linkLocalsReady(lab);
  return [await ours(lab, 'static'), await ours(lab, 'auto'), await ndppd(lab, 'static'), await ndppd(lab, 'auto'), await kernel(lab)];
});

const us = (n: number) => (Number.isFinite(n) ? `${Math.round(n)} µs` : 'n/a');
const table = rows.map((r) => `| ${r.name} | ${us(r.p50us)} | ${us(r.p99us)} | ${r.lost} | ${r.sustained > 0 ? `${r.sustained}/s` : `< ${RATES[0]}/s`} |`).join('\n');
writeFileSync(
  new URL('./results/ndproxy.md', import.meta.url),
  `## NDP proxy (ndproxy)

Command: \`npm run bench ndproxy\` (node bench/ndproxy.bench.ts), as root. Topology: upstream host ↔ router ↔
container segment (OPNFV IPv6-only containers). A separate process in the upstream namespace sends
NS for ${CONTAINER} through a packet socket and times the NA; ${LATENCY_COUNT} sequential exchanges for
latency, then ${RATES.join(', ')} NS/s for ${RATE_SECONDS} s each; "sustained" is the highest rate with
≥ ${SUSTAINED * 100}% answered (steps stop at the first miss). v6edge runs with its per-source limit off;
the kernel with proxy_delay 0. Auto modes are measured with the container's entry cached.

| proxy | p50 | p99 | lost of ${LATENCY_COUNT} | sustained |
|---|---|---|---|---|
${table}
`,
);
