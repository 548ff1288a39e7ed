// `npm run bench [NAME…]`: runs test/bench/NAME.bench.ts (all of them by default), each of which
// writes its section to test/bench/results/NAME.md, then rebuilds BENCHMARKS.md from every section.
// `npm run bench -- --assemble` only rebuilds BENCHMARKS.md from the sections already there.
// A section states the command that produced it, the machine, and ours beside the anchor.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

const here = new URL('./', import.meta.url);
const resultsDir = new URL('results/', here);
const available = readdirSync(here).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace(/\.bench\.ts$/, '')).sort();
const assembleOnly = process.argv.includes('--assemble');
const wanted = assembleOnly ? [] : process.argv.slice(2);
for (const name of wanted) {
  if (!available.includes(name)) {
    console.error(`bench: no benchmark named ${name}; have: ${available.join(', ')}`);
    process.exit(2);
  }
}

let failed = false;
for (const name of assembleOnly ? [] : wanted.length > 0 ? wanted : available) {
  console.log(`== ${name}`);
  const run = spawnSync(process.execPath, ['--disable-warning=ExperimentalWarning', new URL(`${name}.bench.ts`, here).pathname], {
    stdio: 'inherit',
  });
  if (run.status !== 0) {
    console.error(`bench: ${name} failed (exit ${run.status ?? run.signal}); its previous section is kept`);
    failed = true;
  }
}

const sections = readdirSync(resultsDir).filter((f) => f.endsWith('.md')).sort();
const header = `# Benchmarks

Produced by \`npm run bench\` (or \`npm run bench NAME\` for one section) as root on the project's
lab: network namespaces on this machine, real peers as anchors, measured in the same run.
Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB. Each section names the command
that produced it and when. On 2 cores a load generator and the server share the CPU, and most
of these runs shared the machine with other test runs: compare the ratios, not the absolutes.
`;
const body = sections.map((f) => readFileSync(new URL(f, resultsDir), 'utf8').trim()).join('\n\n');
writeFileSync(new URL('../../BENCHMARKS.md', here), `${header}\n${body}\n`);
process.exitCode = failed ? 1 : 0;
