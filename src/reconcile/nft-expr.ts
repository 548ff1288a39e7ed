// Small builders for nft JSON expressions (libnftables-json(5)), so filters.ts reads like the
// ruleset it describes.

const meta = (key: string) => ({ meta: { key } });
const payload = (protocol: string, field: string) => ({ payload: { protocol, field } });

export const IIFNAME = meta('iifname');
export const OIFNAME = meta('oifname');
export const L4PROTO = meta('l4proto');
export const SADDR = payload('ip6', 'saddr');
export const DADDR = payload('ip6', 'daddr');
export const TH_DPORT = payload('th', 'dport');
export const ICMPV6_TYPE = payload('icmpv6', 'type');
export const UDP_SPORT = payload('udp', 'sport');
export const UDP_DPORT = payload('udp', 'dport');
export const TCP_DPORT = payload('tcp', 'dport');

export const concat = (...parts: unknown[]) => ({ concat: parts });

export const is = (left: unknown, right: unknown) => ({ match: { op: '==', left, right } });
export const isNot = (left: unknown, right: unknown) => ({ match: { op: '!=', left, right } });
export const inSet = (left: unknown, set: string) => is(left, `@${set}`);
export const notInSet = (left: unknown, set: string) => isNot(left, `@${set}`);
export const anyOf = (left: unknown, values: readonly (number | string)[]) => is(left, { set: [...values] });
export const ctState = (...states: string[]) => ({ match: { op: 'in', left: { ct: { key: 'state' } }, right: states } });

export const ACCEPT = { accept: null };
export const DROP = { drop: null };
export const log = (prefix: string) => ({ log: { prefix } });
