// `npm start` as an operator waits for it: from launching `v6edge demo` in a terminal (tmux,
// 100×30) to the first TUI frame with the lab up — the Overview showing revision 1 running and
// the reconcile pass converged — plus how long `q` takes to stop the daemon and tear the lab
// down. The anchor, in the same run, is the TUI alone (`v6edge tui` on a socket nobody serves)
// to its first frame: what the lab, the daemon and the LAN clients add on top. Needs root.
// Writes test/bench/results/demo.md.
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { labSkipReason } from '../lab/index.ts';
import { TmuxSession } from '../demo/tmux.ts';

const RUNS = 3;
const BIN = new URL('../../src/bin/v6edge.js', import.meta.url).pathname;
const NODE = `${process.execPath} --disable-warning=ExperimentalWarning`;

interface Sample {
  readonly firstFrameMs: number;
  readonly upMs: number;
  readonly quitMs: number;
}

async function demoOnce(i: number): Promise<Sample> {
  const t0 = performance.now();
  const tmux = new TmuxSession(`v6t-demo-bench-${process.pid}-${i}`, `exec ${NODE} ${BIN} demo`, { columns: 100, rows: 30 });
  try {
    await tmux.waitFor((s) => s.includes('v6edge · Overview'), 'the first TUI frame', 60_000);
    const firstFrameMs = performance.now() - t0;
    await tmux.waitFor((s) => /Overview · rev 1/.test(s) && s.includes('reconcile ok'), 'revision 1 running and reconcile ok', 30_000);
    const upMs = performance.now() - t0;
    const q0 = performance.now();
    tmux.keys('q');
    await tmux.waitForExit(30_000);
    return { firstFrameMs, upMs, quitMs: performance.now() - q0 };
  } finally {
    tmux.kill();
  }
}

async function tuiAlone(i: number): Promise<number> {
  const t0 = performance.now();
  const tmux = new TmuxSession(`v6t-tui-bench-${process.pid}-${i}`, `exec ${NODE} ${BIN} tui --socket /nonexistent/v6edge-bench.sock`, { columns: 100, rows: 30 });
  try {
    await tmux.waitFor((s) => s.includes('v6edge · Overview'), 'the TUI on an unserved socket', 30_000);
    return performance.now() - t0;
  } finally {
    tmux.kill();
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

const fmt = (ms: number): string => (ms / 1000).toFixed(2);

const why = labSkipReason();
if (why !== undefined) {
  console.error(`bench demo: ${why}`);
  process.exit(1);
}
const samples: Sample[] = [];
const anchors: number[] = [];
for (let i = 0; i < RUNS; i++) {
  anchors.push(await tuiAlone(i));
  samples.push(await demoOnce(i));
}
const row = (name: string, xs: readonly number[]): string => `| ${name} | ${fmt(median(xs))} | ${fmt(Math.min(...xs))} | ${fmt(Math.max(...xs))} | ${xs.length} |`;
const md = `## Demo: \`npm start\` to the first TUI frame

Command: \`npm run bench demo\` (runs \`node test/bench/demo.bench.ts\`) as root. \`v6edge demo\` in a
detached tmux session (100×30), polled with \`capture-pane\` every 50 ms, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}.
The demo builds 7 namespaces, commits the demo config to a fresh store, starts the daemon under
\`ip netns exec\`, waits for the API and a converged first reconcile pass, addresses the
containers, and waits for the SLAAC host and dhclient's DHCPv6 lease before the TUI opens.
Anchor: the TUI alone (\`v6edge tui\` on a socket nobody serves) to its first frame.

| Measure (s) | median | min | max | runs |
|---|---|---|---|---|
${row('Start → first TUI frame, lab up (Overview)', samples.map((s) => s.firstFrameMs))}
${row('Start → Overview shows rev 1 and reconcile ok', samples.map((s) => s.upMs))}
${row('q → daemon stopped, lab torn down, process exited', samples.map((s) => s.quitMs))}
${row('Anchor: TUI alone → first frame', anchors)}
`;
writeFileSync(new URL('results/demo.md', import.meta.url), md);
console.log(md);
