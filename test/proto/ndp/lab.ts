// Captures real ND traffic between two namespaces: radvd's RA, rdisc6's RS and the kernel's
// NS/NA. Needs root, radvd, rdisc6 and dumpcap (tshark).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { formatAddressBytes } from '../../../src/net/address.ts';
import { startRadvd, withLab } from '../../lab/index.ts';

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
 * Two namespaces joined by a veth pair (through the lab library, so they are torn down whatever
 * happens): `r` runs radvd, `h` captures while rdisc6 solicits and a datagram makes the kernel
 * resolve the router's link-local address.
 */
export async function captureNdExchange(): Promise<CapturedPacket[]> {
  return withLab(
    {
      nodes: {
        r: { forwarding: true },
        // The host sends no RS of its own, so rdisc6's is the one captured.
        h: { sysctls: { 'net.ipv6.conf.h0.router_solicitations': 0 } },
      },
      links: [{ a: ['r', 'r0'], b: ['h', 'h0'], macA: '02:00:00:00:00:01', macB: '02:00:00:00:00:02' }],
    },
    async (lab) => {
      const capture = await lab.capture('h', 'h0', { filter: 'icmp6' });
      await startRadvd(lab, 'r', RADVD_CONF('r0'));
      // rdisc6 waits for the RA its RS asks for, so radvd is up once it returns.
      await lab.exec('h', ['rdisc6', '-1', '-w', '3000', '-r', '3', 'h0']);
      // One UDP datagram to the router: the kernel sends an NS, the router answers with an NA.
      await lab.exec('h', ['bash', '-c', 'echo nd > /dev/udp/fe80::ff:fe00:1%h0/9']);
      await lab.waitFor(
        async () => (await lab.neighbors('h')).find((n) => n.address === 'fe80::ff:fe00:1' && n.lladdr !== undefined),
        { timeoutMs: 5000, what: "the router's NA to resolve fe80::ff:fe00:1" },
      );
      await capture.stop();
      return icmpv6FromPcap(readFileSync(capture.pcapPath));
    },
  );
}
