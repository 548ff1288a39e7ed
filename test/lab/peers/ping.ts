// Reachability by ICMPv6 Echo with iputils ping (installed by .ci/run): `ping -6 -n -c N -W S`,
// Echo Requests 0.2 s apart so a few cost well under a second when the peer answers.
import { tryCanonicalAddress } from '../../../src/net/address.ts';
import type { Lab } from '../topology.ts';

export interface PingOptions {
  /** Echo Requests to send; default 3. */
  readonly count?: number;
  /** How long to wait for a reply; default 3000 ms (rounded up to whole seconds, ping's -W unit). */
  readonly timeoutMs?: number;
}

const INTERVAL_SECONDS = 0.2;

/** Whether `address` (optionally `%zone` for a link-local) answered at least one Echo Request from `node`. */
export async function pingOk(lab: Lab, node: string, address: string, options: PingOptions = {}): Promise<boolean> {
  const count = options.count ?? 3;
  const seconds = Math.max(1, Math.ceil((options.timeoutMs ?? 3000) / 1000));
  const { stdout } = await lab.exec(
    node,
    ['ping', '-6', '-n', '-c', String(count), '-i', String(INTERVAL_SECONDS), '-W', String(seconds), address],
    { check: false, timeoutMs: Math.ceil(count * INTERVAL_SECONDS * 1000) + seconds * 1000 + 5000 },
  );
  return echoAnswered(stdout, address);
}

/**
 * Whether ping's output shows an Echo Reply from `address`, compared as addresses, not text.
 * Each reply is a line `64 bytes from ADDR: icmp_seq=…` (ADDR may carry `%zone`); the `PING`
 * header, `From ADDR icmp_seq=… Destination unreachable` errors and the summary are not replies.
 */
export function echoAnswered(output: string, address: string): boolean {
  const target = bareCanonical(address);
  if (target === undefined) throw new Error(`pingOk: "${address}" is not an IPv6 address`);
  return output
    .split('\n')
    .some((line) => bareCanonical(/^\d+ bytes from (\S+?):? icmp_seq=/.exec(line)?.[1] ?? '') === target);
}

/** Canonical text of an address with any `%zone` dropped: ping prints link-locals with one. */
function bareCanonical(text: string): string | undefined {
  return tryCanonicalAddress(text.split('%')[0] ?? '');
}
