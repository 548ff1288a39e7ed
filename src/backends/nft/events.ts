// nf_tables change notifications (multicast group NFNLGRP_NFTABLES) in place of `nft monitor`.
// The kernel announces a committed transaction as its changes followed by NFT_MSG_NEWGEN, which
// names the process that made it (NFTA_GEN_PROC_PID). A generation made by this process is the
// echo of our own element transactions (sent synchronously from the main thread, so the kernel
// sees our pid) and is no event; any other generation is someone else's change, and so is a lost-
// events error (the socket's buffer overflowed: we no longer know what changed).
import { NETLINK_NETFILTER, subscribe } from '../../io/netlink.ts';
import type { NetlinkMessage } from '../../proto/netlink/message.ts';
import { generationPid, NFNLGRP_NFTABLES, NFT_MSG_NEWGEN, nftMessageOf } from '../../proto/netlink/nftables.ts';
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
      if (pid !== this.#ownPid) this.#foreign(`nft event: generation by process ${pid ?? 'unknown'}: ${changes.slice(0, 3).join(', ') || 'no details'}`);
    }
  }
}

export function watchNftables(netns: string | undefined, onChange: (why: string) => void): Unsubscribe {
  const sorter = new GenerationSorter(process.pid, onChange);
  const sub = subscribe(
    NETLINK_NETFILTER,
    [NFNLGRP_NFTABLES],
    (messages) => sorter.push(messages),
    (error) => onChange(`nft events lost (${error.message}): reading the table again`),
    netns,
  );
  return () => sub.close();
}
