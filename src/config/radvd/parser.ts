// Recursive-descent parser for radvd.conf(5), covering radvd 2.19 and the additions of newer
// radvd (nat64prefix, AdvCaptivePortalAPI, autoignoreprefixes, `!addr` clients, optional braces
// after prefix and nat64prefix). Every problem carries the line and column where it was found.
import { err, ok, problem } from '../../lib/result.ts';
import type { Problem, Result, Where } from '../../lib/result.ts';
import type {
  AbroOptions,
  DnsslOptions,
  InterfaceOptions,
  LowpanContextOptions,
  Nat64PrefixOptions,
  PrefixOptions,
  PrefixText,
  RadvdAbro,
  RadvdClient,
  RadvdConfig,
  RadvdDnssl,
  RadvdInterface,
  RadvdLowpanContext,
  RadvdNat64Prefix,
  RadvdPrefix,
  RadvdRdnss,
  RadvdRoute,
  RdnssOptions,
  RouteOptions,
} from './ast.ts';
import { checkInterface, checkNat64Prefix, checkPrefix, LIMITS } from './checks.ts';
import type { Limits, Positions } from './checks.ts';
import { tokenize } from './lexer.ts';
import type { Token, TokenKind } from './lexer.ts';
import {
  ABRO_OPTIONS,
  DNSSL_OPTIONS,
  findOption,
  INTERFACE_OPTIONS,
  LOWPANCO_OPTIONS,
  NAT64_OPTIONS,
  PREFIX_OPTIONS,
  RDNSS_OPTIONS,
  ROUTE_OPTIONS,
  TABLES_BY_BLOCK,
} from './options.ts';
import type { OptionSpec } from './options.ts';
import { describeToken, readAddress, readBounded, readName, readSuffix, readValue } from './values.ts';

export interface ParseOptions {
  /**
   * Upper limits for MaxRtrAdvInterval and AdvDefaultLifetime: radvd 2.19's 1800/9000 s
   * (RFC 4861 §6.2.1, the default) or 65535/65535 s as RFC 8319 §4 and newer radvd allow.
   */
  readonly limits?: keyof typeof LIMITS;
}

// Recursive descent unwinds through many frames on the first problem; a private exception carries
// the Problem to parseRadvdConf, which turns it back into a value. Nothing else throws it.
class Stop extends Error {
  readonly problem: Problem;
  constructor(p: Problem) {
    super(p.message);
    this.problem = p;
  }
}

const at = (t: Token): Where => ({ line: t.line, column: t.column });
const need = <T>(r: Result<T>): T => {
  if (!r.ok) throw new Stop(r.error);
  return r.value;
};

class Cursor {
  readonly tokens: readonly Token[];
  index = 0;
  constructor(tokens: readonly Token[]) {
    this.tokens = tokens;
  }
  peek(): Token {
    return this.tokens[this.index] ?? this.tokens[this.tokens.length - 1]!;
  }
  next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.index++;
    return t;
  }
  isWord(word: string): boolean {
    const t = this.peek();
    return t.kind === 'word' && t.text.toLowerCase() === word.toLowerCase();
  }
  /** Consumes a punctuation token or stops with "expected X after Y". */
  expect(kind: TokenKind, after: string): Token {
    const t = this.peek();
    if (t.kind !== kind) {
      throw new Stop(problem('syntax', `expected '${kind}' after ${after}, found ${describeToken(t)}`, at(t)));
    }
    return this.next();
  }
}

/** Parses radvd.conf text into its syntax tree, or the first problem with its line and column. */
export function parseRadvdConf(text: string, options: ParseOptions = {}): Result<RadvdConfig> {
  const tokens = tokenize(text);
  if (!tokens.ok) return tokens;
  const limits = LIMITS[options.limits ?? 'radvd-2.19'];
  try {
    return ok(parseConfig(new Cursor(tokens.value), limits));
  } catch (e) {
    if (e instanceof Stop) return err(e.problem);
    throw e;
  }
}

function parseConfig(c: Cursor, limits: Limits): RadvdConfig {
  const interfaces: RadvdInterface[] = [];
  const seen = new Map<string, Token>();
  while (c.peek().kind !== 'eof') {
    const t = c.next();
    if (!(t.kind === 'word' && t.text.toLowerCase() === 'interface')) {
      throw new Stop(problem('syntax', `expected 'interface', found ${describeToken(t)}`, at(t)));
    }
    const nameToken = c.peek();
    const name = need(readName(c.next(), "expected an interface name after 'interface'"));
    const first = seen.get(name);
    if (first !== undefined) {
      const msg = `interface ${name} is defined twice (first at line ${first.line}); merge the two blocks`;
      throw new Stop(problem('duplicate-interface', msg, at(nameToken)));
    }
    seen.set(name, nameToken);
    interfaces.push(parseInterface(c, name, limits));
  }
  if (interfaces.length === 0) {
    throw new Stop(problem('empty-config', 'the file has no interface block; radvd needs at least one', at(c.peek())));
  }
  return { interfaces };
}

interface InterfaceParts {
  prefixes: RadvdPrefix[];
  routes: RadvdRoute[];
  rdnss: RadvdRdnss[];
  dnssl: RadvdDnssl[];
  nat64prefixes: RadvdNat64Prefix[];
  clients: RadvdClient[];
  raSourceAddresses: string[];
  autoIgnorePrefixes: PrefixText[];
  lowpanContexts: RadvdLowpanContext[];
  abros: RadvdAbro[];
}

function parseInterface(c: Cursor, name: string, limits: Limits): RadvdInterface {
  const open = c.expect('{', `interface ${name}`);
  const options: Record<string, unknown> = {};
  const positions: Positions = new Map();
  const parts: InterfaceParts = {
    prefixes: [],
    routes: [],
    rdnss: [],
    dnssl: [],
    nat64prefixes: [],
    clients: [],
    raSourceAddresses: [],
    autoIgnorePrefixes: [],
    lowpanContexts: [],
    abros: [],
  };
  while (!closes(c, 'interface', open)) {
    if (c.isWord('prefix')) parts.prefixes.push(parsePrefix(c));
    else if (c.isWord('route')) parts.routes.push(parseRoute(c));
    else if (c.isWord('RDNSS')) parts.rdnss.push(parseRdnss(c));
    else if (c.isWord('DNSSL')) parts.dnssl.push(parseDnssl(c));
    else if (c.isWord('nat64prefix')) parts.nat64prefixes.push(parseNat64(c));
    else if (c.isWord('clients')) parts.clients.push(...parseClients(c));
    else if (c.isWord('AdvRASrcAddress')) parts.raSourceAddresses.push(...parseRaSource(c));
    else if (c.isWord('autoignoreprefixes')) parts.autoIgnorePrefixes.push(...parseAutoIgnore(c));
    else if (c.isWord('lowpanco')) parts.lowpanContexts.push(parseLowpanco(c));
    else if (c.isWord('abro')) parts.abros.push(parseAbro(c));
    else parseOption(c, INTERFACE_OPTIONS, 'interface', options, positions);
  }
  c.expect(';', `the '}' closing interface ${name}`);
  const iface: RadvdInterface = { name, options: options as InterfaceOptions, ...parts };
  const bad = checkInterface(iface, positions, limits, at(open));
  if (bad !== undefined) throw new Stop(bad);
  return iface;
}

/** True (and consumes it) at the block's closing brace; stops at end of file. */
function closes(c: Cursor, block: string, open: Token): boolean {
  const t = c.peek();
  if (t.kind === '}') {
    c.next();
    return true;
  }
  if (t.kind === 'eof') {
    const msg = `expected '}' to close the ${block} block opened at line ${open.line}, column ${open.column}, found end of file`;
    throw new Stop(problem('unterminated-block', msg, at(t)));
  }
  return false;
}

/** One `Keyword value;` of `table` into `into`, recording where the value was. */
function parseOption<F extends string>(
  c: Cursor,
  table: readonly OptionSpec<F>[],
  block: string,
  into: Record<string, unknown>,
  positions: Positions,
): void {
  const t = c.next();
  if (t.kind !== 'word') {
    throw new Stop(problem('syntax', `expected an option name or '}' in the ${block} block, found ${describeToken(t)}`, at(t)));
  }
  const spec = findOption(table, t.text);
  if (spec === undefined) throw new Stop(unknownOption(t, block));
  const valueToken = c.next();
  const value = need(readValue(valueToken, spec.kind, spec.keyword));
  if (typeof value === 'number' && spec.check !== undefined) {
    const why = spec.check(value);
    if (why !== undefined) {
      throw new Stop(problem('out-of-range', `${spec.keyword} ${valueToken.text} ${why}`, at(valueToken)));
    }
  }
  c.expect(';', `${spec.keyword} ${valueToken.kind === 'quoted' ? `"${valueToken.text}"` : valueToken.text}`);
  // A repeated option overrides the earlier one, as in radvd.
  into[spec.field] = value;
  positions.set(spec.field, at(valueToken));
}

const article = (word: string): string => (/^[aeiou]/i.test(word) ? 'an' : 'a');

function unknownOption(t: Token, block: string): Problem {
  const home = TABLES_BY_BLOCK.find(([, table]) => findOption(table, t.text) !== undefined);
  if (home !== undefined) {
    return problem('misplaced-option', `${t.text} is a ${home[0]} option; it is not allowed in ${article(block)} ${block} block`, at(t));
  }
  return problem('unknown-option', `unknown option '${t.text}' in the ${block} block`, at(t));
}

/** `ADDRESS/LENGTH` after a block keyword, and where each half was written. */
function parsePrefixText(c: Cursor, keyword: string): { prefix: PrefixText; addressAt: Where; lengthAt: Where } {
  const addressToken = c.next();
  const { address } = need(readAddress(addressToken, `an IPv6 prefix after ${keyword}`));
  c.expect('/', `${keyword} ${address} (a prefix length)`);
  const lengthToken = c.next();
  const length = need(readBounded(lengthToken, 'a prefix length', 128, 'bad-prefix-length'));
  return { prefix: { address, length }, addressAt: at(addressToken), lengthAt: at(lengthToken) };
}

/** `{ options };`, where the braces are optional when `bracesOptional` (newer radvd). */
function parseBlockBody<F extends string>(
  c: Cursor,
  table: readonly OptionSpec<F>[],
  block: string,
  bracesOptional: boolean,
): { options: Record<string, unknown>; positions: Positions } {
  const options: Record<string, unknown> = {};
  const positions: Positions = new Map();
  if (!(bracesOptional && c.peek().kind === ';')) {
    const open = c.expect('{', `the ${block} definition`);
    while (!closes(c, block, open)) parseOption(c, table, block, options, positions);
  }
  c.expect(';', `the ${block} block`);
  return { options, positions };
}

function parsePrefix(c: Cursor): RadvdPrefix {
  const head = c.next();
  const { prefix } = parsePrefixText(c, 'prefix');
  const body = parseBlockBody(c, PREFIX_OPTIONS, 'prefix', true);
  const result: RadvdPrefix = { ...prefix, options: body.options as PrefixOptions };
  const bad = checkPrefix(result, body.positions, at(head));
  if (bad !== undefined) throw new Stop(bad);
  return result;
}

function parseRoute(c: Cursor): RadvdRoute {
  c.next();
  const { prefix } = parsePrefixText(c, 'route');
  return { ...prefix, options: parseBlockBody(c, ROUTE_OPTIONS, 'route', false).options as RouteOptions };
}

function parseNat64(c: Cursor): RadvdNat64Prefix {
  c.next();
  const { prefix, addressAt, lengthAt } = parsePrefixText(c, 'nat64prefix');
  const result: RadvdNat64Prefix = { ...prefix, options: parseBlockBody(c, NAT64_OPTIONS, 'nat64prefix', true).options as Nat64PrefixOptions };
  const bad = checkNat64Prefix(result, addressAt, lengthAt);
  if (bad !== undefined) throw new Stop(bad);
  return result;
}

function parseRdnss(c: Cursor): RadvdRdnss {
  const head = c.next();
  const addresses: string[] = [];
  do {
    addresses.push(need(readAddress(c.next(), 'a DNS server address after RDNSS')).address);
  } while (c.peek().kind === 'word');
  // The RDNSS option's length field is 8 bits of 8-octet units (RFC 8106 §5.1): 127 addresses.
  if (addresses.length > 127) {
    throw new Stop(problem('too-many', `an RDNSS block lists ${addresses.length} addresses; at most 127 fit one option`, at(head)));
  }
  return { addresses, options: parseBlockBody(c, RDNSS_OPTIONS, 'RDNSS', false).options as RdnssOptions };
}

function parseDnssl(c: Cursor): RadvdDnssl {
  c.next();
  const suffixes: string[] = [];
  do {
    suffixes.push(need(readSuffix(c.next())));
  } while (c.peek().kind === 'word' || c.peek().kind === 'quoted');
  return { suffixes, options: parseBlockBody(c, DNSSL_OPTIONS, 'DNSSL', false).options as DnsslOptions };
}

function parseLowpanco(c: Cursor): RadvdLowpanContext {
  c.next();
  return { options: parseBlockBody(c, LOWPANCO_OPTIONS, 'lowpanco', false).options as LowpanContextOptions };
}

function parseAbro(c: Cursor): RadvdAbro {
  c.next();
  const { address } = need(readAddress(c.next(), 'an IPv6 address after abro'));
  // radvd still reads the old `abro ADDR/LEN` form and ignores the length.
  if (c.peek().kind === '/') {
    c.next();
    need(readBounded(c.next(), 'a prefix length', 128, 'bad-prefix-length'));
  }
  return { address, options: parseBlockBody(c, ABRO_OPTIONS, 'abro', false).options as AbroOptions };
}

/** `KEYWORD { item; item; };` with at least one item, as radvd's grammar requires. */
function parseList<T>(c: Cursor, keyword: string, item: () => T): T[] {
  c.next();
  const open = c.expect('{', keyword);
  const items: T[] = [];
  while (!closes(c, keyword, open)) {
    items.push(item());
    c.expect(';', `an entry of the ${keyword} list`);
  }
  if (items.length === 0) {
    throw new Stop(problem('syntax', `the ${keyword} block is empty; list at least one entry or remove it`, at(open)));
  }
  c.expect(';', `the ${keyword} block`);
  return items;
}

function parseClients(c: Cursor): RadvdClient[] {
  return parseList(c, 'clients', () => {
    const { address, not } = need(readAddress(c.next(), 'a client address (or !address)', true));
    return { address, ignored: not };
  });
}

function parseRaSource(c: Cursor): string[] {
  return parseList(c, 'AdvRASrcAddress', () => need(readAddress(c.next(), 'a source address')).address);
}

function parseAutoIgnore(c: Cursor): PrefixText[] {
  return parseList(c, 'autoignoreprefixes', () => {
    const { address } = need(readAddress(c.next(), 'a prefix to ignore'));
    c.expect('/', `${address} (a prefix length)`);
    return { address, length: need(readBounded(c.next(), 'a prefix length', 128, 'bad-prefix-length')) };
  });
}
