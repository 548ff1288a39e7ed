// `v6edge tui [--socket PATH]`: opens the TUI on the daemon's API socket. The HTTP client is
// loaded dynamically so the TUI's own code and tests depend only on the ApiClient contract.
import './terminal-env.ts';
import { existsSync } from 'node:fs';
import type { ApiClient } from '../src/api/types.ts';
import { runTui } from './app.ts';

export const DEFAULT_SOCKET = '/run/v6edge/api.sock';

export type TuiArgs = { readonly ok: true; readonly socket: string } | { readonly ok: false; readonly message: string };

export function parseTuiArgs(argv: readonly string[]): TuiArgs {
  let socket = DEFAULT_SOCKET;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--socket') {
      const v = argv[++i];
      if (v === undefined || v === '') return { ok: false, message: '--socket needs a path, e.g. --socket /run/v6edge/api.sock' };
      socket = v;
    } else if (a.startsWith('--socket=')) {
      socket = a.slice('--socket='.length);
      if (socket === '') return { ok: false, message: '--socket needs a path, e.g. --socket=/run/v6edge/api.sock' };
    } else {
      return { ok: false, message: `unknown argument ${JSON.stringify(a)}; usage: v6edge tui [--socket PATH]` };
    }
  }
  return { ok: true, socket };
}

/** Exit code: 0 after the operator quits, 2 for bad arguments or a missing client build. */
export async function runTuiCommand(argv: readonly string[]): Promise<number> {
  const args = parseTuiArgs(argv);
  if (!args.ok) {
    process.stderr.write(`v6edge tui: ${args.message}\n`);
    return 2;
  }
  const clientModule = new URL('../src/api/client.ts', import.meta.url);
  if (!existsSync(clientModule)) {
    process.stderr.write('v6edge tui: this build has no API client (src/api/client.ts)\n');
    return 2;
  }
  const mod = (await import(clientModule.href)) as { HttpApiClient: new (options: { socketPath: string }) => ApiClient };
  // The TUI starts even when the socket is not there yet: it shows the outage and keeps retrying.
  await runTui({ client: new mod.HttpApiClient({ socketPath: args.socket }) });
  return 0;
}
