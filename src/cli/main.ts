// `v6edge`: one command, verbs per concern. Exit 0 done, 1 input refused, 2 usage.
import { UsageError } from './args.ts';
import { CONFIG_USAGE, runConfig } from './config-commands.ts';
import { runDemo } from './demo.ts';
import { runIpam } from './ipam-commands.ts';
import { EXIT_USAGE, processIo, type CliIo } from './io.ts';

const USAGE = `usage: v6edge <command> …
  config …      validate, import, show, export, diff, commit, confirm, rollback, history
  ipam show     the prefixes held by hosts and container networks, and what the next pass would change
  demo          what \`npm start\` runs

${CONFIG_USAGE}`;

type Command = (argv: readonly string[], io: CliIo) => number | Promise<number>;

const commands: Record<string, Command> = {
  config: runConfig,
  demo: runDemo,
  ipam: runIpam,
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

