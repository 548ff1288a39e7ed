// Parsing the option list of an ND message (RFC 4861 §4.6): framing first, then one switch on
// the option type. Unknown types become raw options (RFC 4861 §4.6: receivers skip them).
import { formatAddressBytes } from '../../net/address.ts';
import { err, ok, problem } from '../../lib/result.ts';
import type { Problem, Result } from '../../lib/result.ts';
import { decodeDomainName, linkLayerText, minimumRouteUnits, PREF64_LENGTHS, preferenceFromBits } from './fields.ts';
import type { NdpOption } from './types.ts';

/**
 * A cap on options per message. A 1500-byte link fits under 190; the cap bounds the work one
 * packet can cause on jumbo or hostile input without refusing anything a real router sends.
 */
export const MAX_OPTIONS = 1024;

type Parsed = Result<NdpOption, Problem>;

const fail = (code: string, message: string, offset: number): { ok: false; error: Problem } =>
  err(problem(code, message, { offset }));

/** Parses the options in `bytes` from `start` to the end; offsets in errors are into `bytes`. */
export function parseOptions(bytes: Uint8Array, start: number): Result<NdpOption[]> {
  const options: NdpOption[] = [];
  let at = start;
  while (at < bytes.length) {
    // RFC 4861 §4.6: at least the type and length bytes must be present.
    if (at + 2 > bytes.length) {
      return fail('option-overrun', 'an option header is cut off by the end of the packet', at);
    }
    const units = bytes[at + 1]!;
    // RFC 4861 §4.6: length 0 is invalid and the whole packet is discarded (§6.1.2, §7.1.1).
    if (units === 0) return fail('option-length-zero', 'an option has length 0, which RFC 4861 §4.6 forbids', at);
    const end = at + units * 8;
    if (end > bytes.length) {
      return fail(
        'option-overrun',
        `an option of ${units * 8} bytes runs past the end of the packet (${bytes.length - at} bytes left)`,
        at,
      );
    }
    if (options.length === MAX_OPTIONS) {
      return fail('too-many-options', `the packet carries more than ${MAX_OPTIONS} options`, at);
    }
    const parsed = parseOption(bytes[at]!, bytes.subarray(at + 2, end), at);
    if (!parsed.ok) return parsed;
    options.push(parsed.value);
    at = end;
  }
  return ok(options);
}

/** One option's body (after type and length); `at` is the option's offset for errors. */
function parseOption(code: number, body: Uint8Array, at: number): Parsed {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const units = (body.length + 2) / 8;
  switch (code) {
    case 1:
    case 2:
      return ok({ type: code === 1 ? 'source-lla' : 'target-lla', address: linkLayerText(body) });
    case 3:
      return parsePrefixInformation(body, view, units, at);
    case 4:
      return ok({ type: 'redirected-header', bytes: body.slice() });
    case 5:
      if (units !== 1) return wrongLength('MTU', 1, units, at);
      return ok(withReserved({ type: 'mtu', mtu: view.getUint32(2) }, view.getUint16(0)));
    case 7:
      if (units !== 1) return wrongLength('Advertisement Interval', 1, units, at);
      return ok(withReserved({ type: 'advertisement-interval', interval: view.getUint32(2) }, view.getUint16(0)));
    case 8:
      if (units !== 1) return wrongLength('Home Agent Information', 1, units, at);
      return ok(
        withReserved(
          { type: 'home-agent-information', preference: view.getInt16(2), lifetime: view.getUint16(4) },
          view.getUint16(0),
        ),
      );
    case 14:
      return ok({ type: 'nonce', nonce: body.slice() });
    case 24:
      return parseRouteInformation(body, view, units, at);
    case 25:
      return parseRdnss(body, view, units, at);
    case 31:
      return parseDnssl(body, view, at);
    case 37:
      return parseCaptivePortal(body, at);
    case 38:
      return parsePref64(body, view, units, at);
    default:
      return ok({ type: 'raw', code, bytes: body.slice() });
  }
}

function wrongLength(name: string, want: number, units: number, at: number): Parsed {
  return fail('option-length', `the ${name} option has length ${units}; it must be ${want}`, at);
}

/** Adds a `reserved` property only when the sender set reserved bits. */
function withReserved<T extends object>(option: T, reserved: number): T {
  return reserved === 0 ? option : { ...option, reserved };
}

function parsePrefixInformation(body: Uint8Array, view: DataView, units: number, at: number): Parsed {
  // RFC 4861 §4.6.2: the option is always 32 bytes.
  if (units !== 4) return wrongLength('Prefix Information', 4, units, at);
  const prefixLength = body[0]!;
  // §4.6.2: 0 to 128; anything else cannot be re-encoded faithfully by a checked serializer.
  if (prefixLength > 128) return fail('prefix-length', `the Prefix Information prefix length ${prefixLength} is over 128`, at);
  const flags = body[1]!;
  const reserved1 = flags & 0x1f;
  const reserved2 = view.getUint32(10);
  return ok({
    type: 'prefix-information',
    prefixLength,
    onLink: (flags & 0x80) !== 0,
    autonomous: (flags & 0x40) !== 0,
    routerAddress: (flags & 0x20) !== 0,
    validLifetime: view.getUint32(2),
    preferredLifetime: view.getUint32(6),
    prefix: formatAddressBytes(body, 14),
    ...(reserved1 === 0 ? {} : { reserved1 }),
    ...(reserved2 === 0 ? {} : { reserved2 }),
  });
}

function parseRouteInformation(body: Uint8Array, view: DataView, units: number, at: number): Parsed {
  // RFC 4191 §2.3: length 1, 2 or 3; more than 64 prefix bits need 3, more than 0 need 2 or 3.
  if (units > 3) return fail('option-length', `the Route Information option has length ${units}; it must be 1 to 3`, at);
  const prefixLength = body[0]!;
  if (prefixLength > 128) {
    return fail('route-prefix-length', `the Route Information prefix length ${prefixLength} is over 128`, at);
  }
  const needed = minimumRouteUnits(prefixLength);
  if (units < needed) {
    return fail(
      'route-prefix-length',
      `a /${prefixLength} route needs a Route Information option of length ${needed}, not ${units}`,
      at,
    );
  }
  const prefix = new Uint8Array(16);
  prefix.set(body.subarray(6));
  const flags = body[1]!;
  const reservedBits = flags & 0xe7;
  return ok({
    type: 'route-information',
    prefixLength,
    preference: preferenceFromBits(flags >> 3),
    routeLifetime: view.getUint32(2),
    prefix: formatAddressBytes(prefix),
    ...(units === needed ? {} : { length: units as 2 | 3 }),
    ...(reservedBits === 0 ? {} : { reservedBits }),
  });
}

function parseRdnss(body: Uint8Array, view: DataView, units: number, at: number): Parsed {
  // RFC 8106 §5.1: 3 for one server, 2 more per server, so odd and at least 3.
  if (units < 3 || units % 2 === 0) {
    return fail('option-length', `the RDNSS option has length ${units}; it must be odd and at least 3`, at);
  }
  const servers: string[] = [];
  for (let i = 6; i < body.length; i += 16) servers.push(formatAddressBytes(body, i));
  return ok(withReserved({ type: 'rdnss', lifetime: view.getUint32(2), servers }, view.getUint16(0)));
}

function parseDnssl(body: Uint8Array, view: DataView, at: number): Parsed {
  // RFC 8106 §5.2: at least one name, so length 2 or more.
  if (body.length < 14) return fail('option-length', 'the DNSSL option is shorter than 16 bytes', at);
  const domains: string[] = [];
  let i = 6;
  // A zero byte where a name would start begins the padding, which must be all zeros.
  while (i < body.length && body[i] !== 0) {
    const name = decodeDomainName(body, i);
    if (!name.ok) return fail('dnssl-name', `DNSSL: ${name.reason}`, at + 2 + name.at);
    domains.push(name.name);
    i = name.next;
  }
  const stray = body.subarray(i).findIndex((b) => b !== 0);
  if (stray >= 0) return fail('dnssl-name', 'DNSSL: padding after the names is not all zeros', at + 2 + i + stray);
  if (domains.length === 0) return fail('dnssl-name', 'the DNSSL option carries no domain name', at);
  return ok(withReserved({ type: 'dnssl', lifetime: view.getUint32(2), domains }, view.getUint16(0)));
}

function parseCaptivePortal(body: Uint8Array, at: number): Parsed {
  // RFC 8910 §2.3: the URI, then NUL padding to a multiple of 8 bytes.
  let end = body.length;
  while (end > 0 && body[end - 1] === 0) end--;
  const uri = body.subarray(0, end);
  // A URI is printable ASCII (RFC 3986 §2); anything else would not survive as text.
  const bad = uri.findIndex((b) => b < 0x21 || b > 0x7e);
  if (bad >= 0) return fail('captive-portal-uri', 'the captive portal URI holds a byte that is not printable ASCII', at + 2 + bad);
  return ok({ type: 'captive-portal', uri: String.fromCharCode(...uri) });
}

function parsePref64(body: Uint8Array, view: DataView, units: number, at: number): Parsed {
  if (units !== 2) return wrongLength('PREF64', 2, units, at);
  const word = view.getUint16(0);
  const prefixLength = PREF64_LENGTHS[word & 0x7];
  // RFC 8781 §4: receivers ignore a PLC other than 0–5; a codec that must round-trip rejects it.
  if (prefixLength === undefined) {
    return fail('pref64-plc', `the PREF64 prefix length code ${word & 0x7} is not defined by RFC 8781`, at);
  }
  const prefix = new Uint8Array(16);
  prefix.set(body.subarray(2, 14));
  return ok({ type: 'pref64', lifetime: (word >> 3) * 8, prefixLength, prefix: formatAddressBytes(prefix) });
}
