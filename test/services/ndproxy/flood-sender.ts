// Sends a paced flood of Neighbor Solicitations for distinct targets from distinct sources out of
// one interface, in its own process so the proxy under test keeps its event loop.
// Usage: node flood-sender.ts NETNS IFNAME COUNT SECONDS TARGET_BASE SOURCE_BASE
import { setTimeout as sleep } from 'node:timers/promises';
import { ret } from '../../../src/io/bpf.ts';
import { openPacketSocket } from '../../../src/io/raw.ts';
import { formatAddress } from '../../../src/net/address.ts';
import { nsFrame, value } from './ns-frames.ts';

const [netns, ifname, countText, secondsText, targetText, sourceText] = process.argv.slice(2);
if (netns === undefined || ifname === undefined || targetText === undefined || sourceText === undefined) throw new Error('usage: NETNS IFNAME COUNT SECONDS TARGET_BASE SOURCE_BASE');
const count = Number(countText);
const seconds = Number(secondsText);
const socket = openPacketSocket({ ifname, netns, filter: [ret(0)], allMulticast: false });
const base = value(targetText);
const sources = value(sourceText);
const batch = Math.max(1, Math.floor(count / (seconds * 20)));
const started = Date.now();
let sent = 0;
for (let i = 0; i < count; i += batch) {
  for (let j = i; j < Math.min(count, i + batch); j++) {
    socket.send(nsFrame({ target: formatAddress(base + BigInt(j)), source: formatAddress(sources + BigInt(j)) }));
    sent++;
  }
  const due = started + ((i + batch) / count) * seconds * 1000;
  await sleep(Math.max(0, due - Date.now()));
}
socket.close();
process.stdout.write(`${JSON.stringify({ sent, ms: Date.now() - started })}\n`);
