// An in-process daemon on a temp store and socket, with the fake kernel and no packet services,
// and a client talking to it over the socket.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpApiClient } from '../../src/api/client.ts';
import { FakeKernel } from '../../src/backends/fake/kernel.ts';
import { combineBackends } from '../../src/backends/types.ts';
import { demoConfig } from '../../src/config/defaults.ts';
import { Daemon, type DaemonOptions } from '../../src/daemon/daemon.ts';
import { Logger } from '../../src/daemon/logs.ts';
import { unwrap } from '../../src/lib/result.ts';

export const DEMO_LINKS = ['wan0', 'lan0', 'lan1', 'hosts0'].map((name) => ({ name, kind: 'veth' as const, mtu: 1500, up: true }));

export interface TestDaemon {
  readonly daemon: Daemon;
  readonly client: HttpApiClient;
  readonly fake: FakeKernel;
  readonly dir: string;
  readonly socketPath: string;
  readonly storePath: string;
  /** JSON log lines the daemon wrote. */
  readonly logLines: string[];
  stop(): Promise<void>;
}

export async function startTestDaemon(extra: Partial<DaemonOptions> = {}, dir = mkdtempSync(join(tmpdir(), 'v6edge-api-'))): Promise<TestDaemon> {
  const fake = new FakeKernel(DEMO_LINKS);
  const socketPath = join(dir, 'api.sock');
  const storePath = join(dir, 'state.db');
  const logLines: string[] = [];
  const daemon = unwrap(
    await Daemon.start({
      storePath,
      socketPath,
      backend: combineBackends([fake]),
      services: {},
      log: new Logger({ write: (l) => logLines.push(l) }),
      reconcile: { resyncMs: 0, backoff: { initialMs: 50, maxMs: 200 } },
      socketGroup: 'v6edge-test-no-such-group',
      ...extra,
    }),
  );
  const client = new HttpApiClient({ socketPath, user: 'tester' });
  return {
    daemon,
    client,
    fake,
    dir,
    socketPath,
    storePath,
    logLines,
    async stop() {
      await daemon.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The demo config as JSON, the way a UI sends it. */
export function demoDocument(): Record<string, unknown> {
  return JSON.parse(JSON.stringify(demoConfig())) as Record<string, unknown>;
}
