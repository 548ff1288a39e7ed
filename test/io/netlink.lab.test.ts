// The netlink socket against the real kernel: requests and dumps land in the namespace asked for,
// refusals come back by sequence number with the kernel's own errno, and a subscription hears a
// change made by another program (ip).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { NetlinkSocket, NETLINK_ROUTE, subscribe } from '../../src/io/netlink.ts';
import { attrString, NetlinkWriter, NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST, parseAttrs, type NetlinkMessage } from '../../src/proto/netlink/message.ts';
import { labSkipReason, withLab, type LabSpec } from '../lab/index.ts';

const skip = labSkipReason();
const SPEC: LabSpec = { nodes: { a: {}, b: {} }, links: [{ a: ['a', 'nla0'], b: ['b', 'nlb0'] }] };

const RTM_NEWLINK = 16;
const RTM_GETLINK = 18;
const RTM_DELADDR = 21;
const IFLA_IFNAME = 3;
const IFA_ADDRESS = 1;
const AF_INET6 = 10;

function linkNames(sock: NetlinkSocket): string[] {
  const w = new NetlinkWriter();
  const seq = sock.nextSeq();
  w.begin(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, seq).bytes(new Uint8Array(16)).end();
  const names: string[] = [];
  sock.dump(w.view(), seq, (m) => {
    const name = parseAttrs(m.buf, m.payload + 16, m.end).get(IFLA_IFNAME);
    if (name !== undefined) names.push(attrString(m.buf, name));
  });
  return names.sort();
}

/** RTM_DELADDR of an address nobody has: the kernel refuses it with EADDRNOTAVAIL. */
function deleteMissingAddress(w: NetlinkWriter, seq: number, ifindex: number, flags: number): void {
  const ifa = Buffer.alloc(8);
  ifa[0] = AF_INET6;
  ifa[1] = 64;
  ifa.writeUInt32LE(ifindex, 4);
  w.begin(RTM_DELADDR, NLM_F_REQUEST | flags, seq).bytes(ifa).attr(IFA_ADDRESS, Buffer.from('20010db8000000000000000000000099', 'hex')).end();
}

test('a netlink socket opened for a namespace dumps that namespace', { skip }, () =>
  withLab(SPEC, async (lab) => {
    const a = NetlinkSocket.open(NETLINK_ROUTE, lab.ns('a'));
    const b = NetlinkSocket.open(NETLINK_ROUTE, lab.ns('b'));
    try {
      assert.deepEqual(linkNames(a), ['lo', 'nla0']);
      assert.deepEqual(linkNames(b), ['lo', 'nlb0']);
    } finally {
      a.close();
      b.close();
    }
  }));

test('a batch in one datagram: only refusals and the final ack answer, each by its sequence number', { skip }, () =>
  withLab(SPEC, async (lab) => {
    const sock = NetlinkSocket.open(NETLINK_ROUTE, lab.ns('a'));
    try {
      const ifindex = await lab.ifindex('a', 'nla0');
      const w = new NetlinkWriter();
      const seqs = [sock.nextSeq(), sock.nextSeq(), sock.nextSeq()];
      deleteMissingAddress(w, seqs[0]!, ifindex, 0);
      deleteMissingAddress(w, seqs[1]!, ifindex, 0);
      deleteMissingAddress(w, seqs[2]!, ifindex, NLM_F_ACK);
      const { refused, replies } = sock.exchange(w.view(), new Set([seqs[2]!]));
      assert.deepEqual([...refused.keys()], seqs);
      for (const r of refused.values()) assert.equal(r.code, 'EADDRNOTAVAIL');
      assert.deepEqual(replies, []);
    } finally {
      sock.close();
    }
  }));

test('a batch sent from the pool thread is answered the same way; a send on a closed socket rejects', { skip }, () =>
  withLab(SPEC, async (lab) => {
    const sock = NetlinkSocket.open(NETLINK_ROUTE, lab.ns('a'));
    try {
      const ifindex = await lab.ifindex('a', 'nla0');
      const w = new NetlinkWriter();
      const seqs = [sock.nextSeq(), sock.nextSeq()];
      deleteMissingAddress(w, seqs[0]!, ifindex, 0);
      deleteMissingAddress(w, seqs[1]!, ifindex, NLM_F_ACK);
      const { refused } = await sock.exchangeInBackground(w.view(), new Set([seqs[1]!]));
      assert.deepEqual([...refused.keys()], seqs);
      assert.deepEqual([...refused.values()].map((r) => r.code), ['EADDRNOTAVAIL', 'EADDRNOTAVAIL']);
    } finally {
      sock.close();
    }
    await assert.rejects(sock.sendInBackground(new Uint8Array(16)), { code: 'EBADF' });
  }));

test('a subscription hears a link change another program makes', { skip }, () =>
  withLab(SPEC, async (lab) => {
    const seen: NetlinkMessage[] = [];
    const sub = subscribe(NETLINK_ROUTE, [1 /* RTNLGRP_LINK */], (ms) => seen.push(...ms), (e) => assert.fail(e), lab.ns('b'));
    try {
      await lab.exec('b', ['ip', 'link', 'set', 'nlb0', 'mtu', '1400']);
      await lab.waitFor(() => seen.some((m) => m.type === RTM_NEWLINK), { timeoutMs: 5_000, what: 'an RTM_NEWLINK event' });
    } finally {
      sub.close();
    }
  }));

test('a subscription that overflowed reports the loss and keeps listening', { skip }, () =>
  withLab(SPEC, async (lab) => {
    const seen: NetlinkMessage[] = [];
    let lost = 0;
    const sub = subscribe(NETLINK_ROUTE, [1 /* RTNLGRP_LINK */, 11 /* RTNLGRP_IPV6_ROUTE */], (ms) => seen.push(...ms), () => lost++, lab.ns('b'));
    try {
      // 60,000 route notifications while the event loop is blocked overflow the 32 MiB buffer.
      const lines = Array.from({ length: 60_000 }, (_, i) => `route add 2001:db8:${(i >> 8).toString(16)}:${(i & 255).toString(16)}::/64 dev nlb0`);
      execFileSync('ip', ['-n', lab.ns('b'), '-6', '-batch', '-'], { input: `${lines.join('\n')}\n` });
      await lab.waitFor(() => lost > 0, { timeoutMs: 5_000, what: 'the lost-events report' });
      seen.length = 0;
      await lab.exec('b', ['ip', 'link', 'set', 'nlb0', 'mtu', '1300']);
      await lab.waitFor((note) => {
        note({ seen: seen.length, lost });
        return seen.some((m) => m.type === RTM_NEWLINK);
      }, { timeoutMs: 5_000, what: 'an event after the overflow' });
    } finally {
      sub.close();
    }
  }));
