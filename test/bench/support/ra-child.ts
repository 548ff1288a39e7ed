// Our RA service alone in a process, so its CPU time can be read from /proc apart from the
// benchmark's own: `fork(ra-child.ts, [netns, ifname, configJson])`. It sends `{ ready }` once
// advertising, answers `status` with the runner's counters, and stops on `stop`. A fourth argument
// `zero-delay` injects random() = 0, so the RFC 4861 §6.2.6 reply delay is always 0 ms and the
// timing shows the processing path alone.
import { raSchema } from '../../../src/config/ra-schema.ts';
import { ipFacts } from '../../../src/services/ra/facts.ts';
import { RaRunner, type RaStatus } from '../../../src/services/ra/runner.ts';

export type RaChildRequest = { readonly type: 'status' } | { readonly type: 'stop' };
export type RaChildReply = { readonly type: 'ready' } | { readonly type: 'status'; readonly status: RaStatus } | { readonly type: 'stopped' };

const [netns, ifname, configJson, variant] = process.argv.slice(2);
if (netns === undefined || ifname === undefined || configJson === undefined || process.send === undefined) {
  process.stderr.write('usage: fork(ra-child.ts, [netns, ifname, configJson]) with an IPC channel\n');
  process.exit(2);
}
const send = (m: RaChildReply): void => void process.send?.(m);

// The facts poll runs `ip`; a long period keeps those child processes out of the measured window
// (the bench measures answering RSs, not watching addresses).
const runner = await RaRunner.start({
  ifname,
  netns,
  config: raSchema.parse(JSON.parse(configJson)),
  facts: ipFacts(ifname, netns),
  factsPollMs: 600_000,
  ...(variant === 'zero-delay' ? { random: () => 0 } : {}),
});
process.on('message', (m: RaChildRequest) => {
  if (m.type === 'status') send({ type: 'status', status: runner.status() });
  else
    void runner.stop().then(() => {
      send({ type: 'stopped' });
      process.disconnect();
      process.exit(0);
    });
});
send({ type: 'ready' });
