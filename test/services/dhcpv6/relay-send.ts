// A relay agent's socket in a lab namespace: binds BIND_ADDR port 547, sends each Relay-forward
// (hex) by unicast to SERVER port 547 (RFC 8415 §19.1) and prints each answer as `reply FROM HEX`.
// `node relay-send.ts BIND_ADDR SERVER HEX...`; exits 1 when an answer does not come within 3 s.
import { createSocket, type RemoteInfo } from 'node:dgram';

const [bindAddress, server, ...payloads] = process.argv.slice(2);
if (bindAddress === undefined || server === undefined || payloads.length === 0) {
  process.stderr.write('usage: relay-send.ts BIND_ADDR SERVER HEX...\n');
  process.exit(2);
}
const socket = createSocket({ type: 'udp6' });
await new Promise<void>((resolve, reject) => {
  socket.once('error', reject);
  socket.bind({ address: bindAddress, port: 547 }, () => resolve());
});
const answers: Array<{ bytes: Buffer; from: RemoteInfo }> = [];
const waiting: Array<() => void> = [];
socket.on('message', (bytes, from) => {
  answers.push({ bytes, from });
  waiting.shift()?.();
});
for (const hex of payloads) {
  const before = answers.length;
  const answered = new Promise<void>((resolve) => waiting.push(resolve));
  await new Promise<void>((resolve, reject) => socket.send(Buffer.from(hex, 'hex'), 547, server, (e) => (e ? reject(e) : resolve())));
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 3000).unref());
  if ((await Promise.race([answered, timer])) === 'timeout' && answers.length === before) {
    process.stderr.write(`no answer from ${server} within 3 s\n`);
    process.exit(1);
  }
  const a = answers[before]!;
  process.stdout.write(`reply ${a.from.address} ${a.from.port} ${a.bytes.toString('hex')}\n`);
}
socket.close();
