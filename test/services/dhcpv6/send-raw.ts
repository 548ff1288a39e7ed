// Sends raw DHCPv6 payloads from a client namespace to ff02::1:2 port 547, one datagram per hex
// argument: `node send-raw.ts IFNAME HEX...`. The lab's bad-input test runs it with ip netns exec.
import { createSocket } from 'node:dgram';

const [ifname, ...payloads] = process.argv.slice(2);
if (ifname === undefined || payloads.length === 0) {
  process.stderr.write('usage: send-raw.ts IFNAME HEX...\n');
  process.exit(2);
}
const socket = createSocket({ type: 'udp6' });
for (const hex of payloads) {
  await new Promise<void>((resolve, reject) =>
    socket.send(Buffer.from(hex, 'hex'), 547, `ff02::1:2%${ifname}`, (e) => (e ? reject(e) : resolve())),
  );
}
socket.close();
process.stdout.write(`sent ${payloads.length}\n`);
