// `npm run fuzz [CASES]`: the full run, one million cases per codec by default.
import { fuzz } from './engine.ts';
import { loadTargets } from './targets.ts';

const cases = Number(process.argv[2] ?? 1_000_000);
const seed = Number(process.argv[3] ?? Date.now() & 0x7fffffff);
let failed = false;
for (const target of await loadTargets()) {
  const started = performance.now();
  const report = fuzz(target, cases, seed);
  const secs = (performance.now() - started) / 1000;
  console.log(
    `${report.target}: ${report.cases} cases, ${report.parsed} parsed, ` +
      `${report.failures.length} exceptions, ${secs.toFixed(1)} s (seed ${seed})`,
  );
  for (const f of report.failures) console.log(`  input ${f.input}\n  ${f.error.split('\n').join('\n  ')}`);
  failed ||= report.failures.length > 0;
}
process.exitCode = failed ? 1 : 0;
