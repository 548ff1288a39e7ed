// Readiness from the kernel's point of view: does a process hold a socket of a given kind yet?
// /proc/PID/net/* lists the sockets of PID's network namespace; /proc/PID/fd says which are its own.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Rows of /proc/PID/net/<table> (e.g. `packet`, `raw6`, `udp6`) whose socket PID holds, split into columns. */
export function ownSockets(pid: number, table: string): string[][] {
  let text: string;
  let inodes: Set<string>;
  try {
    text = readFileSync(`/proc/${pid}/net/${table}`, 'utf8');
    inodes = new Set(readdirSync(`/proc/${pid}/fd`).map((fd) => socketInode(`/proc/${pid}/fd/${fd}`)));
  } catch {
    return [];
  }
  // The inode column is 9th in packet and 10th in raw6/udp6: match any column, inodes are unique.
  return text
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols.some((c, i) => i > 0 && inodes.has(c)));
}

function socketInode(path: string): string {
  try {
    return /^socket:\[(\d+)\]$/.exec(readlinkSync(path))?.[1] ?? '';
  } catch {
    return '';
  }
}
