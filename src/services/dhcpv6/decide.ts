// The DHCPv6 server's pure core (RFC 8415 §16, §18.3, §19): one received message and the lease
// table in, the reply and the lease rows to write before sending it out. Every reply is built
// afresh from the request and the table; nothing is replayed.
import {
  CLIENT_PORT,
  duidToHex,
  encodeDuid,
  findOption,
  iaAddresses,
  iaNa,
  iaPd,
  iaTa,
  oro,
  rapidCommit,
  SERVER_PORT,
  STATUS,
  OPTION_CODES,
  unwrapRelays,
  validateForServer,
  type Dhcp6ClientServerMessage,
  type Dhcp6ClientServerType,
  type Dhcp6Message,
  type Dhcp6Option,
} from '../../proto/dhcpv6/index.ts';
import { parseAddress } from '../../net/address.ts';
import { extend, giveBack, grant, iaOption, type Exchange, type IaOption, type IaResult } from './ia.ts';
import { IRT_DEFAULT, renewalTimers, wireLifetime } from './lifetimes.ts';
import { onLink } from './pools.ts';
import { linkOfRelays, wrapForRelays } from './relay.ts';
import type { Decision, DecideDropReason, DecideMeta, LeaseChange, LeaseView, ServerLink } from './types.ts';

interface Context {
  readonly msg: Dhcp6ClientServerMessage;
  readonly link: ServerLink;
  readonly meta: DecideMeta;
  readonly ex: Exchange | undefined;
}

/** What to send and write for one received message. */
export function decide(view: LeaseView, request: Dhcp6Message, meta: DecideMeta, now: number): Decision {
  const unwrapped = unwrapRelays(request);
  const messageType = unwrapped?.message.type ?? request.type;
  const dropped = (reason: DecideDropReason): Decision => ({ changes: [], drop: reason, messageType });
  const serverDuid = encodeDuid(meta.serverDuid, 'serverDuid');
  if (!serverDuid.ok) throw new Error(`server DUID cannot be encoded: ${serverDuid.error.message}`);
  const verdict = validateForServer(request, {
    destination: meta.multicast ? 'ff02::1:2' : '::',
    serverDuid: serverDuid.value,
    serverUnicastOffered: false,
  });
  if (verdict.action === 'drop') return dropped(verdict.reason);
  if (unwrapped === undefined) return dropped('relay-without-message');
  const { message: msg, relays } = unwrapped;
  const link = relays.length === 0 ? meta.links.get(meta.iface) : linkOfRelays(relays, meta.links);
  if (link === undefined) return dropped('no-link');
  const innermost = relays.at(-1);
  const clientLinkLocal = innermost !== undefined && 'peerAddress' in innermost ? innermost.peerAddress : withoutZone(meta.source);
  const ctx: Context = { msg, link, meta, ex: exchange(view, msg, link, now, clientLinkLocal) };
  const answer = verdict.action === 'use-multicast' ? useMulticast(ctx) : answerFor(ctx);
  if ('drop' in answer) return { ...dropped(answer.drop), link: link.name };
  const reply = relays.length === 0 ? answer.reply : wrapForRelays(answer.reply, relays);
  const replyTo = relays.length === 0 ? { address: meta.source, port: CLIENT_PORT } : { address: meta.source, port: SERVER_PORT };
  return { reply, replyTo, changes: answer.changes, messageType, link: link.name };
}

/** `fe80::1%lan0` → `fe80::1`: leases store the bare link-local address. */
const withoutZone = (address: string): string => address.replace(/%.*$/, '');

type Answer = { readonly reply: Dhcp6Message; readonly changes: readonly LeaseChange[] } | { readonly drop: DecideDropReason };

function exchange(view: LeaseView, msg: Dhcp6ClientServerMessage, link: ServerLink, now: number, clientLinkLocal: string): Exchange | undefined {
  const client = findOption(msg, 'client-id');
  if (client === undefined) return undefined;
  const duid = duidToHex(client.duid);
  if (!duid.ok) return undefined;
  return { link, duid: duid.value, view, now, clientLinkLocal, chosen: new Set(), created: 0 };
}

function answerFor(ctx: Context): Answer {
  const type: Dhcp6ClientServerType = ctx.msg.type;
  switch (type) {
    case 'solicit':
      return solicit(ctx);
    case 'request':
      return stateful(ctx, 'reply', (ex, ia) => grant(ex, ia, true, true));
    case 'renew':
      return stateful(ctx, 'reply', (ex, ia) => extend(ex, ia, false));
    case 'rebind':
      return stateful(ctx, 'reply', (ex, ia) => extend(ex, ia, true));
    case 'release':
      return giveBackAll(ctx, false);
    case 'decline':
      return giveBackAll(ctx, true);
    case 'confirm':
      return confirm(ctx);
    case 'information-request':
      return { reply: message(ctx, 'reply', [...configOptions(ctx.link), ...refreshTime(ctx)]), changes: [] };
    default:
      // validateForServer has already dropped every server-only type.
      return { drop: 'server-only-type' };
  }
}

/** Server and client identifiers first (§18.3: every Advertise and Reply carries both). */
function message(ctx: Context, type: 'advertise' | 'reply', options: readonly Dhcp6Option[]): Dhcp6Message {
  const client = findOption(ctx.msg, 'client-id');
  return {
    type,
    transactionId: ctx.msg.transactionId,
    options: [{ kind: 'server-id', duid: ctx.meta.serverDuid }, ...(client === undefined ? [] : [client]), ...options],
  };
}

/** §18.4: a message sent by unicast when we offered no Server Unicast option. */
function useMulticast(ctx: Context): Answer {
  const why: Dhcp6Option = { kind: 'status-code', status: STATUS.UseMulticast, message: 'Send this message to ff02::1:2.' };
  return { reply: message(ctx, 'reply', [why]), changes: [] };
}

/** DNS servers and search list (RFC 3646) when configured. */
function configOptions(link: ServerLink): Dhcp6Option[] {
  const out: Dhcp6Option[] = [];
  if (link.config.dnsServers.length > 0) out.push({ kind: 'dns-servers', servers: link.config.dnsServers });
  if (link.config.domainSearch.length > 0) out.push({ kind: 'domain-list', domains: link.config.domainSearch });
  return out;
}

/** §21.23: Information Refresh Time, only in a Reply to Information-request. */
function refreshTime(ctx: Context): Dhcp6Option[] {
  const configured = ctx.link.config.informationRefreshTime;
  if (configured !== undefined) return [{ kind: 'information-refresh-time', seconds: wireLifetime(configured) }];
  return oro(ctx.msg).includes(OPTION_CODES['information-refresh-time']) ? [{ kind: 'information-refresh-time', seconds: IRT_DEFAULT }] : [];
}

function ias(msg: Dhcp6ClientServerMessage): IaOption[] {
  return [...iaNa(msg), ...iaPd(msg)];
}

/** IA_TA is not offered: each comes back with NoAddrsAvail (§21.5 temporary addresses). */
function temporaryRefused(msg: Dhcp6ClientServerMessage): Dhcp6Option[] {
  return iaTa(msg).map((ta) => ({
    kind: 'ia-ta' as const,
    iaid: ta.iaid,
    options: [{ kind: 'status-code' as const, status: STATUS.NoAddrsAvail, message: 'Temporary addresses are not offered.' }],
  }));
}

/** IA options with one T1/T2 pair for the whole message (§21.4). */
function withTimers(link: ServerLink, results: readonly IaResult[]): Dhcp6Option[] {
  const { t1, t2 } = renewalTimers(link.config, results.flatMap((r) => r.preferred));
  return results.map((r) => iaOption(r, t1, t2));
}

function stateful(ctx: Context, type: 'advertise' | 'reply', each: (ex: Exchange, ia: IaOption) => IaResult, extra: readonly Dhcp6Option[] = []): Answer {
  const ex = ctx.ex;
  if (ex === undefined) return { drop: 'no-client-id' };
  const results = ias(ctx.msg).map((ia) => each(ex, ia));
  const options = [...extra, ...withTimers(ctx.link, results), ...temporaryRefused(ctx.msg), ...configOptions(ctx.link)];
  return { reply: message(ctx, type, options), changes: results.flatMap((r) => r.changes) };
}

/** §18.3.1: Advertise, or a committed Reply when both sides allow Rapid Commit (§21.14). */
function solicit(ctx: Context): Answer {
  const rapid = rapidCommit(ctx.msg) && ctx.link.config.rapidCommit;
  if (rapid) return stateful(ctx, 'reply', (ex, ia) => grant(ex, ia, true, false), [{ kind: 'rapid-commit' }]);
  const preference = ctx.link.config.preference;
  const answer = stateful(ctx, 'advertise', (ex, ia) => grant(ex, ia, false, false));
  if ('drop' in answer || preference === 0) return answer;
  const reply = answer.reply as Dhcp6ClientServerMessage;
  return { reply: { ...reply, options: [...reply.options, { kind: 'preference', value: preference }] }, changes: [] };
}

/** Release and Decline: Success, plus each unknown IA with NoBinding (§18.3.7, §18.3.8). */
function giveBackAll(ctx: Context, declined: boolean): Answer {
  const ex = ctx.ex;
  if (ex === undefined) return { drop: 'no-client-id' };
  // Decline concerns addresses the client found in use (§18.2.8): IA_NA only.
  const targets = declined ? iaNa(ctx.msg) : ias(ctx.msg);
  const outcomes = targets.map((ia) => giveBack(ex, ia, declined));
  const unknown = outcomes.flatMap((o) => (o.reply === undefined ? [] : [iaOption(o.reply, 0, 0)]));
  const done: Dhcp6Option = { kind: 'status-code', status: STATUS.Success, message: declined ? 'Declined addresses are quarantined.' : 'Released.' };
  return { reply: message(ctx, 'reply', [...unknown, done]), changes: outcomes.flatMap((o) => o.changes) };
}

/**
 * §18.3.3: Success when every address is on the link, NotOnLink when one is not. No addresses,
 * or nothing configured to judge by, means the server cannot tell and stays silent.
 */
function confirm(ctx: Context): Answer {
  const addresses = [...iaNa(ctx.msg), ...iaTa(ctx.msg)].flatMap((ia) => iaAddresses(ia).map((a) => a.address));
  if (addresses.length === 0 || ctx.link.onLink.length === 0) return { drop: 'confirm-undecidable' };
  const fits = addresses.every((a) => {
    const parsed = parseAddress(a);
    return parsed.ok && onLink(ctx.link, parsed.value.value);
  });
  const status: Dhcp6Option = fits
    ? { kind: 'status-code', status: STATUS.Success, message: 'Your addresses are on this link.' }
    : { kind: 'status-code', status: STATUS.NotOnLink, message: 'An address is not on this link; solicit new ones.' };
  return { reply: message(ctx, 'reply', [status]), changes: [] };
}
