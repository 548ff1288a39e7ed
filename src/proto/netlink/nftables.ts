// nf_tables over nfnetlink (include/uapi/linux/netfilter/nf_tables.h, nfnetlink.h): the set
// element transaction, the dump requests we need, and the replies and notifications read back.
// Pure: it builds and walks bytes; src/backends/nft does the I/O.
//
// A transaction is NFNL_MSG_BATCH_BEGIN (res_id = NFNL_SUBSYS_NFTABLES), the changes, and
// NFNL_MSG_BATCH_END, all in one datagram: the kernel applies all of it or none. Every message
// asks for an ack, so the caller learns of each refusal by sequence number (with the kernel's
// extended-ack sentence) and of success by the end message's ack.
import { forEachAttr, NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REQUEST, attrString, parseAttrs, type NetlinkMessage, NetlinkWriter } from './message.ts';
import { NFT_SET_ELEM_INTERVAL_END, type WireElement } from './nft-elements.ts';

export const NFNL_SUBSYS_NFTABLES = 10;
export const NFNL_MSG_BATCH_BEGIN = 0x10;
export const NFNL_MSG_BATCH_END = 0x11;
/** The multicast group of nf_tables notifications (enum nfnetlink_groups). */
export const NFNLGRP_NFTABLES = 7;
export const NFPROTO_INET = 1;

export const NFT_MSG_GETRULE = 7;
export const NFT_MSG_GETSET = 10;
export const NFT_MSG_NEWSETELEM = 12;
export const NFT_MSG_GETSETELEM = 13;
export const NFT_MSG_DELSETELEM = 14;
export const NFT_MSG_NEWGEN = 15;
export const NFT_MSG_GETOBJ = 19;

/** The netlink message type of an nf_tables message. */
export const nftType = (msg: number): number => (NFNL_SUBSYS_NFTABLES << 8) | msg;
/** The nf_tables message of a netlink type, or undefined for another subsystem's. */
export const nftMessageOf = (type: number): number | undefined => (type >> 8 === NFNL_SUBSYS_NFTABLES ? type & 0xff : undefined);

const NFTA_SET_ELEM_LIST_TABLE = 1;
const NFTA_SET_ELEM_LIST_SET = 2;
const NFTA_SET_ELEM_LIST_ELEMENTS = 3;
const NFTA_LIST_ELEM = 1;
const NFTA_SET_ELEM_KEY = 1;
const NFTA_SET_ELEM_FLAGS = 3;
const NFTA_SET_ELEM_USERDATA = 6;
const NFTA_SET_ELEM_KEY_END = 10;
const NFTA_DATA_VALUE = 1;
const NFTA_SET_TABLE = 1;
const NFTA_RULE_TABLE = 1;
const NFTA_RULE_CHAIN = 2;
const NFTA_RULE_USERDATA = 7;
const NFTA_OBJ_TABLE = 1;
const NFTA_OBJ_NAME = 2;
const NFTA_OBJ_TYPE = 3;
const NFTA_OBJ_DATA = 4;
const NFT_OBJECT_COUNTER = 1;
const NFTA_COUNTER_BYTES = 1;
const NFTA_COUNTER_PACKETS = 2;
const NFTA_GEN_PROC_PID = 2;
/** libnftnl's rule userdata: a TLV list whose type 0 is the comment (NFTNL_UDATA_RULE_COMMENT). */
const NFTNL_UDATA_RULE_COMMENT = 0;

/** The nested attribute holding a message's elements must stay under the 16-bit length. */
export const MAX_ELEMENTS_NEST = 0xffff - 256;

/** nfgenmsg: family, version 0, resource id (big-endian). */
function nfgenmsg(family: number, resId = 0): Uint8Array {
  return Uint8Array.of(family, 0, (resId >> 8) & 0xff, resId & 0xff);
}

/** One change of a transaction: elements added to or deleted from one set. */
export interface ElementChange {
  readonly op: 'add' | 'delete';
  readonly set: string;
  readonly elements: readonly WireElement[];
}

/** A message of the transaction, to match the kernel's answers to the change they belong to. */
export interface SentMessage {
  readonly seq: number;
  /** Index into the changes given to `elementTransaction`. */
  readonly change: number;
  /** Index into the change's elements of this message's first element. */
  readonly first: number;
  /** Each element's offset from the start of the message (the kernel's extended ack names one). */
  readonly offsets: readonly number[];
}

/** The index into its change's elements of the element at `offset` of `message` (an extack offset). */
export function elementAtOffset(message: SentMessage, offset: number): number | undefined {
  let found: number | undefined;
  message.offsets.forEach((o, i) => {
    if (o <= offset) found = i;
  });
  return found === undefined ? undefined : message.first + found;
}

export interface Transaction {
  readonly datagram: Uint8Array;
  readonly messages: readonly SentMessage[];
  /** The BATCH_END's sequence number: its ack means the transaction committed. */
  readonly endSeq: number;
  /** Every sequence number that will be answered. */
  readonly answered: ReadonlySet<number>;
}

function nestedElementSize(e: WireElement): number {
  const nla = (n: number) => 4 + ((n + 3) & ~3);
  return (
    nla(nla(e.key.length)) +
    (e.keyEnd === undefined ? 0 : nla(nla(e.keyEnd.length))) +
    (e.flags === undefined ? 0 : nla(4)) +
    (e.userdata === undefined ? 0 : nla(e.userdata.length)) +
    4
  );
}

/** Every rbtree end element carries this NFTA_SET_ELEM_FLAGS value (big-endian, NLA_BE32): made once, not once an element. */
const INTERVAL_END_FLAG = Uint8Array.of(0, 0, 0, NFT_SET_ELEM_INTERVAL_END);

function flagBytes(flags: number): Uint8Array {
  return flags === NFT_SET_ELEM_INTERVAL_END ? INTERVAL_END_FLAG : Uint8Array.of(flags >>> 24, (flags >>> 16) & 0xff, (flags >>> 8) & 0xff, flags & 0xff);
}

/** libnftnl numbers the list's nests 1, 2, 3… where the header names NFTA_LIST_ELEM (1); the kernel reads either, and we send what nft sends. */
function writeElement(w: NetlinkWriter, e: WireElement, index: number): void {
  w.nest(NFTA_LIST_ELEM + index);
  if (e.flags !== undefined) w.attr(NFTA_SET_ELEM_FLAGS, flagBytes(e.flags));
  w.nest(NFTA_SET_ELEM_KEY).attr(NFTA_DATA_VALUE, e.key).end();
  if (e.keyEnd !== undefined) w.nest(NFTA_SET_ELEM_KEY_END).attr(NFTA_DATA_VALUE, e.keyEnd).end();
  if (e.userdata !== undefined) w.attr(NFTA_SET_ELEM_USERDATA, e.userdata);
  w.end();
}

/**
 * One all-or-nothing transaction of element changes to table `family table`. A change whose
 * elements do not fit one 64 KiB nested attribute becomes several messages. Additions carry
 * NLM_F_EXCL, so a duplicate is refused (EEXIST) rather than silently accepted; an overlap is
 * refused either way.
 */
export function elementTransaction(table: string, changes: readonly ElementChange[], nextSeq: () => number, family = NFPROTO_INET): Transaction {
  const w = new NetlinkWriter();
  const messages: SentMessage[] = [];
  w.begin(NFNL_MSG_BATCH_BEGIN, NLM_F_REQUEST, nextSeq()).bytes(nfgenmsg(0, NFNL_SUBSYS_NFTABLES)).end();
  changes.forEach((c, index) => {
    const type = nftType(c.op === 'add' ? NFT_MSG_NEWSETELEM : NFT_MSG_DELSETELEM);
    const flags = NLM_F_REQUEST | NLM_F_ACK | (c.op === 'add' ? NLM_F_CREATE | NLM_F_EXCL : 0);
    let at = 0;
    while (at < c.elements.length) {
      const seq = nextSeq();
      const start = w.length;
      const offsets: number[] = [];
      w.begin(type, flags, seq).bytes(nfgenmsg(family)).string(NFTA_SET_ELEM_LIST_TABLE, table).string(NFTA_SET_ELEM_LIST_SET, c.set);
      w.nest(NFTA_SET_ELEM_LIST_ELEMENTS);
      let size = 4;
      const from = at;
      while (at < c.elements.length) {
        const e = c.elements[at]!;
        const n = nestedElementSize(e);
        if (at > from && size + n > MAX_ELEMENTS_NEST) break;
        offsets.push(w.length - start);
        writeElement(w, e, at - from);
        size += n;
        at++;
      }
      w.end().end();
      messages.push({ seq, change: index, first: from, offsets });
    }
  });
  const endSeq = nextSeq();
  w.begin(NFNL_MSG_BATCH_END, NLM_F_REQUEST | NLM_F_ACK, endSeq).bytes(nfgenmsg(0, NFNL_SUBSYS_NFTABLES)).end();
  return { datagram: w.view(), messages, endSeq, answered: new Set([...messages.map((m) => m.seq), endSeq]) };
}

/** A GETSETELEM dump request: every element of one set. */
export function setElementsDumpRequest(table: string, set: string, seq: number, family = NFPROTO_INET): Uint8Array {
  const w = new NetlinkWriter(256);
  w.begin(nftType(NFT_MSG_GETSETELEM), NLM_F_REQUEST | NLM_F_DUMP, seq).bytes(nfgenmsg(family));
  return w.string(NFTA_SET_ELEM_LIST_TABLE, table).string(NFTA_SET_ELEM_LIST_SET, set).end().view();
}

/** A GETSET dump request: the sets of one table. */
export function setsDumpRequest(table: string, seq: number, family = NFPROTO_INET): Uint8Array {
  const w = new NetlinkWriter(256);
  return w.begin(nftType(NFT_MSG_GETSET), NLM_F_REQUEST | NLM_F_DUMP, seq).bytes(nfgenmsg(family)).string(NFTA_SET_TABLE, table).end().view();
}

/** A GETRULE dump request: the rules of one table. */
export function rulesDumpRequest(table: string, seq: number, family = NFPROTO_INET): Uint8Array {
  const w = new NetlinkWriter(256);
  return w.begin(nftType(NFT_MSG_GETRULE), NLM_F_REQUEST | NLM_F_DUMP, seq).bytes(nfgenmsg(family)).string(NFTA_RULE_TABLE, table).end().view();
}

/** A GETOBJ dump request: the named counters of one table. */
export function countersDumpRequest(table: string, seq: number, family = NFPROTO_INET): Uint8Array {
  const w = new NetlinkWriter(256);
  w.begin(nftType(NFT_MSG_GETOBJ), NLM_F_REQUEST | NLM_F_DUMP, seq).bytes(nfgenmsg(family));
  return w.string(NFTA_OBJ_TABLE, table).be32(NFTA_OBJ_TYPE, NFT_OBJECT_COUNTER).end().view();
}

/** A NEWSETELEM/DELSETELEM/GETSETELEM message's set and elements. */
export interface SetElementsMessage {
  readonly family: number;
  readonly table: string;
  readonly set: string;
  readonly elements: WireElement[];
}

/** `[from, to)` of the receive buffer, copied byte by byte: for keys of 16–40 bytes cheaper than slice's Buffer. */
function copy(buf: Buffer, from: number, to: number): Uint8Array {
  const out = new Uint8Array(to - from);
  for (let i = from; i < to; i++) out[i - from] = buf[i]!;
  return out;
}

/** The NFTA_DATA_VALUE inside the nested NFTA_DATA attribute at `[from, to)`, copied (the last if repeated, as nla_parse keeps). */
function dataValue(buf: Buffer, from: number, to: number): Uint8Array | undefined {
  let value: Uint8Array | undefined;
  forEachAttr(buf, from, to, (type, start, end) => {
    if (type === NFTA_DATA_VALUE) value = copy(buf, start, end);
  });
  return value;
}

/**
 * One NFTA_LIST_ELEM's element, or undefined when it has no key. Walked by hand, not through
 * parseAttrs: a dump of a fleet's sets holds some 50,000 of these, and a Map per element was
 * most of the reading cost. Malformed attributes throw as forEachAttr's do.
 */
function parseElement(buf: Buffer, from: number, to: number): WireElement | undefined {
  let key: Uint8Array | undefined;
  let keyEnd: Uint8Array | undefined;
  let flags: number | undefined;
  let userdata: Uint8Array | undefined;
  forEachAttr(buf, from, to, (type, start, end) => {
    if (type === NFTA_SET_ELEM_KEY) key = dataValue(buf, start, end);
    else if (type === NFTA_SET_ELEM_KEY_END) keyEnd = dataValue(buf, start, end);
    else if (type === NFTA_SET_ELEM_FLAGS) flags = buf.readUInt32BE(start);
    else if (type === NFTA_SET_ELEM_USERDATA) userdata = copy(buf, start, end);
  });
  if (key === undefined) return undefined;
  const e: { key: Uint8Array; keyEnd?: Uint8Array; flags?: number; userdata?: Uint8Array } = { key };
  if (keyEnd !== undefined) e.keyEnd = keyEnd;
  if (flags !== undefined) e.flags = flags;
  if (userdata !== undefined) e.userdata = userdata;
  return e;
}

export function parseSetElements(m: NetlinkMessage): SetElementsMessage {
  const { buf, payload, end } = m;
  const attrs = parseAttrs(buf, payload + 4, end);
  const table = attrs.get(NFTA_SET_ELEM_LIST_TABLE);
  const set = attrs.get(NFTA_SET_ELEM_LIST_SET);
  const list = attrs.get(NFTA_SET_ELEM_LIST_ELEMENTS);
  const elements: WireElement[] = [];
  if (list !== undefined) {
    forEachAttr(buf, list[0], list[1], (_type, from, to) => {
      const e = parseElement(buf, from, to);
      if (e !== undefined) elements.push(e);
    });
  }
  return {
    family: buf.readUInt8(payload),
    table: table === undefined ? '' : attrString(buf, table),
    set: set === undefined ? '' : attrString(buf, set),
    elements,
  };
}

/** A rule's chain and comment (nft keeps the comment in the rule's userdata TLVs). */
export function parseRuleComment(m: NetlinkMessage): { chain: string; comment: string | undefined } {
  const { buf, payload, end } = m;
  const attrs = parseAttrs(buf, payload + 4, end);
  const chain = attrs.get(NFTA_RULE_CHAIN);
  const udata = attrs.get(NFTA_RULE_USERDATA);
  let comment: string | undefined;
  if (udata !== undefined) {
    // libnftnl's udata TLVs: a 1-byte type and a 1-byte length, no padding.
    for (let at = udata[0]; at + 2 <= udata[1]; at += 2 + buf[at + 1]!) {
      if (buf[at] === NFTNL_UDATA_RULE_COMMENT) comment = attrString(buf, [at + 2, Math.min(udata[1], at + 2 + buf[at + 1]!)]);
    }
  }
  return { chain: chain === undefined ? '' : attrString(buf, chain), comment };
}

/** A named counter and its values (GETOBJ replies of type counter). */
export function parseCounter(m: NetlinkMessage): { name: string; packets: number; bytes: number } {
  const { buf } = m;
  const attrs = parseAttrs(buf, m.payload + 4, m.end);
  const name = attrs.get(NFTA_OBJ_NAME);
  const data = attrs.get(NFTA_OBJ_DATA);
  const values = data === undefined ? new Map<number, readonly [number, number]>() : parseAttrs(buf, data[0], data[1]);
  const u64 = (type: number) => {
    const v = values.get(type);
    return v === undefined ? 0 : Number(buf.readBigUInt64BE(v[0]));
  };
  return { name: name === undefined ? '' : attrString(buf, name), packets: u64(NFTA_COUNTER_PACKETS), bytes: u64(NFTA_COUNTER_BYTES) };
}

/** The process that made a generation (NFT_MSG_NEWGEN's NFTA_GEN_PROC_PID), if it said. */
export function generationPid(m: NetlinkMessage): number | undefined {
  const pid = parseAttrs(m.buf, m.payload + 4, m.end).get(NFTA_GEN_PROC_PID);
  return pid === undefined ? undefined : m.buf.readUInt32BE(pid[0]);
}
