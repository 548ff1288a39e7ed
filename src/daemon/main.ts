// `v6edge daemon [--store PATH] [--socket PATH] [--netns NAME]`: the router's one long-running
// process. It applies the running revision, runs the packet services, serves the API, tells
// systemd when it is ready and keeps its watchdog fed, and stops cleanly on SIGTERM/SIGINT.
import { KernelBackend } from '../backends/kernel/backend.ts';
import { ensureRouteProtocol } from '../backends/kernel/protocol.ts';
import { NftBackend } from '../backends/nft/backend.ts';
import { combineBackends } from '../backends/types.ts';
import { DEFAULT_SOCKET } from '../api/requests.ts';
import { parseArgs, stringFlag, UsageError } from '../cli/args.ts';
import { EXIT_OK, EXIT_REFUSED, type CliIo } from '../cli/io.ts';
import { storePath } from '../cli/config-store.ts';
import { describe } from '../lib/result.ts';
import { Daemon } from './daemon.ts';
import { Logger } from './logs.ts';
import { SystemdNotifier } from './notify.ts';
import { realServices } from './real-services.ts';

export const DAEMON_USAGE = `usage: v6edge daemon [--store PATH] [--socket PATH] [--netns NAME] [--no-services]
  --store PATH     state database (default /var/lib/v6edge/state.db, or $V6EDGE_STORE)
  --socket PATH    API socket (default ${DEFAULT_SOCKET}, or $V6EDGE_SOCKET)
  --netns NAME     drive the kernel, nft and raw sockets of namespace NAME; DHCPv6 sockets
                   stay in the daemon's own namespace, so a lab runs the daemon under
                   \`ip netns exec NAME\` instead
  --no-services    apply the config and serve the API, but send no RA/DHCPv6/NDP proxy packets`;

/** A daemon that stopped but left a handle open still exits this long after stopping. */
const EXIT_GRACE_MS = 3000;

export async function runDaemon(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { store: 'string', socket: 'string', netns: 'string', 'no-services': 'boolean' });
  if (args.positional.length > 0) throw new UsageError(`unexpected argument ${args.positional[0]}`);
  const netns = stringFlag(args, 'netns');
  const log = new Logger({ write: (line) => io.out(line) });
  const protocol = ensureRouteProtocol();
  if (!protocol.ok) log.warn('daemon', protocol.error.message);
  const nft = new NftBackend(netns === undefined ? {} : { netns });
  const backend = combineBackends([new KernelBackend(netns === undefined ? {} : { netns }), nft]);
  const socketPath = stringFlag(args, 'socket') ?? io.env['V6EDGE_SOCKET'] ?? DEFAULT_SOCKET;
  const started = await Daemon.start({
    storePath: storePath(stringFlag(args, 'store'), io),
    socketPath,
    backend,
    counters: () => nft.readCounters(),
    services: args.flags['no-services'] === true ? {} : (store) => realServices(store, netns),
    log,
  });
  if (!started.ok) {
    io.err(`v6edge daemon: ${describe(started.error)}`);
    return EXIT_REFUSED;
  }
  const daemon = started.value;
  const notifier = new SystemdNotifier({ env: io.env, onError: (m) => log.warn('systemd', m) });
  daemon.supervisor.onStop('systemd', () => notifier.stopping());
  const stopped = new Promise<number>((resolve) => daemon.supervisor.handleSignals(resolve));
  const running = daemon.store.running()?.number;
  await notifier.ready(running === undefined ? 'no revision yet' : `running revision ${running}`, () => daemon.healthy());
  const code = await stopped;
  setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
  return code === 0 ? EXIT_OK : code;
}
