// What a benchmark reads about a running server from /proc: CPU time and resident memory.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { cpuTicksFromStat, vmRssKiB } from './stats.ts';

let ticksPerSecond: number | undefined;

/** sysconf(_SC_CLK_TCK): the unit of utime and stime. */
function clockTicks(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ticksPerSecond;
}

/** User plus system CPU time the process has used so far, in milliseconds. */
export function cpuMs(pid: number): number {
  return (cpuTicksFromStat(readFileSync(`/proc/${pid}/stat`, 'utf8')) * 1000) / clockTicks();
}

/** Resident set size in KiB; throws when the process is gone. */
export function rssKiB(pid: number): number {
  const kib = vmRssKiB(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (kib === undefined) throw new Error(`process ${pid} has no VmRSS (exited?)`);
  return kib;
}

/** One line for a results file: cores, CPU model, memory, kernel. */
export function machine(): string {
  const kernel = readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
  return `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${kernel}, Node ${process.version}`;
}

/** The program version a peer prints, first line only (for the results file). */
export function versionOf(argv: readonly string[]): string {
  try {
    const [file = '', ...args] = argv;
    const out = execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return out.split('\n')[0]?.trim() ?? '';
  } catch (e) {
    const out = `${(e as { stdout?: string }).stdout ?? ''}${(e as { stderr?: string }).stderr ?? ''}`;
    return out.split('\n').find((l) => l.trim() !== '')?.trim() ?? 'unknown';
  }
}
