// Reading one value token: what radvd's scanner would make of a word, and the checks radvd
// applies to it, with the problem placed at the value itself.
import { addressBytes, formatAddressBytes } from '../../net/address.ts';
import { err, ok, problem } from '../../lib/result.ts';
import type { Result } from '../../lib/result.ts';
import type { Preference } from './ast.ts';
import { INFINITY } from './ast.ts';
import type { Token } from './lexer.ts';
import type { ValueKind } from './options.ts';
import { isReservedWord } from './options.ts';

const at = (t: Token) => ({ line: t.line, column: t.column });

export function describeToken(t: Token): string {
  if (t.kind === 'eof') return 'end of file';
  if (t.kind === 'quoted') return `"${t.text}"`;
  return `'${t.text}'`;
}

const UINT32_MAX = 0xffffffff;
// Linux interface names are at most IFNAMSIZ - 1 = 15 bytes; radvd would silently truncate.
const IFNAMSIZ = 16;

/** A value of `kind` for option `keyword` (a number, boolean, preference or string). */
export function readValue(t: Token, kind: ValueKind, keyword: string): Result<number | boolean | string> {
  const bad = (expected: string): Result<never> =>
    err(problem('bad-value', `${keyword} takes ${expected}, found ${describeToken(t)}`, at(t)));
  const word = t.kind === 'word' ? t.text : undefined;
  const lower = word?.toLowerCase();
  switch (kind) {
    case 'switch':
      if (lower === 'on' || lower === 'off') return ok(lower === 'on');
      return bad('on or off');
    case 'preference':
      if (lower === 'low' || lower === 'medium' || lower === 'high') return ok(lower as Preference);
      return bad('low, medium or high');
    case 'lifetime':
      if (lower === 'infinity') return ok(INFINITY);
      return readNumber(t, keyword, 'a number of seconds or infinity');
    case 'number':
      return readNumber(t, keyword, 'a whole number');
    case 'interval':
      if (word !== undefined && /^\d+\.\d+$/.test(word)) return ok(Number(word));
      return readNumber(t, keyword, 'a number of seconds (decimals allowed)');
    case 'uri': {
      const text = t.kind === 'quoted' || (word !== undefined && !isReservedWord(word)) ? t.text : undefined;
      if (text === undefined) return bad('a URI, quoted');
      if (text === '') return err(problem('bad-value', `${keyword} needs a URI; the quoted text is empty`, at(t)));
      return ok(text);
    }
    case 'ifname':
      return readName(t, `${keyword} takes an interface name`);
  }
}

function readNumber(t: Token, keyword: string, expected: string): Result<number> {
  if (t.kind !== 'word' || !/^\d+$/.test(t.text)) {
    return err(problem('bad-value', `${keyword} takes ${expected}, found ${describeToken(t)}`, at(t)));
  }
  const n = Number(t.text);
  if (n > UINT32_MAX) {
    return err(problem('out-of-range', `${keyword} ${t.text} is larger than ${UINT32_MAX}`, at(t)));
  }
  return ok(n);
}

/** A whole number such as a prefix length, bounded by `max`. */
export function readBounded(t: Token, what: string, max: number, code: string): Result<number> {
  if (t.kind !== 'word' || !/^\d+$/.test(t.text)) {
    return err(problem('syntax', `expected ${what}, found ${describeToken(t)}`, at(t)));
  }
  const n = Number(t.text);
  if (n > max) return err(problem(code, `${what.replace(/^an? /, '')} ${t.text} is out of range; it must be 0 to ${max}`, at(t)));
  return ok(n);
}

/** An interface name: a plain word that radvd's scanner does not turn into anything else. */
export function readName(t: Token, expected: string): Result<string> {
  const w = t.text;
  const plain =
    t.kind === 'word' &&
    !isReservedWord(w) &&
    !/^-?\d+(\.\d+)?$/.test(w) &&
    !(/^!?[0-9A-Fa-f:]*$/.test(w) && w.includes(':'));
  if (!plain) return err(problem('syntax', `${expected}, found ${describeToken(t)}`, at(t)));
  if (w.length >= IFNAMSIZ) {
    return err(problem('bad-name', `interface name '${w}' is longer than ${IFNAMSIZ - 1} characters`, at(t)));
  }
  return ok(w);
}

/**
 * An IPv6 address as radvd's scanner reads it: hex digits and colons only (no zone, no dotted
 * IPv4 tail), and never starting with `::` unless it is exactly `::`, because the scanner's
 * address pattern needs a leading hex group and reads `::1` as a plain word.
 */
export function readAddress(t: Token, what: string, allowNot = false): Result<{ address: string; not: boolean }> {
  const not = allowNot && t.kind === 'word' && t.text.startsWith('!');
  const text = not ? t.text.slice(1) : t.text;
  const fail = (msg: string): Result<never> => err(problem('bad-address', msg, at(t)));
  if (t.kind !== 'word' || !text.includes(':')) return fail(`expected ${what}, found ${describeToken(t)}`);
  const bytes = /^[0-9A-Fa-f:]+$/.test(text) ? addressBytes(text) : undefined;
  if (bytes === undefined) return fail(`${describeToken(t)} is not a valid IPv6 address (expected ${what})`);
  if (text.startsWith('::') && text !== '::') {
    return fail(`radvd cannot read an address that starts with '::'; write '0${text}' instead`);
  }
  return ok({ address: formatAddressBytes(bytes), not });
}

/** Text radvd reads back as the same address (see readAddress about a leading `::`). */
export function writeAddress(address: string): string {
  return address.startsWith('::') && address !== '::' ? `0${address}` : address;
}

/** A DNSSL suffix: radvd allows only letters, digits, '-' and '.' (RFC 8106 §5.2 domain names). */
export function readSuffix(t: Token): Result<string> {
  if (t.kind !== 'word' || isReservedWord(t.text) || /^-?\d+(\.\d+)?$/.test(t.text) || /^!?[0-9A-Fa-f:]*:/.test(t.text)) {
    return err(problem('syntax', `expected a domain suffix after DNSSL, found ${describeToken(t)}`, at(t)));
  }
  if (!/^[A-Za-z0-9.-]+$/.test(t.text)) {
    return err(
      problem('bad-domain', `DNSSL suffix '${t.text}' may contain only letters, digits, '-' and '.'`, at(t)),
    );
  }
  return ok(t.text);
}

