// nf_tables change notifications (multicast group NFNLGRP_NFTABLES) in place of `nft monitor`.
// The kernel announces a committed transaction as its changes followed by NFT_MSG_NEWGEN, which
// names the process that made it (NFTA_GEN_PROC_PID). A generation made by this process is the
// echo of our own element transactions (sent synchronously from the main thread, so the kernel
// sees our pid) and is no event; any other generation is someone else's change, and so is a lost-
// events error (the socket's buffer overflowed: we no longer know what changed). Set element
// notices are filtered out in the kernel: the generation message alone tells whose change it was.
import { NETLINK_NETFILTER, subscribe } from '../../io/netlink.ts';
import type { NetlinkMessage } from '../../proto/netlink/message.ts';
import { ACCEPT_WHOLE, jumpIfEqual, loadHalf, netlinkTypeAsLoaded, NLMSG_TYPE_OFFSET, ret, type BpfInstruction } from '../../io/bpf.ts';
import {
  generationPid, NFNLGRP_NFTABLES, NFT_MSG_DELSETELEM, NFT_MSG_NEWGEN, NFT_MSG_NEWSETELEM, nftMessageOf, nftType,
} from '../../proto/netlink/nftables.ts';
import type { Unsubscribe } from '../types.ts';

const NAMES: Readonly<Record<number, string>> = {
  0: 'new table', 2: 'delete table', 3: 'new chain', 5: 'delete chain', 6: 'new rule', 8: 'delete rule',
  9: 'new set', 11: 'delete set', 12: 'new set element', 14: 'delete set element', 18: 'new object', 20: 'delete object',
};

/** Sorts notifications into generations; `foreign` hears each generation another process made. */
export class GenerationSorter {
  readonly #ownPid: number;
  readonly #foreign: (why: string) => void;
  #pending: string[] = [];

  constructor(ownPid: number, foreign: (why: string) => void) {
    this.#ownPid = ownPid;
    this.#foreign = foreign;
  }

  push(messages: readonly NetlinkMessage[]): void {
    for (const m of messages) {
      const msg = nftMessageOf(m.type);
      if (msg === undefined) continue;
      if (msg !== NFT_MSG_NEWGEN) {
        this.#pending.push(NAMES[msg] ?? `nf_tables message ${msg}`);
        continue;
      }
      const pid = generationPid(m);
      const changes = this.#pending;
      this.#pending = [];
      if (pid !== this.#ownPid) this.#foreign(`nft event: generation by process ${pid ?? 'unknown'}: ${changes.slice(0, 3).join(', ') || 'set elements'}`);
    }
  }
}

/**
 * Drops set element notifications in the kernel, before they are queued: a first load of 30,000
 * elements would otherwise wake us 30,000 times (and overflow the socket). The generation message
 * that closes every transaction still comes, naming its process, and that is all `GenerationSorter`
 * needs to tell ours from someone else's.
 */
export function elementNoticeFilter(): BpfInstruction[] {
  return [
    /* 0 */ loadHalf(NLMSG_TYPE_OFFSET),
    /* 1 */ jumpIfEqual(netlinkTypeAsLoaded(nftType(NFT_MSG_NEWSETELEM)), 2, 0), // drop
    /* 2 */ jumpIfEqual(netlinkTypeAsLoaded(nftType(NFT_MSG_DELSETELEM)), 1, 0), // drop
    /* 3 */ ret(ACCEPT_WHOLE),
    /* 4 */ ret(0),
  ];
}

export function watchNftables(netns: string | undefined, onChange: (why: string) => void): Unsubscribe {
  const sorter = new GenerationSorter(process.pid, onChange);
  const sub = subscribe(
    NETLINK_NETFILTER,
    [NFNLGRP_NFTABLES],
    (messages) => sorter.push(messages),
    (error) => onChange(`nft events lost (${error.message}): reading the table again`),
    netns,
    elementNoticeFilter(),
  );
  return () => sub.close();
}
