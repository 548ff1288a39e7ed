// What a DHCPv6 server does with a message before any lease logic: accept it, drop it silently,
// or answer UseMulticast. RFC 8415 §16 (per-type validation) and §18.4 (unicast); the table is in
// RFC-CHECKLIST "DHCPv6 server". Pure: the caller says where the packet was sent and who we are.
import { addressBytes } from '../../net/address.ts';
import { encodeDuid } from './duid.ts';
import { findOption, unwrapRelays } from './find.ts';
import type { Dhcp6ClientServerMessage, Dhcp6ClientServerType, Dhcp6Message, Duid } from './types.ts';

export interface ServerReceiveMeta {
  /** The address the packet was sent to: ff02::1:2 or one of ours (a `%zone` suffix is ignored). */
  readonly destination: string;
  /** Our own DUID's wire octets. */
  readonly serverDuid: Uint8Array;
  /** Whether we gave this client a Server Unicast option (§21.12), allowing unicast Requests. */
  readonly serverUnicastOffered: boolean;
}

/** Why a message was dropped; each becomes a counter. */
export const SERVER_DROP_REASONS = [
  'server-only-type',
  'relay-without-message',
  'no-client-id',
  'unexpected-server-id',
  'no-server-id',
  'wrong-server-id',
  'ia-in-information-request',
  'unicast-not-allowed',
  'bad-destination',
] as const;

export type ServerDropReason = (typeof SERVER_DROP_REASONS)[number];

export type ServerVerdict =
  | { readonly action: 'accept' }
  | { readonly action: 'drop'; readonly reason: ServerDropReason }
  /** §18.4: reply with only ServerID, ClientID and Status Code UseMulticast (5). */
  | { readonly action: 'use-multicast' };

const ACCEPT: ServerVerdict = { action: 'accept' };
const drop = (reason: ServerDropReason): ServerVerdict => ({ action: 'drop', reason });

/** Types only servers send; a server discards them (§16). */
const SERVER_ONLY = new Set<Dhcp6Message['type']>(['advertise', 'reply', 'reconfigure', 'relay-reply']);
/** Types a client must multicast (§16.2, §16.5, §16.7, §16.12, §18.4). */
const MULTICAST_ONLY = new Set<Dhcp6ClientServerType>(['solicit', 'confirm', 'rebind', 'information-request']);

export function validateForServer(msg: Dhcp6Message, meta: ServerReceiveMeta): ServerVerdict {
  if (SERVER_ONLY.has(msg.type)) return drop('server-only-type');
  const unwrapped = unwrapRelays(msg);
  if (unwrapped === undefined) return drop('relay-without-message');
  const inner = unwrapped.message;
  if (SERVER_ONLY.has(inner.type)) return drop('server-only-type');
  const content = checkContent(inner, meta.serverDuid);
  if (content !== undefined) return drop(content);
  // The destination is the last hop's: a relay forwards to us by unicast, and that is fine.
  if (unwrapped.relays.length > 0) return ACCEPT;
  const destination = addressBytes(meta.destination.replace(/%.*$/, ''));
  if (destination === undefined) return drop('bad-destination');
  if (destination[0] === 0xff) return ACCEPT;
  if (MULTICAST_ONLY.has(inner.type)) return drop('unicast-not-allowed');
  return meta.serverUnicastOffered ? ACCEPT : { action: 'use-multicast' };
}

/** The §16 per-type rules on identifiers and IAs. */
function checkContent(msg: Dhcp6ClientServerMessage, ours: Uint8Array): ServerDropReason | undefined {
  const client = findOption(msg, 'client-id');
  const server = findOption(msg, 'server-id');
  switch (msg.type) {
    case 'solicit': // §16.2
    case 'confirm': // §16.5
    case 'rebind': // §16.7
      if (client === undefined) return 'no-client-id';
      if (server !== undefined) return 'unexpected-server-id';
      return undefined;
    case 'request': // §16.4
    case 'renew': // §16.6
    case 'decline': // §16.9
    case 'release': // §16.8
      if (server === undefined) return 'no-server-id';
      if (!isOurs(server.duid, ours)) return 'wrong-server-id';
      if (client === undefined) return 'no-client-id';
      return undefined;
    case 'information-request': // §16.12
      if (server !== undefined && !isOurs(server.duid, ours)) return 'wrong-server-id';
      if (msg.options.some((o) => o.kind === 'ia-na' || o.kind === 'ia-ta' || o.kind === 'ia-pd')) return 'ia-in-information-request';
      return undefined;
    default:
      return 'server-only-type';
  }
}

function isOurs(duid: Duid, ours: Uint8Array): boolean {
  const bytes = encodeDuid(duid, 'server-id');
  return bytes.ok && bytes.value.length === ours.length && bytes.value.every((b, i) => b === ours[i]);
}
