// Turns a failed syscall from the addon or node:dgram into a sentence an operator can act on.
// Pure, so the wording is tested as a table.
import { problem, type Problem } from '../lib/result.ts';

/** What the addon (and libuv) attach to a system error. */
export interface SystemErrorFields {
  /** Errno name, e.g. `EPERM`. */
  readonly code: string;
  /** The step that failed, e.g. `socket`, `setns`, `SO_BINDTODEVICE`, `sendmsg`. */
  readonly syscall?: string;
  readonly message: string;
}

/** Which socket the failure belongs to, for the sentence. */
export interface SocketContext {
  readonly ifname: string;
  readonly netns?: string;
  /** The address involved, e.g. the source of a send or the group being joined. */
  readonly address?: string;
}

/** An Error whose message is the operator's sentence, with the errno name as `code`. */
export class IoError extends Error {
  readonly code: string;
  readonly problem: Problem;
  constructor(p: Problem, options?: ErrorOptions) {
    super(p.message, options);
    this.name = 'IoError';
    this.code = p.code;
    this.problem = p;
  }
}

export function isSystemError(e: unknown): e is SystemErrorFields {
  return e instanceof Error && typeof (e as { code?: unknown }).code === 'string';
}

/** The sentence for a failed socket step; the problem code is the errno name. */
export function socketProblem(e: SystemErrorFields, at: SocketContext): Problem {
  const where = at.netns === undefined ? '' : ` in network namespace ${at.netns}`;
  const step = e.syscall ?? 'socket operation';
  switch (e.code) {
    case 'EPERM':
    case 'EACCES':
      // Ports below 1024 (DHCPv6 546/547) are guarded by their own capability, not CAP_NET_RAW.
      if (step === 'bind')
        return problem(e.code, `binding ${at.address ?? 'a port below 1024'} on ${at.ifname}${where} needs CAP_NET_BIND_SERVICE (run as root or grant the capability)`);
      if (step === 'setns')
        return problem(e.code, `entering network namespace ${at.netns ?? ''} needs CAP_SYS_ADMIN (run as root)`);
      return problem(e.code, `${step} on ${at.ifname}${where} needs CAP_NET_RAW (run as root or grant the capability)`);
    case 'ENODEV':
      return problem(e.code, `interface ${at.ifname} does not exist${where}`);
    case 'ENOENT':
      if (step === 'open netns')
        return problem(e.code, `network namespace ${at.netns ?? ''} does not exist (see ip netns list)`);
      break;
    case 'EINVAL':
      // Linux refuses an IPV6_PKTINFO source that is not a local address with EINVAL, not
      // EADDRNOTAVAIL (ip6_datagram_send_ctl).
      if (step === 'sendmsg' && at.address !== undefined) return notAssigned(e.code, at, where);
      break;
    case 'EADDRNOTAVAIL':
      return notAssigned(e.code, at, where);
    case 'ENETDOWN':
      return problem(e.code, `interface ${at.ifname}${where} is down: bring it up and retry`);
    case 'EADDRINUSE':
      return problem(e.code, `${at.address ?? 'the address'} on ${at.ifname}${where} is already in use by another socket without reuseAddr`);
  }
  return problem(e.code, `${step} failed on ${at.ifname}${where}: ${e.message}`);
}

function notAssigned(code: string, at: SocketContext, where: string): Problem {
  return problem(code, `${at.address ?? 'the address'} is not assigned to ${at.ifname}${where}, or is still tentative (DAD)`);
}

/** Rethrows a system error as an IoError carrying the operator's sentence; other errors pass through. */
export function toIoError(e: unknown, at: SocketContext): unknown {
  return isSystemError(e) ? new IoError(socketProblem(e, at), { cause: e }) : e;
}
