// Whether this process can build labs; tests pass the reason to `test(name, { skip })`.
import { execFileSync } from 'node:child_process';

let cached: { reason: string | undefined } | undefined;

/** undefined when running as root with `ip netns` working; otherwise why lab tests must skip. */
export function labSkipReason(): string | undefined {
  cached ??= { reason: probe() };
  return cached.reason;
}

function probe(): string | undefined {
  if (process.getuid?.() !== 0) return 'the namespace lab needs root (it creates network namespaces and veth links)';
  // Listing proves little inside an unprivileged container; adding and deleting one proves it works.
  const name = `v6lprobe${process.pid}`;
  try {
    execFileSync('ip', ['netns', 'add', name], { stdio: ['ignore', 'ignore', 'pipe'] });
    execFileSync('ip', ['netns', 'del', name], { stdio: ['ignore', 'ignore', 'pipe'] });
    return undefined;
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim();
    return `ip netns is not usable here: ${stderr !== undefined && stderr !== '' ? stderr : String(e)}`;
  }
}
