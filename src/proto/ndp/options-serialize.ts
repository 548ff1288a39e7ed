// Serializing ND options (RFC 4861 §4.6). Every value is checked before a byte is written: an
// option that cannot be encoded exactly is refused with the path of the offending field.
import { addressBytes } from '../../net/address.ts';
import { err, ok, problem } from '../../lib/result.ts';
import type { Result } from '../../lib/result.ts';
import {
  domainNameProblem,
  encodeDomainName,
  isUint,
  linkLayerBytes,
  minimumRouteUnits,
  packFields,
  PREF64_LENGTHS,
  preferenceBits,
} from './fields.ts';
import type { Field } from './fields.ts';
import { OPTION_CODE } from './types.ts';
import type { NdpOption, RoutePreference } from './types.ts';

type Body = Result<Uint8Array>;

const refuse = (path: string, message: string): { ok: false; error: ReturnType<typeof problem> } =>
  err(problem('invalid-value', message, { path }));

/** The wire form of `options`, each framed with type and length; `path` prefixes error paths. */
export function serializeOptions(options: readonly NdpOption[], path: string): Result<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (const [i, option] of options.entries()) {
    const where = `${path}[${i}]`;
    const body = serializeBody(option, where);
    if (!body.ok) return body;
    const total = body.value.length + 2;
    // RFC 4861 §4.6: the length is in units of 8 bytes, 1 to 255.
    if (total % 8 !== 0 || total > 255 * 8) {
      return refuse(where, `the option would be ${total} bytes; it must be a multiple of 8 up to 2040`);
    }
    const framed = new Uint8Array(total);
    framed[0] = option.type === 'raw' ? option.code : OPTION_CODE[option.type];
    framed[1] = total / 8;
    framed.set(body.value, 2);
    parts.push(framed);
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return ok(out);
}

function serializeBody(option: NdpOption, path: string): Body {
  switch (option.type) {
    case 'source-lla':
    case 'target-lla': {
      const bytes = linkLayerBytes(option.address);
      if (bytes === undefined) return refuse(`${path}.address`, `"${option.address}" is not colon-separated hex bytes`);
      return ok(bytes);
    }
    case 'prefix-information':
      return serializePrefixInformation(option, path);
    case 'redirected-header':
      return ok(option.bytes);
    case 'mtu':
      return fixed(path, [['reserved', option.reserved ?? 0, 16], ['mtu', option.mtu, 32]]);
    case 'advertisement-interval':
      return fixed(path, [['reserved', option.reserved ?? 0, 16], ['interval', option.interval, 32]]);
    case 'home-agent-information': {
      // RFC 6275 §7.4: the preference is signed; check it, then write its 16-bit pattern.
      const p = option.preference;
      if (!Number.isInteger(p) || p < -32768 || p > 32767) {
        return refuse(`${path}.preference`, `preference ${p} is not a signed 16-bit integer`);
      }
      return fixed(path, [['reserved', option.reserved ?? 0, 16], ['preference', p & 0xffff, 16], ['lifetime', option.lifetime, 16]]);
    }
    case 'nonce':
      // RFC 3971 §5.3.2: at least 6 bytes of nonce.
      if (option.nonce.length < 6) return refuse(`${path}.nonce`, 'a nonce must be at least 6 bytes');
      return ok(option.nonce);
    case 'route-information':
      return serializeRouteInformation(option, path);
    case 'rdnss':
      return serializeRdnss(option, path);
    case 'dnssl':
      return serializeDnssl(option, path);
    case 'captive-portal':
      return serializeCaptivePortal(option.uri, path);
    case 'pref64':
      return serializePref64(option, path);
    case 'raw':
      if (!isUint(option.code, 8)) return refuse(`${path}.code`, `option type ${option.code} is not 0 to 255`);
      return ok(option.bytes);
  }
}

type Named = readonly [name: string, value: number, bits: 8 | 16 | 32];

/** Big-endian fields laid end to end, each checked against its width. */
function fixed(path: string, fields: readonly Named[]): Body {
  let at = 0;
  const placed = fields.map(([name, value, bits]): Field => {
    const field: Field = [`${path}.${name}`, value, bits, at];
    at += bits / 8;
    return field;
  });
  return packFields(at, placed);
}

function concat(head: Uint8Array, tail: Uint8Array): Uint8Array {
  const out = new Uint8Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}

function address(text: string, path: string): Result<Uint8Array> {
  const bytes = addressBytes(text);
  return bytes === undefined ? refuse(path, `"${text}" is not an IPv6 address`) : ok(bytes);
}

function flag(on: boolean, bit: number): number {
  return on ? bit : 0;
}

function serializePrefixInformation(o: Extract<NdpOption, { type: 'prefix-information' }>, path: string): Body {
  if (!isUint(o.prefixLength, 8) || o.prefixLength > 128) {
    return refuse(`${path}.prefixLength`, `prefix length ${o.prefixLength} is not 0 to 128`);
  }
  const reserved1 = o.reserved1 ?? 0;
  if (!isUint(reserved1, 5)) return refuse(`${path}.reserved1`, `reserved1 ${reserved1} does not fit in 5 bits`);
  const flags = flag(o.onLink, 0x80) | flag(o.autonomous, 0x40) | flag(o.routerAddress, 0x20) | reserved1;
  const head = fixed(path, [
    ['prefixLength', o.prefixLength, 8],
    ['flags', flags, 8],
    ['validLifetime', o.validLifetime, 32],
    ['preferredLifetime', o.preferredLifetime, 32],
    ['reserved2', o.reserved2 ?? 0, 32],
  ]);
  if (!head.ok) return head;
  const prefix = address(o.prefix, `${path}.prefix`);
  return prefix.ok ? ok(concat(head.value, prefix.value)) : prefix;
}

function preference(value: RoutePreference, path: string): Result<number> {
  const bits = preferenceBits(value);
  return bits < 0 ? refuse(path, `preference "${String(value)}" is not low, medium, high or reserved`) : ok(bits);
}

function serializeRouteInformation(o: Extract<NdpOption, { type: 'route-information' }>, path: string): Body {
  if (!isUint(o.prefixLength, 8) || o.prefixLength > 128) {
    return refuse(`${path}.prefixLength`, `prefix length ${o.prefixLength} is not 0 to 128`);
  }
  const needed = minimumRouteUnits(o.prefixLength);
  const units = o.length ?? needed;
  // RFC 4191 §2.3: the length must leave room for the prefix bits.
  if (!Number.isInteger(units) || units < needed || units > 3) {
    return refuse(`${path}.length`, `a /${o.prefixLength} route needs option length ${needed} to 3, not ${units}`);
  }
  const reservedBits = o.reservedBits ?? 0;
  if (!isUint(reservedBits, 8) || (reservedBits & 0x18) !== 0) {
    return refuse(`${path}.reservedBits`, `reservedBits ${reservedBits} must be a byte with the Prf bits (0x18) clear`);
  }
  const prf = preference(o.preference, `${path}.preference`);
  if (!prf.ok) return prf;
  const head = fixed(path, [
    ['prefixLength', o.prefixLength, 8],
    ['flags', (prf.value << 3) | reservedBits, 8],
    ['routeLifetime', o.routeLifetime, 32],
  ]);
  if (!head.ok) return head;
  const prefix = address(o.prefix, `${path}.prefix`);
  if (!prefix.ok) return prefix;
  const carried = (units - 1) * 8;
  if (prefix.value.subarray(carried).some((b) => b !== 0)) {
    return refuse(`${path}.prefix`, `${o.prefix} has bits past the ${carried} bytes an option of length ${units} carries`);
  }
  return ok(concat(head.value, prefix.value.subarray(0, carried)));
}

function serializeRdnss(o: Extract<NdpOption, { type: 'rdnss' }>, path: string): Body {
  // RFC 8106 §5.1: at least one server; 127 fit in the 8-bit length.
  if (o.servers.length < 1 || o.servers.length > 127) {
    return refuse(`${path}.servers`, `an RDNSS option carries 1 to 127 servers, not ${o.servers.length}`);
  }
  const head = fixed(path, [['reserved', o.reserved ?? 0, 16], ['lifetime', o.lifetime, 32]]);
  if (!head.ok) return head;
  const out = new Uint8Array(6 + 16 * o.servers.length);
  out.set(head.value);
  for (const [i, server] of o.servers.entries()) {
    const bytes = address(server, `${path}.servers[${i}]`);
    if (!bytes.ok) return bytes;
    out.set(bytes.value, 6 + 16 * i);
  }
  return ok(out);
}

function serializeDnssl(o: Extract<NdpOption, { type: 'dnssl' }>, path: string): Body {
  if (o.domains.length === 0) return refuse(`${path}.domains`, 'a DNSSL option carries at least one domain name');
  const head = fixed(path, [['reserved', o.reserved ?? 0, 16], ['lifetime', o.lifetime, 32]]);
  if (!head.ok) return head;
  const names: Uint8Array[] = [];
  for (const [i, domain] of o.domains.entries()) {
    const why = domainNameProblem(domain);
    if (why !== undefined) return refuse(`${path}.domains[${i}]`, why);
    names.push(encodeDomainName(domain));
  }
  // RFC 8106 §5.2: zero padding up to the next multiple of 8 bytes.
  const used = 2 + 6 + names.reduce((n, b) => n + b.length, 0);
  const out = new Uint8Array(used - 2 + ((8 - (used % 8)) % 8));
  out.set(head.value);
  let at = 6;
  for (const name of names) {
    out.set(name, at);
    at += name.length;
  }
  return ok(out);
}

function serializeCaptivePortal(uri: string, path: string): Body {
  if (!/^[\x21-\x7e]*$/.test(uri)) return refuse(`${path}.uri`, 'the captive portal URI must be printable ASCII');
  // RFC 8910 §2.3: NUL padding to a multiple of 8 bytes.
  const out = new Uint8Array(uri.length + ((8 - ((uri.length + 2) % 8)) % 8));
  for (let i = 0; i < uri.length; i++) out[i] = uri.charCodeAt(i);
  return ok(out);
}

function serializePref64(o: Extract<NdpOption, { type: 'pref64' }>, path: string): Body {
  // RFC 8781 §4: 13 bits of lifetime in units of 8 seconds.
  if (!isUint(o.lifetime, 16) || o.lifetime % 8 !== 0) {
    return refuse(`${path}.lifetime`, `PREF64 lifetime ${o.lifetime} is not a multiple of 8 from 0 to 65528`);
  }
  const plc = PREF64_LENGTHS.indexOf(o.prefixLength);
  if (plc < 0) return refuse(`${path}.prefixLength`, `PREF64 prefix length ${o.prefixLength} is not 32, 40, 48, 56, 64 or 96`);
  const prefix = address(o.prefix, `${path}.prefix`);
  if (!prefix.ok) return prefix;
  if (prefix.value.subarray(12).some((b) => b !== 0)) {
    return refuse(`${path}.prefix`, `${o.prefix} has bits past the 96 the PREF64 option carries`);
  }
  const out = new Uint8Array(14);
  new DataView(out.buffer).setUint16(0, ((o.lifetime / 8) << 3) | plc);
  out.set(prefix.value.subarray(0, 12), 2);
  return ok(out);
}
