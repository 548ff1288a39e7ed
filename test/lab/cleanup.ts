// Namespaces outlive the process that made them, so every lab is recorded twice: in a
// process-wide registry (torn down on exit and on SIGINT/SIGTERM) and in a marker file per
// namespace naming the owner's pid, so a later run can sweep what a crashed one left behind.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const MARKER_DIR = '/run/v6edge-lab';
/** `v6l` + 4 hex digits + `-` + node name: the only namespaces the lab ever deletes. */
export const NAMESPACE_PATTERN = /^v6l[0-9a-f]{4}-/;

export interface LiveLab {
  /** Kills every process in the lab's namespaces and deletes them, without awaiting anything. */
  teardownSync(): void;
}

const live = new Set<LiveLab>();
let handlersInstalled = false;

export function register(lab: LiveLab): void {
  installHandlers();
  live.add(lab);
}

export function unregister(lab: LiveLab): void {
  live.delete(lab);
}

function teardownAllSync(): void {
  for (const lab of [...live]) {
    try {
      lab.teardownSync();
    } catch {
      // Keep going: one lab failing to go must not strand the others.
    }
    live.delete(lab);
  }
}

function onSignal(signal: NodeJS.Signals): void {
  teardownAllSync();
  process.removeListener(signal, onSignal);
  // Die of the signal as if we had never caught it, unless someone else handles it.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', teardownAllSync);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** Start time of `pid` in clock ticks since boot (field 22 of /proc/PID/stat), guarding against pid reuse. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses; fields resume after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

export function writeMarker(ns: string): void {
  mkdirSync(MARKER_DIR, { recursive: true });
  writeFileSync(join(MARKER_DIR, ns), `${process.pid} ${startTime(process.pid) ?? ''}\n`);
}

export function removeMarker(ns: string): void {
  rmSync(join(MARKER_DIR, ns), { force: true });
}

/** Whether the process named in `ns`'s marker is still running (a missing marker counts as alive: not ours to judge). */
export function ownerAlive(ns: string): boolean {
  let text: string;
  try {
    text = readFileSync(join(MARKER_DIR, ns), 'utf8');
  } catch {
    return true;
  }
  const [pidText, started] = text.trim().split(' ');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  const now = startTime(pid);
  if (now === undefined) return false;
  return started === undefined || started === '' || started === now;
}

export function listNamespaces(): string[] {
  const out = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  return out.split('\n').map((line) => line.split(' ')[0] ?? '').filter((name) => name !== '');
}

/** Kills whatever still runs inside `ns` and deletes it; quiet when it is already gone. */
export function destroyNamespaceSync(ns: string): void {
  try {
    const pids = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    for (const pid of pids.split('\n').filter((p) => p !== '')) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  } catch {
    // No such namespace.
  }
  try {
    execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
  } catch {
    // Already deleted.
  }
  rmSync(join(NETNS_ETC, ns), { recursive: true, force: true });
  removeMarker(ns);
}

/** Where `ip netns exec NS` finds files it bind-mounts over /etc for that namespace. */
const NETNS_ETC = '/etc/netns';

/**
 * Gives a lab namespace its own /etc/resolv.conf: `ip netns exec` bind-mounts
 * /etc/netns/NS/resolv.conf over the host's, so a DHCPv6 client's hook script (dhclient-script,
 * dhcpcd's resolv.conf hook) writing the DNS servers it was handed changes only the lab's copy,
 * never the machine's resolver.
 */
export function isolateEtc(ns: string): void {
  const dir = join(NETNS_ETC, ns);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'resolv.conf'), `# v6edge lab namespace ${ns}: private resolver file\n`);
}

/**
 * Deletes lab namespaces whose owning process is dead (a crashed or SIGKILLed run), and
 * markers whose namespace is gone. Never touches a namespace without our prefix and marker.
 * Returns the namespaces it deleted.
 */
export function sweepStaleLabs(): string[] {
  const swept: string[] = [];
  const existing = new Set(listNamespaces());
  for (const ns of existing) {
    if (!NAMESPACE_PATTERN.test(ns) || ownerAlive(ns)) continue;
    destroyNamespaceSync(ns);
    swept.push(ns);
  }
  let markers: string[] = [];
  try {
    markers = readdirSync(MARKER_DIR);
  } catch {
    // No marker directory yet.
  }
  for (const ns of markers) {
    if (!existing.has(ns) && !ownerAlive(ns)) removeMarker(ns);
  }
  return swept;
}
