// Bracketed address literals as URLs and `host:port` strings write them (RFC 3986 §3.2.2),
// with the zone written `%25zone` inside the brackets (RFC 6874 §2; a bare `%` is accepted too,
// since people paste zones from `ip addr`).
import { err, ok, problem } from '../lib/result.ts';
import type { Result } from '../lib/result.ts';
import { formatAddress, parseAddressWorded, showText } from './address.ts';
import type { Address } from './address.ts';

export interface Endpoint {
  readonly address: Address;
  readonly port?: number;
}

const WHAT = 'an IPv6 endpoint';

/** Parses `[addr]`, `[addr]:port` or a bare address (which then has no port). */
export function parseEndpoint(text: string): Result<Endpoint> {
  if (text === '') return err(problem('empty', `an empty string is not ${WHAT}`));
  const wording = { subject: text, what: WHAT };
  if (!text.startsWith('[')) {
    const address = parseAddressWorded(text, wording);
    return address.ok ? ok({ address: address.value }) : address;
  }
  const close = text.indexOf(']');
  if (close < 0) return err(problem('unexpected-brackets', `${showText(text)} is not ${WHAT}: the "[" is never closed by "]"`));
  const inside = text.slice(1, close).replace(/%25(?=.)/, '%');
  const address = parseAddressWorded(inside, wording);
  if (!address.ok) return address;
  const rest = text.slice(close + 1);
  if (rest === '') return ok({ address: address.value });
  const port = /^:(0|[1-9]\d{0,4})$/.exec(rest);
  if (port === null || Number(port[1]) > 65535) {
    return err(problem('bad-port', `${showText(text)} is not ${WHAT}: after "]" comes ":" and a port 0–65535, not ${showText(rest)}`));
  }
  return ok({ address: address.value, port: Number(port[1]) });
}

/** `[addr]:port` (or `[addr]` without a port), zone escaped as `%25` for use in a URL. */
export function formatEndpoint(e: Endpoint): string {
  const zone = e.address.zone === undefined ? '' : `%25${e.address.zone}`;
  const host = `[${formatAddress(e.address.value)}${zone}]`;
  return e.port === undefined ? host : `${host}:${e.port}`;
}
