// Reachability by ICMPv6 Echo. No ping binary is installed here, so rltraceroute6 (ndisc6
// package) sends the Echo Requests: -I for Echo, -f/-m 64 to probe only at hop limit 64.
import ipaddr from 'ipaddr.js';
import type { Lab } from '../topology.ts';

export interface PingOptions {
  /** Echo Requests to send; default 3. */
  readonly count?: number;
  /** How long to wait for replies; default 3000 ms (rounded up to whole seconds). */
  readonly timeoutMs?: number;
}

/** Whether `address` (optionally `%zone` for a link-local) answered at least one Echo Request from `node`. */
export async function pingOk(lab: Lab, node: string, address: string, options: PingOptions = {}): Promise<boolean> {
  const count = options.count ?? 3;
  const seconds = Math.max(1, Math.ceil((options.timeoutMs ?? 3000) / 1000));
  const { stdout } = await lab.exec(
    node,
    ['rltraceroute6', '-I', '-n', '-q', String(count), '-f', '64', '-m', '64', '-w', String(seconds), address],
    { check: false, timeoutMs: seconds * 1000 * count + 5000 },
  );
  return echoAnswered(stdout, address);
}

/** Whether rltraceroute6's output shows a reply from `address` (compared as addresses, not text). */
export function echoAnswered(output: string, address: string): boolean {
  const target = normalize(address);
  if (target === undefined) throw new Error(`pingOk: "${address}" is not an IPv6 address`);
  return output
    .split('\n')
    .filter((line) => /^\s*\d+\s/.test(line))
    .some((line) => line.trim().split(/\s+/).some((word) => normalize(word) === target));
}

function normalize(text: string): string | undefined {
  const bare = text.split('%')[0] ?? '';
  return ipaddr.IPv6.isValid(bare) ? ipaddr.IPv6.parse(bare).toNormalizedString() : undefined;
}
