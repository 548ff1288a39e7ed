// The BPF programs the event subscriptions attach, run on netlink messages as the kernel would run
// them: our own route echoes and every set element notice are dropped before they are queued;
// everything the loop must hear still comes through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ownEchoFilter } from '../../src/backends/kernel/events.ts';
import { elementNoticeFilter } from '../../src/backends/nft/events.ts';
import { NetlinkWriter } from '../../src/proto/netlink/message.ts';
import { runFilter } from '../io/bpf-interpreter.ts';

const RTM_NEWLINK = 16;
const RTM_NEWROUTE = 24;
const RTM_DELROUTE = 25;
const nft = (msg: number): number => (10 << 8) | msg;

/** One notification as the kernel multicasts it: a header and a payload starting with a family header. */
function notice(type: number, payload: number[]): Uint8Array {
  return Buffer.from(new NetlinkWriter().begin(type, 0, 0).bytes(Uint8Array.from(payload)).end().view());
}

/** struct rtmsg: family 10, dst_len 48, src_len, tos, table main, protocol, scope, type unicast, flags. */
const route = (type: number, protocol: number) => notice(type, [10, 48, 0, 0, 254, protocol, 0, 1, 0, 0, 0, 0]);

const keeps = (program: ReturnType<typeof ownEchoFilter>, bytes: Uint8Array): boolean => runFilter(program, bytes, { pktType: 0 }) >= bytes.length;

test('route events: our own route adds are dropped in the kernel, everything else is kept whole', () => {
  const filter = ownEchoFilter();
  const cases: Array<[string, Uint8Array, boolean]> = [
    ['our route added (protocol 250)', route(RTM_NEWROUTE, 250), false],
    ['a static route added (protocol 4)', route(RTM_NEWROUTE, 4), true],
    ['a kernel route added (protocol 2)', route(RTM_NEWROUTE, 2), true],
    ['our route deleted (drift)', route(RTM_DELROUTE, 250), true],
    ['a link changed', notice(RTM_NEWLINK, [0, 0, 0, 0, 250, 0, 0, 0]), true],
  ];
  for (const [what, bytes, kept] of cases) assert.equal(keeps(filter, bytes), kept, what);
});

test('nftables events: set element notices are dropped, generations and other changes kept', () => {
  const filter = elementNoticeFilter();
  const nfgen = [1, 0, 0, 0];
  const cases: Array<[string, Uint8Array, boolean]> = [
    ['new set element', notice(nft(12), nfgen), false],
    ['delete set element', notice(nft(14), nfgen), false],
    ['new generation', notice(nft(15), nfgen), true],
    ['delete table', notice(nft(2), nfgen), true],
    ['new rule', notice(nft(6), nfgen), true],
  ];
  for (const [what, bytes, kept] of cases) assert.equal(keeps(filter, bytes), kept, what);
});
