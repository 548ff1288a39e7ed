// rdisc6 (ndisc6 package): solicit once, parse the Router Advertisement it prints.
import type { Lab } from '../topology.ts';

export interface Rdisc6Prefix {
  readonly prefix: string;
  readonly onLink: boolean;
  readonly autonomous: boolean;
  /** Seconds; 0xffffffff is infinity (RFC 4861 §4.6.2). */
  readonly validLifetime: number;
  readonly preferredLifetime: number;
}

export interface Rdisc6Route {
  readonly prefix: string;
  readonly preference: string;
  readonly lifetime: number;
}

export interface Rdisc6Advert {
  readonly hopLimit: number;
  readonly managed: boolean;
  readonly other: boolean;
  readonly homeAgent: boolean;
  /** `low`, `medium` or `high` (RFC 4191 §2.2). */
  readonly preference: string;
  readonly proxy: boolean;
  readonly routerLifetime: number;
  /** Milliseconds; 0 means unspecified. */
  readonly reachableTime: number;
  readonly retransmitTime: number;
  readonly prefixes: readonly Rdisc6Prefix[];
  readonly routes: readonly Rdisc6Route[];
  /** RFC 8106 options: servers (or domains) with their lifetime. */
  readonly rdnss: ReadonlyArray<{ readonly servers: readonly string[]; readonly lifetime: number }>;
  readonly dnssl: ReadonlyArray<{ readonly domains: readonly string[]; readonly lifetime: number }>;
  readonly mtu?: number;
  /** Upper-case as rdisc6 prints it, e.g. `6A:23:C6:EB:EA:70`. */
  readonly sourceLinkLayer?: string;
  /** The router's link-local source address. */
  readonly from: string;
  /** Lines this parser does not know (options newer than rdisc6's labels here). */
  readonly unknown: readonly string[];
}

/** A number as rdisc6 prints it: the hex in parentheses when present (`infinite (0xffffffff)`), else the leading digits. */
function numberOf(value: string): number {
  const hex = /\(\s*0x([0-9a-fA-F]+)\)/.exec(value);
  if (hex?.[1] !== undefined) return Number.parseInt(hex[1], 16);
  const dec = /^\d+/.exec(value);
  if (dec === null) throw new Error(`rdisc6: expected a number, got "${value}"`);
  return Number(dec[0]);
}

const yes = (value: string): boolean => value === 'Yes';

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends ReadonlyArray<infer U> ? Array<{ -readonly [P in keyof U]: U[P] }> : T[K] };

/** Every advertisement in rdisc6's verbose output (one per `from` line). */
export function parseRdisc6(text: string): Rdisc6Advert[] {
  const out: Rdisc6Advert[] = [];
  let ra = fresh();
  for (const raw of text.split('\n')) {
    const from = /^\s*from (\S+)/.exec(raw);
    if (from?.[1] !== undefined) {
      out.push({ ...ra, from: from[1] });
      ra = fresh();
      continue;
    }
    const m = /^(\s*)([^:]+?)\s*:\s*(.*?)\s*$/.exec(raw);
    if (m === null || raw.startsWith('Soliciting')) continue;
    const key = m[2] ?? '';
    const value = m[3] ?? '';
    if (!applyLine(ra, key, value)) ra.unknown.push(raw.trim());
  }
  return out;
}

function fresh(): Mutable<Omit<Rdisc6Advert, 'from'>> {
  return {
    hopLimit: 0, managed: false, other: false, homeAgent: false, preference: 'medium', proxy: false,
    routerLifetime: 0, reachableTime: 0, retransmitTime: 0,
    prefixes: [], routes: [], rdnss: [], dnssl: [], unknown: [],
  };
}

function applyLine(ra: Mutable<Omit<Rdisc6Advert, 'from'>>, key: string, value: string): boolean {
  const prefix = ra.prefixes.at(-1);
  const route = ra.routes.at(-1);
  switch (key) {
    case 'Hop limit': ra.hopLimit = numberOf(value); return true;
    case 'Stateful address conf.': ra.managed = yes(value); return true;
    case 'Stateful other conf.': ra.other = yes(value); return true;
    case 'Mobile home agent': ra.homeAgent = yes(value); return true;
    case 'Router preference': ra.preference = value; return true;
    case 'Neighbor discovery proxy': ra.proxy = yes(value); return true;
    case 'Router lifetime': ra.routerLifetime = numberOf(value); return true;
    case 'Reachable time': ra.reachableTime = numberOf(value); return true;
    case 'Retransmit time': ra.retransmitTime = numberOf(value); return true;
    case 'Prefix': ra.prefixes.push({ prefix: value, onLink: false, autonomous: false, validLifetime: 0, preferredLifetime: 0 }); return true;
    case 'On-link': if (prefix === undefined) return false; prefix.onLink = yes(value); return true;
    case 'Autonomous address conf.': if (prefix === undefined) return false; prefix.autonomous = yes(value); return true;
    case 'Valid time': if (prefix === undefined) return false; prefix.validLifetime = numberOf(value); return true;
    case 'Pref. time': if (prefix === undefined) return false; prefix.preferredLifetime = numberOf(value); return true;
    case 'Route': ra.routes.push({ prefix: value, preference: 'medium', lifetime: 0 }); return true;
    case 'Route preference': if (route === undefined) return false; route.preference = value; return true;
    case 'Route lifetime': if (route === undefined) return false; route.lifetime = numberOf(value); return true;
    case 'MTU': ra.mtu = numberOf(value); return true;
    case 'Source link-layer address': ra.sourceLinkLayer = value; return true;
    case 'Recursive DNS server': pushOpen(ra.rdnss, (e) => e.servers, value, () => ({ servers: [], lifetime: -1 })); return true;
    case 'DNS server lifetime': return closeLast(ra.rdnss, numberOf(value));
    case 'DNS search list': pushOpen(ra.dnssl, (e) => e.domains, value, () => ({ domains: [], lifetime: -1 }), true); return true;
    case 'DNS search list lifetime': return closeLast(ra.dnssl, numberOf(value));
    default: return false;
  }
}

// rdisc6 prints one line per server (or one line of space-separated domains) and then the
// option's lifetime; an entry whose lifetime is still -1 is the option being read.
function pushOpen<E extends { lifetime: number }>(list: E[], items: (e: E) => readonly string[], value: string, make: () => E, split = false): void {
  let open = list.at(-1);
  if (open === undefined || open.lifetime !== -1) {
    open = make();
    list.push(open);
  }
  (items(open) as string[]).push(...(split ? value.split(/\s+/).filter((s) => s !== '') : [value]));
}

function closeLast(list: Array<{ lifetime: number }>, lifetime: number): boolean {
  const open = list.at(-1);
  if (open === undefined) return false;
  open.lifetime = lifetime;
  return true;
}

export interface Rdisc6Options {
  /** Solicitations to send (rdisc6 -r); default 3. */
  readonly retries?: number;
  /** Wait per solicitation in ms (rdisc6 -w); default 1000. */
  readonly waitMs?: number;
}

/** Solicits on `ifname` and returns the first advertisement; throws when no router answers. */
export async function rdisc6(lab: Lab, node: string, ifname: string, options: Rdisc6Options = {}): Promise<Rdisc6Advert> {
  const retries = options.retries ?? 3;
  const waitMs = options.waitMs ?? 1000;
  const { stdout } = await lab.exec(node, ['rdisc6', '-1', '-n', '-r', String(retries), '-w', String(waitMs), ifname], {
    timeoutMs: retries * waitMs + 5000,
  });
  const [first] = parseRdisc6(stdout);
  if (first === undefined) throw new Error(`rdisc6 on ${node}/${ifname} printed no advertisement:\n${stdout}`);
  return first;
}
