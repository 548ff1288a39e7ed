// CLI verbs that talk to the running daemon over its API socket ($V6EDGE_SOCKET or --socket,
// default /run/v6edge/api.sock). Exit 0 done, 1 refused (the daemon's problems printed with their
// paths, or no daemon), 2 usage.
import { HttpApiClient } from '../api/client.ts';
import { DEFAULT_SOCKET } from '../api/requests.ts';
import { ApiError, type LeaseDto } from '../api/types.ts';
import { formatDiff } from '../lib/jsondiff.ts';
import { intArg, parseArgs, stringFlag, UsageError, type FlagSpec, type Parsed } from './args.ts';
import { EXIT_OK, EXIT_REFUSED, type CliIo } from './io.ts';

export const API_USAGE = `  status                        services, running revision, alerts
  hosts list | add NAME --interface I --next-hop A [--prefix P] [--network NAME[=PREFIX]]…
        | remove NAME           edit the candidate's container hosts (commit to apply)
  leases [--iface I] [--duid D] [--limit N]     DHCPv6 leases
  leases release ADDRESS|PREFIX end a lease now
  routes | ndproxy | firewall   what the daemon routes, proxies and counts
  plan                          what a reconcile pass would change now
  confirm                       keep the commit awaiting confirmation
  rollback N [--comment TEXT]   run revision N's config again
  diff [A B] | history [--limit N]
  (every verb takes --socket PATH; default $V6EDGE_SOCKET or ${DEFAULT_SOCKET})`;

export function socketPath(p: Parsed, io: CliIo): string {
  return stringFlag(p, 'socket') ?? io.env['V6EDGE_SOCKET'] ?? DEFAULT_SOCKET;
}

export function apiClient(p: Parsed, io: CliIo): HttpApiClient {
  return new HttpApiClient({ socketPath: socketPath(p, io), user: io.env['USER'] ?? 'cli' });
}

/** Prints an API refusal the way the offline verbs print problems; rethrows anything else. */
export function printApiError(io: CliIo, e: unknown): number {
  if (!(e instanceof ApiError)) throw e;
  io.err(`v6edge: ${e.body.error.message}`);
  for (const p of e.body.problems ?? []) io.err(`  ${p.path === undefined ? '' : `${p.path}: `}${p.message}`);
  return EXIT_REFUSED;
}

const time = (ms: number | undefined): string => (ms === undefined ? '-' : new Date(ms).toISOString());

function table(rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return '';
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}

type ApiVerb = (args: Parsed, client: HttpApiClient, io: CliIo) => Promise<number>;

async function status(_a: Parsed, c: HttpApiClient, io: CliIo): Promise<number> {
  const s = await c.status();
  io.out(`v6edge ${s.version}, up since ${time(s.startedAt)}`);
  io.out(`running revision: ${s.runningRevision ?? '(none)'}`);
  if (s.pendingConfirm !== undefined) io.out(`revision ${s.pendingConfirm.revision} rolls back at ${time(s.pendingConfirm.deadline)} unless confirmed`);
  for (const [name, h] of Object.entries(s.services)) io.out(`${name.padEnd(10)} ${h.health}${h.detail === undefined ? '' : `: ${h.detail}`}`);
  for (const a of s.alerts) io.out(`! ${a.kind}: ${a.message}`);
  return EXIT_OK;
}

/** Every `--network NAME[=PREFIX]`; the flag may repeat, so it is read from argv itself. */
function networksOf(argv: readonly string[]): Array<{ name: string; prefix?: string }> {
  const out: Array<{ name: string; prefix?: string }> = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = a === '--network' ? argv[i + 1] : a.startsWith('--network=') ? a.slice(10) : undefined;
    if (value === undefined) continue;
    const [name, prefix] = value.split('=');
    out.push(prefix === undefined ? { name: name! } : { name: name!, prefix });
  }
  return out;
}

async function hosts(args: Parsed, c: HttpApiClient, io: CliIo, argv: readonly string[]): Promise<number> {
  const verb = args.positional[1] ?? 'list';
  if (verb === 'list') {
    const rows = (await c.hosts()).map((h) => [h.name, h.interface, h.nextHop, h.prefix ?? '(unallocated)', h.networks.map((n) => `${n.name}=${n.prefix ?? '?'}`).join(',')]);
    io.out(rows.length === 0 ? '(no hosts)' : table([['NAME', 'INTERFACE', 'NEXT HOP', 'PREFIX', 'NETWORKS'], ...rows]));
    return EXIT_OK;
  }
  const name = args.positional[2];
  if (name === undefined) throw new UsageError(`hosts ${verb} needs NAME`);
  if (verb === 'remove') {
    await c.removeHost(name);
    io.out(`host ${name} removed from the candidate; apply it with \`v6edge config commit --comment TEXT\``);
    return EXIT_OK;
  }
  if (verb !== 'add') throw new UsageError(`unknown hosts verb ${verb}`);
  const iface = stringFlag(args, 'interface');
  const nextHop = stringFlag(args, 'next-hop');
  if (iface === undefined || nextHop === undefined) throw new UsageError('hosts add needs --interface I and --next-hop A');
  const prefix = stringFlag(args, 'prefix');
  const candidate = await c.addHost({ name, interface: iface, nextHop, ...(prefix === undefined ? {} : { prefix }), networks: networksOf(argv) });
  io.out(formatDiff(candidate.diff.filter((d) => d.path.startsWith(`hosts.${name}`))));
  io.out(`host ${name} added to the candidate; apply it with \`v6edge config commit --comment TEXT\``);
  return EXIT_OK;
}

function leaseRow(l: LeaseDto): string[] {
  return [l.iface, l.kind, l.lease, l.state, l.duid, time(l.expiresAt)];
}

async function leases(args: Parsed, c: HttpApiClient, io: CliIo): Promise<number> {
  if (args.positional[1] === 'release') {
    const lease = args.positional[2];
    if (lease === undefined) throw new UsageError('leases release needs ADDRESS or PREFIX');
    await c.releaseLease(lease);
    io.out(`${lease} released`);
    return EXIT_OK;
  }
  const limit = stringFlag(args, 'limit');
  const iface = stringFlag(args, 'iface');
  const duid = stringFlag(args, 'duid');
  const page = await c.leases({ ...(iface === undefined ? {} : { iface }), ...(duid === undefined ? {} : { search: duid }), limit: limit === undefined ? 1000 : intArg(limit, '--limit') });
  io.out(page.leases.length === 0 ? '(no leases)' : table([['IFACE', 'KIND', 'LEASE', 'STATE', 'DUID', 'EXPIRES'], ...page.leases.map(leaseRow)]));
  if (page.next !== undefined) io.out(`(${page.leases.length} of ${page.total} shown)`);
  return EXIT_OK;
}

async function routes(_a: Parsed, c: HttpApiClient, io: CliIo): Promise<number> {
  const rows = (await c.routes()).map((r) => [r.prefix, r.via ?? '-', r.dev ?? '-', r.state, r.origin + (r.error === undefined ? '' : ` (${r.error})`)]);
  io.out(rows.length === 0 ? '(no routes)' : table([['PREFIX', 'VIA', 'DEV', 'STATE', 'ORIGIN'], ...rows]));
  return EXIT_OK;
}

async function ndproxy(_a: Parsed, c: HttpApiClient, io: CliIo): Promise<number> {
  const n = await c.ndproxy();
  io.out(n.rules.length === 0 ? '(no proxy rules)' : table([['UPSTREAM', 'PREFIX', 'MODE'], ...n.rules.map((r) => [r.upstream, r.prefix, r.mode])]));
  if (n.entries.length > 0) io.out(table([['UPSTREAM', 'ADDRESS', 'MODE', 'STATE'], ...n.entries.map((e) => [e.upstream, e.address, e.mode, e.state])]));
  for (const [k, v] of Object.entries(n.counters)) io.out(`${k}: ${v}`);
  return EXIT_OK;
}

async function firewall(_a: Parsed, c: HttpApiClient, io: CliIo): Promise<number> {
  const rows = (await c.firewall()).map((f) => [f.chain, f.rule, String(f.packets), String(f.bytes)]);
  io.out(rows.length === 0 ? '(no counters)' : table([['CHAIN', 'RULE', 'PACKETS', 'BYTES'], ...rows]));
  return EXIT_OK;
}

async function plan(_a: Parsed, c: HttpApiClient, io: CliIo): Promise<number> {
  io.out((await c.plan()).text);
  return EXIT_OK;
}

export async function confirmVerb(_a: Parsed, c: HttpApiClient, io: CliIo): Promise<number> {
  io.out(`revision ${(await c.confirm()).number} confirmed`);
  return EXIT_OK;
}

export async function rollbackVerb(args: Parsed, c: HttpApiClient, io: CliIo): Promise<number> {
  const n = intArg(args.positional[args.positional[0] === 'rollback' ? 1 : 0], 'revision N');
  const r = await c.rollback(n, stringFlag(args, 'comment'));
  io.out(`revision ${r.number} now runs the config of revision ${n}`);
  return EXIT_OK;
}

const ref = (t: string): number | 'running' | 'candidate' => (t === 'running' || t === 'candidate' ? t : intArg(t, 'a revision'));

export async function diffVerb(args: Parsed, c: HttpApiClient, io: CliIo): Promise<number> {
  const pos = args.positional[0] === 'diff' ? args.positional.slice(1) : args.positional;
  const entries = await c.diff(ref(pos[0] ?? 'running'), ref(pos[1] ?? 'candidate'));
  io.out(entries.length === 0 ? '(no differences)' : formatDiff(entries));
  return EXIT_OK;
}

export async function historyVerb(args: Parsed, c: HttpApiClient, io: CliIo): Promise<number> {
  const limit = stringFlag(args, 'limit');
  const rows = await c.history(limit === undefined ? 20 : intArg(limit, '--limit'));
  const running = (await c.status()).runningRevision;
  if (rows.length === 0) io.out('(no revisions)');
  for (const r of rows) {
    const mark = r.number === running ? '*' : ' ';
    io.out(`${mark}${String(r.number).padStart(5)}  ${time(r.time)}  ${r.state.padEnd(11)}  ${r.author}: ${r.comment}`);
  }
  return EXIT_OK;
}

const FLAGS: FlagSpec = { socket: 'string', interface: 'string', 'next-hop': 'string', prefix: 'string', network: 'string', iface: 'string', duid: 'string', limit: 'string', comment: 'string' };

const VERBS: Record<string, (args: Parsed, c: HttpApiClient, io: CliIo, argv: readonly string[]) => Promise<number>> = {
  status,
  hosts,
  leases,
  routes,
  ndproxy,
  firewall,
  plan,
  confirm: confirmVerb,
  rollback: rollbackVerb,
  diff: diffVerb,
  history: historyVerb,
};

export const API_COMMANDS = Object.keys(VERBS);

/** Runs `name` (one of API_COMMANDS) against the daemon. */
export async function runApiCommand(name: string, argv: readonly string[], io: CliIo): Promise<number> {
  const verb = VERBS[name];
  if (verb === undefined) throw new UsageError(`unknown command ${name}`);
  const full = [name, ...argv];
  const args = parseArgs(full, FLAGS);
  try {
    return await verb(args, apiClient(args, io), io, full);
  } catch (e) {
    return printApiError(io, e);
  }
}
