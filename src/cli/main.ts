// `v6edge`: one command, verbs per concern. Exit 0 done, 1 input refused, 2 usage.
import { UsageError } from './args.ts';
import { API_COMMANDS, API_USAGE, runApiCommand } from './api-commands.ts';
import { runCompletion } from './completion.ts';
import { CONFIG_API_USAGE, runConfigThroughApi } from './config-api-commands.ts';
import { CONFIG_USAGE, runConfig } from './config-commands.ts';
import { DAEMON_USAGE, runDaemon } from '../daemon/main.ts';
import { runDemo } from './demo.ts';
import { runIpam } from './ipam-commands.ts';
import { RADVD_USAGE, RADVD_VERBS, runRadvdConfig } from './radvd-commands.ts';
import { EXIT_USAGE, processIo, type CliIo } from './io.ts';

const USAGE = `usage: v6edge <command> …
  config …      validate, import, show, export, diff, commit, confirm, rollback, history
  ipam show     the prefixes held by hosts and container networks, and what the next pass would change
  demo          what \`npm start\` runs
  daemon        run the router (see below)
  tui [--socket PATH]           the terminal UI on a running daemon
  completion bash               print a bash completion script

Through the running daemon's API:
${API_USAGE}

${CONFIG_USAGE}
${RADVD_USAGE}
${CONFIG_API_USAGE}

${DAEMON_USAGE}`;

type Command = (argv: readonly string[], io: CliIo) => number | Promise<number>;

const commands: Record<string, Command> = {
  // With a daemon answering, config verbs go through its API (see config-api-commands.ts).
  config: async (argv, io) => {
    if (RADVD_VERBS.includes(argv[0] as (typeof RADVD_VERBS)[number])) return runRadvdConfig(argv, io);
    return (await runConfigThroughApi(argv, io)) ?? runConfig(argv, io);
  },
  // Loaded on demand: Ink and React are only needed when the TUI runs.
  tui: async (argv) => (await import('../../tui/main.ts')).runTuiCommand(argv),
  daemon: runDaemon,
  completion: runCompletion,
  demo: runDemo,
  ipam: runIpam,
  ...Object.fromEntries(API_COMMANDS.map((name) => [name, (argv: readonly string[], io: CliIo) => runApiCommand(name, argv, io)])),
};

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.out(USAGE);
    return name === undefined ? EXIT_USAGE : 0;
  }
  const command = commands[name];
  try {
    if (command === undefined) throw new UsageError(`unknown command ${name}`);
    return await command(rest, io);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`v6edge: ${e.message}\n${USAGE}`);
    return EXIT_USAGE;
  }
}

