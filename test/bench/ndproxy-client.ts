// The load side of the NDP proxy benchmark, run in its own process inside the upstream
// namespace: sends Neighbor Solicitations through a packet socket and times the matching
// Neighbor Advertisements. Prints one JSON line.
//   latency: node ndproxy-client.ts NETNS IFNAME latency TARGET COUNT
//   rate:    node ndproxy-client.ts NETNS IFNAME rate TARGET PER_SECOND SECONDS
import { setTimeout as sleep } from 'node:timers/promises';
import { jumpIfEqual, loadByte, loadHalf, ret, ACCEPT_WHOLE_FRAME } from '../../src/io/bpf.ts';
import { openPacketSocket } from '../../src/io/raw.ts';
import { addressFromBytes } from '../../src/net/address.ts';
import { nsFrame, value } from '../services/ndproxy/ns-frames.ts';

const [netns, ifname, mode, targetText, a, b] = process.argv.slice(2);
if (netns === undefined || ifname === undefined || targetText === undefined || a === undefined) throw new Error('usage: see the header');
const target = value(targetText);
// Only incoming ICMPv6 NAs right after the fixed header.
const filter = [loadHalf(12), jumpIfEqual(0x86dd, 0, 5), loadByte(20), jumpIfEqual(58, 0, 3), loadByte(54), jumpIfEqual(136, 0, 1), ret(ACCEPT_WHOLE_FRAME), ret(0)];
const socket = openPacketSocket({ ifname, netns, filter, allMulticast: true });
const mac = process.env['BENCH_MAC'] ?? '02:00:00:00:00:01';
const source = process.env['BENCH_SOURCE'] ?? '2001:db8::1';
const frame = nsFrame({ target: targetText, source, sourceMac: mac, options: [{ type: 'source-lla', address: mac }] });
let onAnswer: (() => void) | undefined;
let answers = 0;
socket.on('frame', (f) => {
  if (f.length >= 78 && addressFromBytes(f, 62).value === target) {
    answers++;
    onAnswer?.();
  }
});

if (mode === 'latency') {
  const count = Number(a);
  const samples: number[] = [];
  let lost = 0;
  for (let i = 0; i < count; i++) {
    const started = process.hrtime.bigint();
    const got = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 1000);
      onAnswer = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
    socket.send(frame);
    if (await got) samples.push(Number(process.hrtime.bigint() - started) / 1000);
    else lost++;
    onAnswer = undefined;
  }
  samples.sort((x, y) => x - y);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? NaN;
  console.log(JSON.stringify({ count, lost, p50us: at(0.5), p99us: at(0.99) }));
} else {
  const perSecond = Number(a);
  const seconds = Number(b ?? '2');
  const total = perSecond * seconds;
  const batch = Math.max(1, Math.floor(perSecond / 100));
  const started = Date.now();
  for (let i = 0; i < total; i += batch) {
    for (let j = i; j < Math.min(total, i + batch); j++) socket.send(frame);
    await sleep(Math.max(0, started + ((i + batch) / perSecond) * 1000 - Date.now()));
  }
  await sleep(1200);
  console.log(JSON.stringify({ perSecond, sent: total, answered: answers, ms: Date.now() - started }));
}
socket.close();
