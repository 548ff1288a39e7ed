// Numbers from RFC 8415 (§7 constants, §7.3 message types, §21 options, §21.13 status codes) and
// RFC 3646 (DNS options), kept in one place so the codec, the validator and the server agree.

/** Lifetimes and timers of 0xffffffff mean infinity (RFC 8415 §7.7); the number is kept as is. */
export const INFINITY = 0xffffffff;

/** A relay agent discards a message already relayed this many times (RFC 8415 §7.6). */
export const HOP_COUNT_LIMIT = 8;

/** A DUID carries at most 128 octets after its 2-octet type code (RFC 8415 §11.1). */
export const MAX_DUID_DATA = 128;

/** The largest UDP payload an IPv6 packet without a jumbogram can carry (RFC 8200, RFC 768). */
export const MAX_MESSAGE_LENGTH = 65535 - 8;

/** All_DHCP_Relay_Agents_and_Servers (RFC 8415 §7.1). */
export const ALL_DHCP_RELAY_AGENTS_AND_SERVERS = 'ff02::1:2';
export const CLIENT_PORT = 546;
export const SERVER_PORT = 547;

/** Message type names and their codes (RFC 8415 §7.3). */
export const MESSAGE_TYPES = {
  solicit: 1,
  advertise: 2,
  request: 3,
  confirm: 4,
  renew: 5,
  rebind: 6,
  reply: 7,
  release: 8,
  decline: 9,
  reconfigure: 10,
  'information-request': 11,
  'relay-forward': 12,
  'relay-reply': 13,
} as const;

export type Dhcp6MessageType = keyof typeof MESSAGE_TYPES;

const MESSAGE_NAMES = new Map<number, Dhcp6MessageType>(
  Object.entries(MESSAGE_TYPES).map(([name, code]) => [code, name as Dhcp6MessageType]),
);

/** The name of a message type code, or undefined for a type this codec does not know. */
export function messageTypeName(code: number): Dhcp6MessageType | undefined {
  return MESSAGE_NAMES.get(code);
}

/** Option codes of every option with a typed form (RFC 8415 §21, RFC 3646 §3–§4). */
export const OPTION_CODES = {
  'client-id': 1,
  'server-id': 2,
  'ia-na': 3,
  'ia-ta': 4,
  iaaddr: 5,
  oro: 6,
  preference: 7,
  'elapsed-time': 8,
  'relay-message': 9,
  auth: 11,
  'server-unicast': 12,
  'status-code': 13,
  'rapid-commit': 14,
  'user-class': 15,
  'vendor-class': 16,
  'vendor-opts': 17,
  'interface-id': 18,
  'reconfigure-message': 19,
  'reconfigure-accept': 20,
  'dns-servers': 23,
  'domain-list': 24,
  'ia-pd': 25,
  iaprefix: 26,
  'information-refresh-time': 32,
  'sol-max-rt': 82,
  'inf-max-rt': 83,
} as const;

export type Dhcp6OptionKind = keyof typeof OPTION_CODES;

const OPTION_KINDS = new Map<number, Dhcp6OptionKind>(
  Object.entries(OPTION_CODES).map(([kind, code]) => [code, kind as Dhcp6OptionKind]),
);

/** The typed kind for an option code, or undefined when the option is kept raw. */
export function optionKind(code: number): Dhcp6OptionKind | undefined {
  return OPTION_KINDS.get(code);
}

/** Status codes (RFC 8415 §21.13 and the IANA registry it creates). */
export const STATUS = {
  Success: 0,
  UnspecFail: 1,
  NoAddrsAvail: 2,
  NoBinding: 3,
  NotOnLink: 4,
  UseMulticast: 5,
  NoPrefixAvail: 6,
} as const;

export type Dhcp6StatusName = keyof typeof STATUS;

const STATUS_NAMES = new Map<number, Dhcp6StatusName>(
  Object.entries(STATUS).map(([name, code]) => [code, name as Dhcp6StatusName]),
);

/** The name of a status code, or undefined for one outside the set above. */
export function statusName(code: number): Dhcp6StatusName | undefined {
  return STATUS_NAMES.get(code);
}

/** DUID type codes (RFC 8415 §11.1, RFC 6355 for DUID-UUID). */
export const DUID_TYPES = { llt: 1, en: 2, ll: 3, uuid: 4 } as const;

/** DUID-LLT time counts seconds from midnight UTC, 1 January 2000, modulo 2^32 (RFC 8415 §11.2). */
export const DUID_TIME_EPOCH_MS = Date.UTC(2000, 0, 1);

/** ARP hardware type for Ethernet (RFC 826 via IANA), the usual DUID-LL/LLT hardware type. */
export const HARDWARE_TYPE_ETHERNET = 1;
