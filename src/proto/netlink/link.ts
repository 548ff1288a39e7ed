// rtnetlink link dump (include/uapi/linux/rtnetlink.h, if_link.h): enough to map interface
// indexes to names and back, since routes name their device by ifindex. Pure.
import { attrString, forEachAttr, NLM_F_DUMP, NLM_F_REQUEST } from './message.ts';
import type { NetlinkMessage, NetlinkWriter } from './message.ts';

export const RTM_NEWLINK = 16;
export const RTM_DELLINK = 17;
export const RTM_GETLINK = 18;

/** struct ifinfomsg: family (u8), pad (u8), type (u16), index (s32), flags (u32), change (u32). */
export const IFINFOMSG_LEN = 16;
export const IFLA_IFNAME = 3;
export const IFLA_EXT_MASK = 29;
/** Leaves the per-link counters (the bulk of each answer) out of the dump. */
export const RTEXT_FILTER_SKIP_STATS = 1 << 3;

/** A dump of every link; the strict checker wants the ifinfomsg zeroed but for the family. */
export function writeLinkDump(w: NetlinkWriter, seq: number): void {
  w.begin(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, seq);
  w.bytes(new Uint8Array(IFINFOMSG_LEN));
  w.u32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
  w.end();
}

export interface LinkName {
  readonly index: number;
  readonly name: string;
}

/** An RTM_NEWLINK message's index and name; undefined when it is malformed or has no name. */
export function decodeLinkName(m: NetlinkMessage): LinkName | undefined {
  const { buf, payload, end } = m;
  if (end - payload < IFINFOMSG_LEN) return undefined;
  let name: string | undefined;
  try {
    forEachAttr(buf, payload + IFINFOMSG_LEN, end, (type, from, to) => {
      if (type === IFLA_IFNAME) name = attrString(buf, [from, to]);
    });
  } catch {
    return undefined;
  }
  return name === undefined ? undefined : { index: buf.readInt32LE(payload + 4), name };
}
