// Shared by the DHCPv6 server tests: a served link, clients that build messages, and a helper
// that runs decide() and applies its changes the way the runner does.
import { dhcpv6Schema } from '../../../src/config/dhcpv6-schema.ts';
import type { ConfigInput } from '../../../src/config/schema.ts';
import { parsePrefix } from '../../../src/net/prefix.ts';
import { unwrap } from '../../../src/lib/result.ts';
import type { Dhcp6Message, Dhcp6Option, Duid, OptionOf } from '../../../src/proto/dhcpv6/index.ts';
import { duidToHex, findOption, findOptions } from '../../../src/proto/dhcpv6/index.ts';
import { compileLink } from '../../../src/services/dhcpv6/links.ts';
import { decide } from '../../../src/services/dhcpv6/decide.ts';
import { LeaseTable } from '../../../src/services/dhcpv6/lease-table.ts';
import type { DecideMeta, Decision, ServerLink } from '../../../src/services/dhcpv6/types.ts';

export const NOW = 1_700_000_000_000;
export const SERVER_DUID: Duid = { type: 'uuid', uuid: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0' };
export const OTHER_SERVER: Duid = { type: 'en', enterpriseNumber: 2495, identifier: Uint8Array.of(1, 2, 3) };

type Dhcpv6Input = NonNullable<NonNullable<ConfigInput['interfaces']>[string]['dhcpv6']>;

/** lan0 on 2001:db8:1::/64 with a small address pool and /56s from a /48. */
export function link(over: Partial<Dhcpv6Input> = {}, name = 'lan0', onLink = '2001:db8:1::/64'): ServerLink {
  const config = dhcpv6Schema.parse({
    mode: 'stateful',
    addressPools: [{ start: '2001:db8:1::100', end: '2001:db8:1::1ff' }],
    prefixDelegationPools: [{ prefix: '2001:db8:f000::/48', delegatedLength: 56 }],
    dnsServers: ['2001:db8:1::53'],
    domainSearch: ['lan.example'],
    preferredLifetime: 3600,
    validLifetime: 7200,
    ...over,
  });
  return compileLink(name, config, [unwrap(parsePrefix(onLink))]);
}

export function meta(links: readonly ServerLink[], over: Partial<DecideMeta> = {}): DecideMeta {
  return {
    iface: links[0]?.name ?? 'lan0',
    source: 'fe80::2%lan0',
    multicast: true,
    serverDuid: SERVER_DUID,
    links: new Map(links.map((l) => [l.name, l])),
    ...over,
  };
}

export function clientDuid(n: number): Duid {
  return { type: 'll', hardwareType: 1, linkLayerAddress: Uint8Array.of(2, 0, 0, 0, 0, n) };
}

export const hexOf = (d: Duid): string => unwrap(duidToHex(d));

export const iaNaOpt = (iaid: number, ...addresses: string[]): Dhcp6Option => ({
  kind: 'ia-na',
  iaid,
  t1: 0,
  t2: 0,
  options: addresses.map((address) => ({ kind: 'iaaddr', address, preferredLifetime: 0, validLifetime: 0, options: [] })),
});

export const iaPdOpt = (iaid: number, ...prefixes: string[]): Dhcp6Option => ({
  kind: 'ia-pd',
  iaid,
  t1: 0,
  t2: 0,
  options: prefixes.map((p) => {
    const [prefix = '', len = '0'] = p.split('/');
    return { kind: 'iaprefix', prefix, prefixLength: Number(len), preferredLifetime: 0, validLifetime: 0, options: [] };
  }),
});

export function msg(type: Dhcp6Message['type'], options: readonly Dhcp6Option[], transactionId = 0x010203): Dhcp6Message {
  if (type === 'relay-forward' || type === 'relay-reply') throw new Error('use relay()');
  return { type, transactionId, options };
}

export const cid = (n: number): Dhcp6Option => ({ kind: 'client-id', duid: clientDuid(n) });
export const sid = (duid: Duid = SERVER_DUID): Dhcp6Option => ({ kind: 'server-id', duid });

/** A server with its lease table: `send` decides and, like the runner, applies the changes. */
export class Harness {
  readonly table = new LeaseTable();
  readonly links: ServerLink[];
  now = NOW;
  constructor(...links: ServerLink[]) {
    this.links = links;
  }
  send(request: Dhcp6Message, over: Partial<DecideMeta> = {}): Decision {
    const d = decide(this.table, request, meta(this.links, over), this.now);
    for (const c of d.changes) this.table.apply(c.lease);
    return d;
  }
  /** Solicit → Advertise → Request → Reply for client `n`; returns the Reply. */
  bind(n: number, ...ias: Dhcp6Option[]): Dhcp6Message {
    const adv = this.send(msg('solicit', [cid(n), ...ias]));
    if (adv.reply === undefined) throw new Error(`no Advertise: ${adv.drop}`);
    const reply = this.send(msg('request', [cid(n), sid(), ...ias]));
    if (reply.reply === undefined) throw new Error(`no Reply: ${reply.drop}`);
    return reply.reply;
  }
}

/** The IA_NA/IA_PD options of a reply. */
export function replyIas(m: Dhcp6Message | undefined): Array<OptionOf<'ia-na'> | OptionOf<'ia-pd'>> {
  if (m === undefined) return [];
  return [...findOptions(m, 'ia-na'), ...findOptions(m, 'ia-pd')];
}

export function iaStatus(ia: { options: readonly Dhcp6Option[] }): number | undefined {
  return findOption(ia, 'status-code')?.status;
}

export function leasesOf(m: Dhcp6Message | undefined): string[] {
  return replyIas(m).flatMap((ia) =>
    ia.options.flatMap((o) => (o.kind === 'iaaddr' ? [o.address] : o.kind === 'iaprefix' ? [`${o.prefix}/${o.prefixLength}`] : [])),
  );
}
