// `v6edge ipam show`: the prefixes held by hosts and container networks, as stored, and what the
// next pass over the running config would allocate or release. It changes nothing: allocations
// are written by the daemon's apply loop.
import { allocateForConfig } from '../reconcile/allocations.ts';
import type { AllocationRecord } from '../store/records.ts';
import { describe } from '../lib/result.ts';
import { parseArgs, stringFlag, UsageError } from './args.ts';
import { storePath, withConfigStore, type ConfigStore } from './config-store.ts';
import { EXIT_OK, EXIT_REFUSED, type CliIo } from './io.ts';

function row(mark: string, a: AllocationRecord, note = ''): string {
  return `${mark} ${a.pool.padEnd(16)} ${a.owner.padEnd(24)} ${a.prefix}${note}`;
}

export function runIpam(argv: readonly string[], io: CliIo): number {
  const args = parseArgs(argv, { store: 'string' });
  if (args.positional[0] !== 'show') throw new UsageError('usage: v6edge ipam show [--store PATH]');
  return withConfigStore(storePath(stringFlag(args, 'store'), io), io, (store) => showAllocations(store, io));
}

/** What IPAM holds, what it has quarantined, and what the next pass would change. */
function showAllocations(store: ConfigStore, io: CliIo): number {
  const stored = store.allocations.loadAll();
  const now = Date.now();
  const held = stored.filter((a) => a.releasedAt === undefined);
  const quarantined = stored.filter((a) => a.releasedAt !== undefined);
  const lines = [`  ${'pool'.padEnd(16)} ${'owner'.padEnd(24)} prefix`];
  lines.push(...held.map((a) => row(' ', a)));
  lines.push(...quarantined.map((a) => row(' ', a, `  (released ${new Date(a.releasedAt!).toISOString()}, quarantined)`)));
  const running = store.running();
  if (running !== undefined) {
    const next = allocateForConfig(stored, running.document, now);
    if (!next.ok) {
      io.err(`v6edge: the stored allocations are unusable: ${describe(next.error)}`);
      return EXIT_REFUSED;
    }
    lines.push(...next.value.allocated.map((a) => row('+', a, '  (next pass allocates)')));
    lines.push(...next.value.released.map((a) => row('-', a, '  (next pass releases)')));
    lines.push(...next.value.problems.map((p) => `! ${describe(p)}`));
  }
  io.out(lines.length === 1 ? '(no allocations, and no running config)' : lines.join('\n'));
  return EXIT_OK;
}
