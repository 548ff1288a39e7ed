// Captures real ND traffic between two namespaces: radvd's RA, rdisc6's RS and the kernel's
// NS/NA. Needs root, radvd, rdisc6 and tshark. Every namespace it makes is removed before it returns.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatAddressBytes } from '../../../src/net/address.ts';

export interface CapturedPacket {
  readonly source: string;
  readonly destination: string;
  readonly hopLimit: number;
  /** The ICMPv6 message from its type byte on. */
  readonly icmp: Uint8Array;
}

export const RADVD_CONF = (iface: string): string => `interface ${iface} {
  AdvSendAdvert on;
  MinRtrAdvInterval 3;
  MaxRtrAdvInterval 10;
  AdvLinkMTU 1480;
  AdvOtherConfigFlag on;
  AdvDefaultPreference high;
  AdvIntervalOpt on;
  prefix 2001:db8:1::/64 { AdvOnLink on; AdvAutonomous on; AdvRouterAddr on; };
  route 2001:db8:100::/48 { AdvRoutePreference low; AdvRouteLifetime 1800; };
  RDNSS 2001:db8::53 2001:db8::54 { AdvRDNSSLifetime 20; };
  DNSSL example.com lab.example.net { AdvDNSSLLifetime 20; };
};
`;

/** Tools this needs; the first one missing, or undefined. */
export function missingTool(): string | undefined {
  for (const tool of ['radvd', 'rdisc6', 'tshark', 'ip']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      return tool;
    }
  }
  return undefined;
}

const run = (...args: string[]): string => execFileSync(args[0]!, args.slice(1), { encoding: 'utf8' });
const inNs = (ns: string, ...args: string[]): string => run('ip', 'netns', 'exec', ns, ...args);

/** Resolves when `child` writes `marker` to stderr, rejects if it exits first. */
function waitForStderr(child: ChildProcess, marker: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(marker)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`exited (${code}) before "${marker}": ${seen}`)));
  });
}

function waitForExit(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/** The IPv6/ICMPv6 packets in a classic pcap file of Ethernet frames. */
export function icmpv6FromPcap(file: Uint8Array): CapturedPacket[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const out: CapturedPacket[] = [];
  for (let at = 24; at + 16 <= file.length; ) {
    const length = view.getUint32(at + 8, true);
    const frame = file.subarray(at + 16, at + 16 + length);
    at += 16 + length;
    if (frame.length < 54 || frame[12] !== 0x86 || frame[13] !== 0xdd || frame[20] !== 58) continue;
    const payloadLength = (frame[18]! << 8) | frame[19]!;
    out.push({
      source: formatAddressBytes(frame, 22),
      destination: formatAddressBytes(frame, 38),
      hopLimit: frame[21]!,
      icmp: frame.slice(54, 54 + payloadLength),
    });
  }
  return out;
}

/**
 * Two namespaces joined by a veth pair: `r` runs radvd, `h` captures while rdisc6 solicits and
 * a datagram makes the kernel resolve the router's link-local address.
 */
export async function captureNdExchange(): Promise<CapturedPacket[]> {
  const prefix = `v6t-ndp-${process.pid}-`;
  const r = `${prefix}r`;
  const h = `${prefix}h`;
  const dir = mkdtempSync(join(tmpdir(), 'v6t-ndp-'));
  const children: ChildProcess[] = [];
  try {
    run('ip', 'netns', 'add', r);
    run('ip', 'netns', 'add', h);
    for (const ns of [r, h]) {
      // LAB-NOTES: no DAD wait; the host sends no RS of its own so rdisc6's is the one captured.
      for (const key of ['accept_dad=0', 'router_solicitations=0']) {
        inNs(ns, 'sysctl', '-qw', `net.ipv6.conf.all.${key}`);
        inNs(ns, 'sysctl', '-qw', `net.ipv6.conf.default.${key}`);
      }
    }
    inNs(r, 'sysctl', '-qw', 'net.ipv6.conf.all.forwarding=1');
    run('ip', 'link', 'add', 'r0', 'netns', r, 'address', '02:00:00:00:00:01', 'type', 'veth',
      'peer', 'h0', 'netns', h, 'address', '02:00:00:00:00:02');
    inNs(r, 'ip', 'link', 'set', 'r0', 'up');
    inNs(h, 'ip', 'link', 'set', 'h0', 'up');
    const conf = join(dir, 'radvd.conf');
    writeFileSync(conf, RADVD_CONF('r0'), { mode: 0o644 });
    const pcap = join(dir, 'nd.pcap');
    const tshark = spawn('ip', ['netns', 'exec', h, 'tshark', '-i', 'h0', '-F', 'pcap', '-w', pcap, '-f', 'icmp6'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(tshark);
    // dumpcap is only reading packets once tshark logs this, a moment after "Capturing on".
    await waitForStderr(tshark, 'Capture started');
    const radvd = spawn('ip', ['netns', 'exec', r, 'radvd', '-n', '-m', 'stderr', '-C', conf, '-p', join(dir, 'radvd.pid')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(radvd);
    // rdisc6 waits for the RA its RS asks for, so radvd is up once it returns.
    inNs(h, 'rdisc6', '-1', '-w', '3000', '-r', '3', 'h0');
    // One UDP datagram to the router (no ping here): the kernel sends an NS, the router's an NA.
    inNs(h, 'bash', '-c', 'echo nd > /dev/udp/fe80::ff:fe00:1%h0/9');
    await new Promise((resolve) => setTimeout(resolve, 500));
    tshark.kill('SIGINT');
    await waitForExit(tshark);
    return icmpv6FromPcap(readFileSync(pcap));
  } finally {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await waitForExit(child);
      }
    }
    for (const ns of [r, h]) {
      try {
        run('ip', 'netns', 'del', ns);
      } catch {
        // Already gone or never made.
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
