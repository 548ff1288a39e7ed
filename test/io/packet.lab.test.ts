// The AF_PACKET socket with the NDP proxy's filter, against NSs the kernel itself sends.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labSkipReason, withLab, type Lab, type LabSpec } from '../lab/index.ts';
import { formatAddressBytes } from '../../src/net/address.ts';
import { ndpNeighborSolicitationFilter, openPacketSocket } from '../../src/io/raw.ts';
import { linksReady } from './ready.ts';

const skip = labSkipReason();
const SPEC: LabSpec = {
  nodes: { router: {}, host: {} },
  links: [{ a: ['router', 'r0'], b: ['host', 'h0'] }],
  addresses: { router: { r0: ['2001:db8:1::1/64'] }, host: { h0: ['2001:db8:1::2/64'] } },
};

/** One UDP datagram from `node` to `address`: the kernel must resolve the neighbour first (NS). */
function udpTo(lab: Lab, node: string, address: string): Promise<unknown> {
  return lab.exec(node, ['bash', '-c', `echo probe > /dev/udp/${address}/9`], { check: false });
}

interface Seen {
  readonly icmpType: number | undefined;
  readonly target: string;
}

test('the NS filter passes kernel NSs from the link and nothing else', { skip }, () =>
  withLab(SPEC, async (lab) => {
    await linksReady(lab, [['router', 'r0'], ['host', 'h0']]);
    const socket = openPacketSocket({ ifname: 'r0', netns: lab.ns('router'), filter: ndpNeighborSolicitationFilter(), allMulticast: true });
    try {
      const seen: Seen[] = [];
      socket.on('frame', (frame, info) => {
        assert.equal(info.ifindex, socket.ifindex);
        seen.push({ icmpType: frame[54], target: formatAddressBytes(frame, 62) });
      });
      // Traffic the filter must drop: the router's own NS (outgoing), an RS, and unicast UDP.
      await udpTo(lab, 'router', '2001:db8:1::77');
      await lab.exec('host', ['rdisc6', '-1', '-r', '1', '-w', '100', 'h0'], { check: false });
      // Last, the NS the filter must pass; frames on one veth arrive in order, so it is a barrier.
      await udpTo(lab, 'host', '2001:db8:1::99');
      await lab.waitFor(() => seen.some((s) => s.target === '2001:db8:1::99'), { timeoutMs: 3000, what: 'the host kernel NS for 2001:db8:1::99' });
      assert.ok(seen.every((s) => s.icmpType === 135), JSON.stringify(seen));
      assert.ok(!seen.some((s) => s.target === '2001:db8:1::77'), 'the router saw its own NS');
    } finally {
      socket.close();
    }
  }),
);
