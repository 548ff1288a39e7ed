// Netlink framing (RFC 3549; the kernel's include/uapi/linux/netlink.h): message headers, type-
// length-value attributes, nested attributes, and the error/ack message. Pure, no I/O: a writer
// that packs many messages into one buffer (one datagram carries a whole batch) and a reader that
// walks what the kernel sent without copying. Numbers are host byte order (little-endian here),
// as the kernel writes them; attributes that carry network-order values say so at their use.

export const NLMSG_HDRLEN = 16;
export const NLA_HDRLEN = 4;

export const NLMSG_NOOP = 1;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;

export const NLM_F_REQUEST = 0x1;
export const NLM_F_MULTI = 0x2;
export const NLM_F_ACK = 0x4;
export const NLM_F_ECHO = 0x8;
export const NLM_F_DUMP_INTR = 0x10;
export const NLM_F_DUMP = 0x300;
export const NLM_F_REPLACE = 0x100;
export const NLM_F_EXCL = 0x200;
export const NLM_F_CREATE = 0x400;
/** On an NLMSG_ERROR: extended-ack attributes follow the original header. */
export const NLM_F_ACK_TLVS = 0x200;
/** On an NLMSG_ERROR: the original request was cut to its header (NETLINK_CAP_ACK). */
export const NLM_F_CAPPED = 0x100;

export const NLA_F_NESTED = 0x8000;
const NLA_TYPE_MASK = 0x3fff;

/** Extended-ack attributes of an NLMSG_ERROR (NETLINK_EXT_ACK). */
const NLMSGERR_ATTR_MSG = 1;
const NLMSGERR_ATTR_OFFS = 2;

export const align4 = (n: number): number => (n + 3) & ~3;

/**
 * Packs netlink messages back to back into one growing buffer. A message is begun, given its
 * family header and attributes, and ended (which writes its length); nests work the same way.
 */
export class NetlinkWriter {
  #buf: Buffer;
  #len = 0;
  #open: number[] = [];

  constructor(initial = 64 * 1024) {
    this.#buf = Buffer.alloc(initial);
  }

  get length(): number {
    return this.#len;
  }

  #room(n: number): number {
    const at = this.#len;
    if (at + n > this.#buf.length) {
      const next = Buffer.alloc(Math.max(this.#buf.length * 2, at + n));
      this.#buf.copy(next, 0, 0, at);
      this.#buf = next;
    }
    this.#len = at + n;
    return at;
  }

  /** Starts a message; `end()` closes it. */
  begin(type: number, flags: number, seq: number): this {
    const at = this.#room(NLMSG_HDRLEN);
    this.#buf.writeUInt16LE(type, at + 4);
    this.#buf.writeUInt16LE(flags, at + 6);
    this.#buf.writeUInt32LE(seq >>> 0, at + 8);
    this.#buf.writeUInt32LE(0, at + 12);
    this.#open.push(at);
    return this;
  }

  /** Raw bytes (a family header such as rtmsg or nfgenmsg), padded to 4. */
  bytes(data: Uint8Array): this {
    const at = this.#room(align4(data.length));
    this.#buf.set(data, at);
    this.#buf.fill(0, at + data.length, at + align4(data.length));
    return this;
  }

  attr(type: number, data: Uint8Array): this {
    const at = this.#room(NLA_HDRLEN);
    this.#buf.writeUInt16LE(NLA_HDRLEN + data.length, at);
    this.#buf.writeUInt16LE(type, at + 2);
    return this.bytes(data);
  }

  u8(type: number, v: number): this {
    return this.attr(type, Uint8Array.of(v));
  }

  // The 32-bit attributes are written in place: a route batch writes two per route.
  u32(type: number, v: number): this {
    const at = this.#room(NLA_HDRLEN + 4);
    this.#buf.writeUInt16LE(NLA_HDRLEN + 4, at);
    this.#buf.writeUInt16LE(type, at + 2);
    this.#buf.writeUInt32LE(v >>> 0, at + NLA_HDRLEN);
    return this;
  }

  /** A 32-bit value in network byte order (netfilter's NLA_BE32 attributes). */
  be32(type: number, v: number): this {
    const at = this.#room(NLA_HDRLEN + 4);
    this.#buf.writeUInt16LE(NLA_HDRLEN + 4, at);
    this.#buf.writeUInt16LE(type, at + 2);
    this.#buf.writeUInt32BE(v >>> 0, at + NLA_HDRLEN);
    return this;
  }

  /** A NUL-terminated string. */
  string(type: number, s: string): this {
    return this.attr(type, Buffer.from(`${s}\0`, 'utf8'));
  }

  /** Starts a nested attribute; `end()` closes it. */
  nest(type: number): this {
    const at = this.#room(NLA_HDRLEN);
    this.#buf.writeUInt16LE(type | NLA_F_NESTED, at + 2);
    this.#open.push(-1 - at);
    return this;
  }

  /** Closes the innermost open message or nest, writing its length. */
  end(): this {
    const mark = this.#open.pop();
    if (mark === undefined) throw new Error('NetlinkWriter.end() with nothing open');
    if (mark >= 0) {
      this.#buf.writeUInt32LE(this.#len - mark, mark);
    } else {
      const at = -1 - mark;
      const len = this.#len - at;
      if (len > 0xffff) throw new RangeError(`a nested netlink attribute of ${len} bytes exceeds the 65,535-byte limit`);
      this.#buf.writeUInt16LE(len, at);
    }
    return this;
  }

  /** The bytes written so far (a view, valid until the next write). */
  view(): Uint8Array {
    if (this.#open.length > 0) throw new Error('NetlinkWriter.view() with a message or nest still open');
    return this.#buf.subarray(0, this.#len);
  }

  reset(): void {
    this.#len = 0;
    this.#open = [];
  }
}

/** One message as it lies in a received buffer: the payload is `[payload, end)` of `buf`. */
export interface NetlinkMessage {
  readonly type: number;
  readonly flags: number;
  readonly seq: number;
  readonly pid: number;
  readonly buf: Buffer;
  readonly payload: number;
  readonly end: number;
}

/** The messages of one datagram; a truncated or malformed tail is an error naming its offset. */
export function parseMessages(buf: Buffer, length = buf.length): NetlinkMessage[] {
  const out: NetlinkMessage[] = [];
  let at = 0;
  while (at + NLMSG_HDRLEN <= length) {
    const len = buf.readUInt32LE(at);
    if (len < NLMSG_HDRLEN || at + len > length) throw new Error(`malformed netlink message at offset ${at}: length ${len} in a ${length}-byte datagram`);
    out.push({ type: buf.readUInt16LE(at + 4), flags: buf.readUInt16LE(at + 6), seq: buf.readUInt32LE(at + 8), pid: buf.readUInt32LE(at + 12), buf, payload: at + NLMSG_HDRLEN, end: at + len });
    at += align4(len);
  }
  return out;
}

/**
 * The attributes in `[start, end)` of `buf`, by type (the nested flag masked off): each entry is
 * the value's `[start, end)`. A later duplicate wins, as in the kernel's nla_parse.
 */
export function parseAttrs(buf: Buffer, start: number, end: number): Map<number, readonly [number, number]> {
  const out = new Map<number, readonly [number, number]>();
  forEachAttr(buf, start, end, (type, from, to) => {
    out.set(type, [from, to]);
  });
  return out;
}

/** Calls `each` for every attribute in `[start, end)`, in order (lists of same-typed attributes). */
export function forEachAttr(buf: Buffer, start: number, end: number, each: (type: number, from: number, to: number) => void): void {
  let at = start;
  while (at + NLA_HDRLEN <= end) {
    const len = buf.readUInt16LE(at);
    if (len < NLA_HDRLEN || at + len > end) throw new Error(`malformed netlink attribute at offset ${at}: length ${len}`);
    each(buf.readUInt16LE(at + 2) & NLA_TYPE_MASK, at + NLA_HDRLEN, at + len);
    at += align4(len);
  }
}

/** The kernel's answer to one request: `errno` 0 is an acknowledgement. */
export interface NetlinkAck {
  readonly seq: number;
  /** A positive errno (the kernel sends it negated); 0 for success. */
  readonly errno: number;
  /** The kernel's extended-ack sentence, when it gave one. */
  readonly message?: string;
  /** The offset in the original request of the attribute it refused, when it said. */
  readonly offset?: number;
}

/** An NLMSG_ERROR message as an ack: the error, the request it answers, and the extended ack. */
export function parseAck(m: NetlinkMessage): NetlinkAck {
  const { buf, payload, end } = m;
  if (end - payload < 4 + NLMSG_HDRLEN) throw new Error(`truncated netlink error message (${end - payload} bytes)`);
  const errno = Math.abs(buf.readInt32LE(payload));
  const seq = buf.readUInt32LE(payload + 4 + 8);
  // The original request follows whole, or only its header when capped or on success.
  const requestLen = buf.readUInt32LE(payload + 4);
  const echoed = (m.flags & NLM_F_CAPPED) !== 0 || errno === 0 ? NLMSG_HDRLEN : align4(requestLen);
  let message: string | undefined;
  let offset: number | undefined;
  if ((m.flags & NLM_F_ACK_TLVS) !== 0) {
    const tlvs = parseAttrs(buf, Math.min(end, payload + 4 + echoed), end);
    const msg = tlvs.get(NLMSGERR_ATTR_MSG);
    if (msg !== undefined) message = buf.toString('utf8', msg[0], msg[1]).replace(/\0+$/, '');
    const offs = tlvs.get(NLMSGERR_ATTR_OFFS);
    if (offs !== undefined && offs[1] - offs[0] >= 4) offset = buf.readUInt32LE(offs[0]);
  }
  return { seq, errno, ...(message === undefined ? {} : { message }), ...(offset === undefined ? {} : { offset }) };
}

/** A NUL-terminated string attribute's text. */
export function attrString(buf: Buffer, [from, to]: readonly [number, number]): string {
  const nul = buf.indexOf(0, from);
  return buf.toString('utf8', from, nul < 0 || nul > to ? to : nul);
}
