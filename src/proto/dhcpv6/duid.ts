// DHCP Unique Identifiers (RFC 8415 §11; DUID-UUID from RFC 6355): decode, encode, constructors
// and the hex form leases are stored under.
import { err, ok, problem, type Result } from '../../lib/result.ts';
import { DUID_TIME_EPOCH_MS, DUID_TYPES, HARDWARE_TYPE_ETHERNET, MAX_DUID_DATA } from './constants.ts';
import type { Duid } from './types.ts';

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Decodes the DUID in `bytes[start, end)`. Offsets in problems are absolute. The length limits
 * are §11.1's: 1 to 128 octets after the type code (Kea CVE-2019-6472 trusted a longer one).
 */
export function decodeDuid(input: Uint8Array, start: number, end: number): Result<Duid> {
  // A plain view, so slices are copies (Buffer#slice would share memory).
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const length = end - start;
  if (length < 3) {
    return err(problem('duid-too-short', `a DUID needs a 2-octet type and at least 1 octet of data, got ${length} octets`, { offset: start }));
  }
  if (length - 2 > MAX_DUID_DATA) {
    return err(problem('duid-too-long', `a DUID carries at most ${MAX_DUID_DATA} octets after its type, got ${length - 2}`, { offset: start }));
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = view.getUint16(start);
  const body = start + 2;
  switch (type) {
    case DUID_TYPES.llt:
      if (length < 8) return err(malformed('DUID-LLT', 8, length, start));
      return ok({
        type: 'llt',
        hardwareType: view.getUint16(body),
        time: view.getUint32(body + 2),
        linkLayerAddress: bytes.slice(body + 6, end),
      });
    case DUID_TYPES.en:
      if (length < 6) return err(malformed('DUID-EN', 6, length, start));
      return ok({ type: 'en', enterpriseNumber: view.getUint32(body), identifier: bytes.slice(body + 4, end) });
    case DUID_TYPES.ll:
      return ok({ type: 'll', hardwareType: view.getUint16(body), linkLayerAddress: bytes.slice(body + 2, end) });
    case DUID_TYPES.uuid:
      // RFC 6355 §4: the UUID is exactly 16 octets.
      if (length !== 18) {
        return err(problem('bad-duid', `a DUID-UUID is 18 octets long, got ${length}`, { offset: start }));
      }
      return ok({ type: 'uuid', uuid: uuidText(bytes.subarray(body, end)) });
    default:
      return ok({ type: 'raw', duidType: type, data: bytes.slice(body, end) });
  }
}

function malformed(name: string, min: number, length: number, offset: number) {
  return problem('bad-duid', `a ${name} is at least ${min} octets long, got ${length}`, { offset });
}

function uuidText(b: Uint8Array): string {
  const hex = toHex(b);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Encodes a DUID, refusing values that do not fit their fields; `path` names it in problems. */
export function encodeDuid(duid: Duid, path: string): Result<Uint8Array> {
  const body = duidBody(duid, path);
  if (!body.ok) return body;
  const { type, data } = body.value;
  if (data.length < 1) return err(problem('duid-too-short', 'a DUID needs at least 1 octet after its type', { path }));
  if (data.length > MAX_DUID_DATA) {
    return err(problem('duid-too-long', `a DUID carries at most ${MAX_DUID_DATA} octets after its type, this one has ${data.length}`, { path }));
  }
  const out = new Uint8Array(2 + data.length);
  new DataView(out.buffer).setUint16(0, type);
  out.set(data, 2);
  return ok(out);
}

function duidBody(duid: Duid, path: string): Result<{ type: number; data: Uint8Array }> {
  switch (duid.type) {
    case 'llt': {
      const bad = checkUint(duid.hardwareType, 16, `${path}.hardwareType`) ?? checkUint(duid.time, 32, `${path}.time`);
      if (bad) return err(bad);
      const data = new Uint8Array(6 + duid.linkLayerAddress.length);
      const view = new DataView(data.buffer);
      view.setUint16(0, duid.hardwareType);
      view.setUint32(2, duid.time);
      data.set(duid.linkLayerAddress, 6);
      return ok({ type: DUID_TYPES.llt, data });
    }
    case 'en': {
      const bad = checkUint(duid.enterpriseNumber, 32, `${path}.enterpriseNumber`);
      if (bad) return err(bad);
      const data = new Uint8Array(4 + duid.identifier.length);
      new DataView(data.buffer).setUint32(0, duid.enterpriseNumber);
      data.set(duid.identifier, 4);
      return ok({ type: DUID_TYPES.en, data });
    }
    case 'll': {
      const bad = checkUint(duid.hardwareType, 16, `${path}.hardwareType`);
      if (bad) return err(bad);
      const data = new Uint8Array(2 + duid.linkLayerAddress.length);
      new DataView(data.buffer).setUint16(0, duid.hardwareType);
      data.set(duid.linkLayerAddress, 2);
      return ok({ type: DUID_TYPES.ll, data });
    }
    case 'uuid':
      if (!UUID_TEXT.test(duid.uuid)) {
        return err(problem('bad-uuid', `"${duid.uuid}" is not a lowercase UUID like 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`, { path: `${path}.uuid` }));
      }
      return ok({ type: DUID_TYPES.uuid, data: fromHexDigits(duid.uuid.replaceAll('-', '')) });
    case 'raw': {
      const bad = checkUint(duid.duidType, 16, `${path}.duidType`);
      if (bad) return err(bad);
      // A raw DUID of a known type would parse back as the typed form: insist on that form.
      if (duid.duidType >= DUID_TYPES.llt && duid.duidType <= DUID_TYPES.uuid) {
        return err(problem('raw-known-type', `DUID type ${duid.duidType} has a typed form; use it instead of raw`, { path: `${path}.duidType` }));
      }
      return ok({ type: duid.duidType, data: duid.data });
    }
  }
}

/** A problem when `value` is not an integer that fits in `bits` unsigned bits. */
export function checkUint(value: number, bits: 8 | 16 | 24 | 32, path: string) {
  const max = 2 ** bits - 1;
  if (Number.isInteger(value) && value >= 0 && value <= max) return undefined;
  return problem('out-of-range', `${value} is not an integer from 0 to ${max}`, { path });
}

/** DUID-LL for an Ethernet MAC address (RFC 8415 §11.4). */
export function duidLl(mac: Uint8Array): Duid {
  return { type: 'll', hardwareType: HARDWARE_TYPE_ETHERNET, linkLayerAddress: Uint8Array.from(mac) };
}

/** DUID-LLT for an Ethernet MAC address and the moment it was generated (RFC 8415 §11.2). */
export function duidLlt(mac: Uint8Array, time: Date): Duid {
  const seconds = Math.floor((time.getTime() - DUID_TIME_EPOCH_MS) / 1000);
  return {
    type: 'llt',
    hardwareType: HARDWARE_TYPE_ETHERNET,
    time: ((seconds % 2 ** 32) + 2 ** 32) % 2 ** 32,
    linkLayerAddress: Uint8Array.from(mac),
  };
}

/** DUID-UUID (RFC 6355) from UUID text in any case, or undefined if it is not a UUID. */
export function duidUuid(uuid: string): Duid | undefined {
  const text = uuid.toLowerCase();
  return UUID_TEXT.test(text) ? { type: 'uuid', uuid: text } : undefined;
}

/** The six bytes of a MAC address written `aa:bb:cc:dd:ee:ff` (or with `-`), or undefined. */
export function macBytes(text: string): Uint8Array | undefined {
  if (!/^[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2}){5}$/.test(text)) return undefined;
  return fromHexDigits(text.replace(/[:-]/g, ''));
}

/** The DUID's wire octets as lowercase hex without separators: the key leases are stored under. */
export function duidToHex(duid: Duid): Result<string> {
  const bytes = encodeDuid(duid, 'duid');
  return bytes.ok ? ok(toHex(bytes.value)) : bytes;
}

/** Reads a DUID from hex, with or without `:` separators (as dhclient and Kea print them). */
export function duidFromHex(text: string): Result<Duid> {
  const digits = text.includes(':') ? text.split(':').map((p) => p.padStart(2, '0')).join('') : text;
  if (!/^([0-9a-fA-F]{2})*$/.test(digits)) {
    return err(problem('bad-hex', `"${text}" is not a DUID in hex, e.g. 00:03:00:01:02:00:00:00:00:01`, { path: 'duid' }));
  }
  const bytes = fromHexDigits(digits);
  return decodeDuid(bytes, 0, bytes.length);
}

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

function fromHexDigits(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}
