// Table inet v6edge's set elements, rule comments and counters over nfnetlink, on one socket per
// namespace (opened on first use): the part of nft's work that costs nothing in the kernel but
// seconds in nft 1.0.6, which loads every element of the table into its cache for any element
// change or listing (2.5–6 s at 100,000 elements, measured before this path existed).
//
// Element changes go as nf_tables transactions (src/proto/netlink/nftables.ts): all or nothing,
// each refusal named by set, element, errno name and the kernel's own sentence when it gave one.
// One transaction must fit one datagram, and a datagram the socket's send buffer: a change larger
// than MAX_TRANSACTION_BYTES (32 MiB: about 500,000 interval elements) goes as several transactions in
// order, each all or nothing; if a later one is refused the earlier ones stay, and the report says
// so (the next pass plans what is missing).
import { problem, type Problem } from '../../lib/result.ts';
import { NETLINK_NETFILTER, NetlinkSocket, refusalOf, type NetlinkRefusal } from '../../io/netlink.ts';
import { NLMSG_ERROR, parseAck } from '../../proto/netlink/message.ts';
import { decodeElements, encodeElement, type SetShape, type WireElement } from '../../proto/netlink/nft-elements.ts';
import {
  countersDumpRequest, elementAtOffset, elementTransaction, parseCounter, parseRuleComment, parseSetElements, rulesDumpRequest,
  setElementsDumpRequest, type ElementChange, type SentMessage,
} from '../../proto/netlink/nftables.ts';

/**
 * The largest transaction datagram: netlink refuses a datagram larger than the send buffer, for
 * which the addon asks 32 MiB (about 500,000 interval elements): a first load of a 10,000-host
 * fleet is one transaction, so it commits whole or not at all.
 */
const MAX_TRANSACTION_BYTES = 32 * 1024 * 1024 - 4096;

/** Element changes of one set, by key text. */
export interface KeyChange {
  readonly op: 'add' | 'delete';
  readonly set: SetShape;
  readonly keys: readonly string[];
}

/** What a run of transactions did: the first `applied` changes went in whole; the rest did not (or not wholly), and `failure` says why. */
export interface ElementReport {
  readonly applied: number;
  readonly failure?: Problem;
}

interface Encoded extends ElementChange {
  /** For each wire element, the index of its key in the change. */
  readonly keyOf: readonly number[];
  readonly source: number;
}

const ERRNO_MEANING: Readonly<Record<string, string>> = {
  EEXIST: 'it overlaps or duplicates an element already in the set',
  ENOENT: 'no such element (or set) exists',
  ENOTEMPTY: 'it overlaps an element already in the set',
  EINVAL: 'the kernel found it malformed',
};

function encode(changes: readonly KeyChange[]): Encoded[] | { change: number; problem: Problem } {
  const out: Encoded[] = [];
  for (const [source, c] of changes.entries()) {
    const elements: WireElement[] = [];
    const keyOf: number[] = [];
    for (const [i, key] of c.keys.entries()) {
      const r = encodeElement(c.set, key);
      if (!r.ok) return { change: source, problem: r.error };
      for (const e of r.value) {
        elements.push(e);
        keyOf.push(i);
      }
    }
    out.push({ op: c.op, set: c.set.name, elements, keyOf, source });
  }
  return out;
}

/** Rough wire size of an element, to cut transactions under the datagram limit. */
const wireSize = (e: WireElement): number => 40 + e.key.length + (e.keyEnd?.length ?? 0) + (e.userdata?.length ?? 0);

/** Splits the changes into runs that each fit one transaction datagram. */
function cut(changes: readonly Encoded[]): Encoded[][] {
  const runs: Encoded[][] = [[]];
  let size = 0;
  for (const c of changes) {
    let at = 0;
    while (at < c.elements.length) {
      let end = at;
      while (end < c.elements.length && (size + wireSize(c.elements[end]!) <= MAX_TRANSACTION_BYTES || (end === at && size === 0))) {
        size += wireSize(c.elements[end]!);
        end++;
      }
      // An rbtree interval's start and end stay in one transaction.
      if (end < c.elements.length && end > at && c.keyOf[end] === c.keyOf[end - 1]) end--;
      if (end > at) runs.at(-1)!.push({ ...c, elements: c.elements.slice(at, end), keyOf: c.keyOf.slice(at, end) });
      at = end;
      if (at < c.elements.length) {
        runs.push([]);
        size = 0;
      }
    }
  }
  return runs.filter((r) => r.length > 0);
}

function refusalProblem(change: KeyChange, key: string | undefined, r: NetlinkRefusal, earlier: number): Problem {
  const verb = change.op === 'add' ? 'adding' : 'deleting';
  const what = key === undefined ? `${verb} elements` : `${verb} ${key}`;
  const why = r.message ?? ERRNO_MEANING[r.code] ?? 'refused';
  const kept = earlier > 0 ? ` (${earlier} earlier transaction${earlier === 1 ? '' : 's'} of this batch went in)` : '';
  return problem('nft-refused', `table inet v6edge, set ${change.set.name}: the kernel refused ${what}: ${r.code} (${why}), so the transaction changed nothing${kept}`);
}

export class NftNetlink {
  readonly #netns: string | undefined;
  readonly #table: string;
  #socket: NetlinkSocket | undefined;
  /** The operation running now; the next waits for it (a read must not take a transaction's answers). */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(table: string, netns?: string) {
    this.#table = table;
    this.#netns = netns;
  }

  #open(): NetlinkSocket {
    this.#socket ??= NetlinkSocket.open(NETLINK_NETFILTER, this.#netns);
    return this.#socket;
  }

  /** Runs `f` after the operation before it; a failure drops the socket (stray answers may be queued on it). */
  #use<T>(f: () => T | Promise<T>): Promise<T> {
    const run = this.#queue.then(async () => {
      try {
        return await f();
      } catch (e) {
        this.close();
        throw e;
      }
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Applies the changes in order, as few all-or-nothing transactions as fit the datagram limit.
   * Each transaction is sent from a pool thread: the kernel commits it inside the send (~0.2 s
   * for a fleet's 30,000 elements, the published ports' pipapo set most of it), and this thread
   * goes on meanwhile (with the route batch of the same pass, on the other core).
   */
  apply(changes: readonly KeyChange[]): Promise<ElementReport> {
    return this.#use(() => this.#apply(changes));
  }

  async #apply(changes: readonly KeyChange[]): Promise<ElementReport> {
    const encoded = encode(changes);
    if (!Array.isArray(encoded)) return { applied: encoded.change, failure: encoded.problem };
    const runs = cut(encoded);
    for (const [n, run] of runs.entries()) {
      const refusal = await this.#commit(run);
      if (refusal === undefined) continue;
      const source = changes[refusal.change.source]!;
      const key = refusal.key === undefined ? undefined : source.keys[refusal.key];
      // The whole run was rolled back: its first change is the first not wholly in place.
      return { applied: run[0]!.source, failure: refusalProblem(source, key, refusal.refused, n) };
    }
    return { applied: changes.length };
  }

  /** One transaction; the first refusal, located to a change and key, or undefined when it committed. */
  async #commit(run: readonly Encoded[]): Promise<{ change: Encoded; key: number | undefined; refused: NetlinkRefusal } | undefined> {
    const socket = this.#open();
    const tx = elementTransaction(this.#table, run, () => socket.nextSeq());
    // Every message is answered (ack or error); the end is acknowledged only when the
    // transaction committed, after the messages' answers.
    const { refused } = await socket.exchangeInBackground(tx.datagram, new Set(tx.messages.map((m) => m.seq)));
    const first = tx.messages.find((m) => refused.has(m.seq));
    if (first !== undefined) return this.#locate(run, first, refused.get(first.seq)!);
    const committed = this.#awaitEnd(socket, tx.endSeq);
    if (committed === undefined) return undefined;
    return { change: run[0]!, key: undefined, refused: committed };
  }

  #locate(run: readonly Encoded[], m: SentMessage, r: NetlinkRefusal) {
    const change = run[m.change]!;
    const element = r.offset === undefined ? undefined : elementAtOffset(m, r.offset);
    return { change, key: element === undefined ? undefined : change.keyOf[element], refused: r };
  }

  /** Waits for the end's ack; an error there is a refused commit. */
  #awaitEnd(socket: NetlinkSocket, endSeq: number): NetlinkRefusal | undefined {
    for (;;) {
      for (const m of socket.receive()) {
        if (m.type !== NLMSG_ERROR) continue;
        const ack = parseAck(m);
        if (ack.errno !== 0) return refusalOf(ack);
        if (ack.seq === endSeq) return undefined;
      }
    }
  }

  /** Every element of `set`, as key text. */
  readElements(set: SetShape): Promise<string[]> {
    return this.#use(() => this.#readElements(set));
  }

  #readElements(set: SetShape): string[] {
    const socket = this.#open();
    const seq = socket.nextSeq();
    const elements: WireElement[] = [];
    socket.dump(setElementsDumpRequest(this.#table, set.name, seq), seq, (m) => {
      for (const e of parseSetElements(m).elements) elements.push(e);
    });
    return decodeElements(set, elements);
  }

  /** Rule comments by chain, in rule order. */
  readRuleComments(): Promise<Map<string, string[]>> {
    return this.#use(() => this.#readRuleComments());
  }

  #readRuleComments(): Map<string, string[]> {
    const socket = this.#open();
    const seq = socket.nextSeq();
    const out = new Map<string, string[]>();
    socket.dump(rulesDumpRequest(this.#table, seq), seq, (m) => {
      const { chain, comment } = parseRuleComment(m);
      const list = out.get(chain) ?? [];
      list.push(comment ?? '');
      out.set(chain, list);
    });
    return out;
  }

  /** The table's named counters with their values. */
  readCounters(): Promise<Map<string, { packets: number; bytes: number }>> {
    return this.#use(() => this.#readCounters());
  }

  #readCounters(): Map<string, { packets: number; bytes: number }> {
    const socket = this.#open();
    const seq = socket.nextSeq();
    const out = new Map<string, { packets: number; bytes: number }>();
    socket.dump(countersDumpRequest(this.#table, seq), seq, (m) => {
      const c = parseCounter(m);
      out.set(c.name, { packets: c.packets, bytes: c.bytes });
    });
    return out;
  }

  close(): void {
    this.#socket?.close();
    this.#socket = undefined;
  }
}
